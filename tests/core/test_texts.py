"""The one text-template class every package's texts go through, and every key the code names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.channels.telegram.render import load_telegram_texts
from bot.channels.web.config import text as web_text
from bot.channels.wechat.render import load_wechat_texts
from bot.core.firm.asks import load_asks
from bot.core.firm.ownasks import load_own
from bot.core.firm.vocab import load_vocab
from bot.core.subscriptions.texts import load_subscription_texts
from bot.core.texts import MissingTextError, Texts, load_texts

BOT = Path(__file__).resolve().parents[2] / "bot"
ALL_TEXTS = (
    load_texts(),
    load_subscription_texts(),
    load_vocab(),
    load_wechat_texts(),
    load_telegram_texts(),
    Texts.load("bot.channels.web"),
    Texts.load("bot.core", "followup.yaml"),
    load_asks(),
    load_own(),
)
# texts.get("key", …), self._texts.words("key"), v.raw("key") …: the names the code uses for texts
_KEY_USE = re.compile(
    r'\b(?:texts|_texts|t|v|vocab|_vocab)\.(?:get|words|raw|lookup|mapping|number)\(\s*"([\w.]+)"'
)


def test_templates_fill_named_fields_and_reach_nested_tables() -> None:
    texts = Texts({"hello": "您好，{name}", "stages": {"a": "起步期"}, "words": ["是", "对"]})
    assert texts.get("hello", name="张经理") == "您好，张经理"
    assert texts.get("stages.a") == "起步期"
    assert texts.words("words") == ("是", "对")
    assert texts.mapping("stages") == {"a": "起步期"}
    assert texts.lookup("stages", "b") == "b" and texts.lookup("stages", "a") == "起步期"


def test_a_missing_required_key_fails_at_load_naming_file_and_key() -> None:
    with pytest.raises(MissingTextError, match=r"bot\.channels\.telegram/texts\.yaml: missing nope"):
        Texts.load("bot.channels.telegram", required=("choose", "nope"))


def test_a_missing_key_at_use_names_the_file() -> None:
    texts = Texts({"a": "x", "table": {"b": "y"}}, source="demo.yaml")
    with pytest.raises(KeyError, match=r"demo\.yaml: no text 'missing'"):
        texts.get("missing")
    with pytest.raises(MissingTextError, match="is not a text"):
        texts.get("table")
    assert not texts.has("table.c") and texts.has("table.b")


def test_every_channel_loads_its_own_file() -> None:
    assert load_wechat_texts().number("notice_title_limit") == 20
    assert load_telegram_texts().mapping("commands")["score"] == "创新积分初步测算"
    assert web_text("errors.too_large", mb=5) == "文件太大了：最多 5 MB。请拆分后再上传。"
    assert "{label}" in load_subscription_texts().raw("digest_header")


def test_every_key_the_code_names_is_in_a_texts_file() -> None:
    named: dict[str, str] = {}
    for path in sorted(BOT.rglob("*.py")):
        for match in _KEY_USE.finditer(path.read_text("utf-8")):
            named.setdefault(match.group(1), str(path.relative_to(BOT.parent)))
    assert len(named) > 150  # the scan still finds the code's keys
    missing = {key: where for key, where in named.items() if not any(t.has(key) for t in ALL_TEXTS)}
    assert not missing
