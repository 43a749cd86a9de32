"""One gazetteer: subscriptions, article tags and the firm profile read places the same way."""

from __future__ import annotations

import pytest

from bot.core.digests.compose import ArticleIndex
from bot.core.estimate.dialogue import read_profile
from bot.core.places import load_places
from bot.core.subscriptions.parser import load_vocabulary, parse_request
from bot.core.subscriptions.types import SubscriptionDraft
from retrieval.tagging import gazetteer
from tests.fakes.digests import article


@pytest.mark.parametrize(
    ("typed", "region", "described"),
    [
        ("泸州", "泸州", "泸州（四川）"),
        ("泸州市", "泸州", "泸州（四川）"),
        ("泸县", "泸县", "泸县（四川泸州）"),
        ("合江", "合江县", "合江县（四川泸州）"),
        ("都江堰市", "都江堰", "都江堰（四川成都）"),
        ("四川省", "四川", "四川"),
        ("万州区", "万州区", "万州区（重庆）"),
        ("仙桃", "仙桃", "仙桃（湖北）"),
    ],
)
def test_any_prefecture_or_county_is_a_region_with_its_province(
    typed: str, region: str, described: str
) -> None:
    places = load_places()
    assert places.resolve(typed) == region
    assert places.describe(region) == described
    assert parse_request(f"/subscribe {typed}").draft.regions == (region,)


def test_unknown_and_foreign_places_are_not_regions() -> None:
    places = load_places()
    assert places.resolve("火星") is None and places.resolve("美国") is None
    parsed = parse_request("科技金融 美国 火星")
    assert parsed.draft.regions == () and parsed.foreign == ("美国",) and parsed.unknown == ("火星",)


@pytest.mark.parametrize(
    ("typed", "topic"),
    [("积分贷", "积分贷"), ("创新积分贷", "积分贷"), ("积分贷款", "积分贷"), ("专利", "知识产权"),
     ("高企", "高新技术企业"), ("产学研", "产学研合作"), ("科技金融政策", "科技金融")],
)  # fmt: skip
def test_topics_are_tags_with_close_forms(typed: str, topic: str) -> None:
    assert parse_request(typed).draft.topics == (topic,)
    assert topic in load_vocabulary().topic_forms.names


def test_article_tags_and_subscriptions_meet_on_the_same_names() -> None:
    gaz = gazetteer()
    text = "泸县科技局推动创新积分制落地，积分贷授信企业20家。"
    regions = gaz.with_parents(gaz.mentions(text))
    assert regions[:3] == ("泸县", "泸州", "四川")
    index = ArticleIndex([article("a1", "泸县推进积分贷", text, regions=regions)])
    for subscribed in (("泸县",), ("泸州",), ("四川",)):
        assert index.compose(SubscriptionDraft(regions=subscribed), since=None).total == 1
    assert index.compose(SubscriptionDraft(regions=("成都",)), since=None).empty


def test_firm_profile_reads_its_region_from_the_gazetteer() -> None:
    assert read_profile("泸州 白酒") == ("泸州", "白酒")
    assert read_profile("白酒，合江") == ("合江县", "白酒")
    assert read_profile("软件") == (None, "软件")
