"""Digest composition: matching, ranking, summaries, rendering under the channel limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from bot.core.digests.compose import (
    MAX_REPLY_CHARS,
    ArticleIndex,
    render_digest,
    subscription_label,
    to_article,
)
from bot.core.subscriptions.types import SubscriptionDraft
from tests.fakes.digests import article

T0 = datetime(2026, 11, 20, tzinfo=UTC)


def test_title_hits_rank_above_passing_mentions_and_newer_breaks_ties() -> None:
    arts = [
        article(
            "old", "科技金融综述", "文中顺带提到积分贷一次，其他都是别的内容。", ingested_at=T0
        ),
        article(
            "title",
            "积分贷扩面提质",
            "本文介绍积分贷的最新做法和成效。",
            ingested_at=T0 + timedelta(hours=1),
        ),
        article(
            "new",
            "科技金融简讯",
            "文中也顺带提到积分贷一次，其余是别的内容。",
            ingested_at=T0 + timedelta(hours=2),
        ),
        article("none", "人才政策", "与主题无关。", ingested_at=T0 + timedelta(hours=3)),
    ]
    digest = ArticleIndex(arts).compose(SubscriptionDraft(topics=("积分贷",)), since=None)
    assert [i.doc_id for i in digest.items] == ["title", "new", "old"]
    assert digest.total == 3 and digest.watermark_to == T0 + timedelta(hours=2)


def test_since_watermark_and_item_cap() -> None:
    arts = [
        article(
            f"a{i}", f"积分贷{i}", "积分贷内容说明文字。", ingested_at=T0 + timedelta(minutes=i)
        )
        for i in range(20)
    ]
    index = ArticleIndex(arts, max_items=5)
    digest = index.compose(SubscriptionDraft(topics=("积分贷",)), since=T0 + timedelta(minutes=9))
    assert digest.total == 10 and len(digest.items) == 5
    assert all(int(i.doc_id[1:]) >= 10 for i in digest.items)
    replies = render_digest("积分贷", digest)
    assert "另有 5 篇" in replies[-1].text


def test_no_topics_means_everything_and_regions_filter() -> None:
    arts = [
        article("cd", "成都动态", "成都发布新政。", regions=("成都",)),
        article("nj", "南京动态", "南京发布新政。"),
    ]
    index = ArticleIndex(arts)
    assert index.compose(SubscriptionDraft(), since=None).total == 2
    assert [
        i.doc_id for i in index.compose(SubscriptionDraft(regions=("四川",)), since=None).items
    ] == ["cd"]
    assert index.compose(SubscriptionDraft(regions=("上海",)), since=None).empty


def test_summary_skips_headings_toc_and_boilerplate_and_prefers_the_topic_sentence() -> None:
    text = (
        "# 科技情报参考\n2023 年第 10 期\n★ 成都出台方案 .....2\n编辑：某某 电话：12345678\n"
        "会议指出，要进一步优化营商环境，支持企业做大做强。"
        "成都依托创新积分向企业发放积分贷，累计放款超过十亿元。后续还将扩大试点范围并完善配套措施。"
    )
    index = ArticleIndex([article("a", "成都出台方案", text)])
    summary = index.summary(0, ("积分贷",))
    assert summary.startswith("成都依托创新积分向企业发放积分贷")
    assert "后续还将扩大试点范围" in summary  # a short first sentence gets its follower
    generic = index.summary(0, ())
    assert generic.startswith("会议指出") and "....." not in generic and "电话" not in generic
    assert len(index.summary(0, ("积分贷",))) <= 150


def test_long_digests_are_split_under_the_channel_limit_with_buttons_last() -> None:
    long_text = "积分贷政策说明，" * 200 + "。"
    arts = [article(f"a{i}", f"积分贷长文{i}", long_text) for i in range(8)]
    digest = ArticleIndex(arts).compose(SubscriptionDraft(topics=("积分贷",)), since=None)
    replies = render_digest("积分贷", digest, subscription_id=7)
    assert all(len(r.text) <= MAX_REPLY_CHARS for r in replies)
    assert replies[-1].choices[0][0].data == "sub:del:7"
    assert all(not r.choices for r in replies[:-1])


def test_to_article_adapts_a_retrieval_record() -> None:
    record = SimpleNamespace(
        doc_id="d1",
        title="标题",
        source="科技情报参考",
        publication="科技情报参考",
        issue="2023年第10期",
        publisher="呼和浩特市科学技术局",
        date="2023-10",
        regions=("成都",),
        tags=("积分贷",),
        text="正文。",
        ingested_at=datetime(2026, 11, 20, 8, 0),  # naive counts as UTC
    )
    a = to_article(record)
    assert a.source == "科技情报参考 2023年第10期" and a.ingested_at.tzinfo is not None
    assert a.tags == ("积分贷",) and a.regions == ("成都",)


def test_labels() -> None:
    assert (
        subscription_label(SubscriptionDraft(topics=("积分贷",), regions=("成都",)))
        == "积分贷 · 成都 · 每周一 09:00"
    )
    assert (
        subscription_label(SubscriptionDraft(frequency="daily", weekday=None, hour=8, minute=30))
        == "全部简报 · 每天 08:30"
    )
