"""Rule-set metadata is data (rule_sets.yaml): commands, words, texts and upload types in one place;
INNOBOT_DEFAULT_RULE_SET reaches the chat through the composition root, a zone's rules included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import scoring
from bot.channels.web.scoring_calls import TABLE_SUFFIXES as WEB_SUFFIXES
from bot.core.assistant import CoreAssistant
from bot.core.estimate.library import LibraryScoring
from bot.core.estimate.port import FigureError
from bot.core.estimate.rule_sets import UPLOAD_SUFFIXES, load_rule_sets
from bot.core.types import Incoming
from bot.settings import Settings
from bot.storage import Database
from bot.storage.sessions import SessionStore
from bot.storage.users import UserStore
from scoring.loader import builtin_rules_dir
from tests.core.conftest import text_of
from tests.fakes.core import FakeAnswerer

ROOT = Path(__file__).resolve().parents[2]
ZONE = "zone-chat-2025"


def _zone_rules(directory: Path) -> Path:
    """A zone's points rules: the reference model with a steeper R&D spending curve."""
    data = yaml.safe_load((builtin_rules_dir() / "cn-ref-2024.yaml").read_text(encoding="utf-8"))
    data["id"], data["title"] = ZONE, "某高新区创新积分（园区版）"
    for indicator in data["indicators"]:
        if indicator["field"] == "rd_expense":
            indicator["curve"] = [[0, 0], [100, 0.6], [300, 0.9], [1000, 1]]
    (directory / f"{ZONE}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


async def _say(assistant: CoreAssistant, text: str) -> str:
    return text_of(await assistant.handle(Incoming(channel="console", user_id="z", text=text)))


async def test_chat_scores_free_text_with_the_default_rule_set_from_settings(
    settings: Settings, sqlite_database: Database, tmp_path: Path
) -> None:
    from bot.app import build_assistant

    settings.rules_dir = _zone_rules(tmp_path)
    settings.default_rule_set = ZONE
    settings.embedder = "hash"  # the index is not what this test is about
    database = sqlite_database
    assistant = build_assistant(settings, database=database, chart_workers=0, table_workers=0,
                                per_user_rate=None)
    try:
        await _say(assistant, "营收3000万，研发费用200万")
        state = SessionStore(database).load("console:z")
        assert state is not None and state.state["rule_set"] == ZONE
        for _ in range(12):
            text = await _say(assistant, "跳过")
            if "请确认" in text:
                break
        text = await _say(assistant, "确认")
        zone = scoring.score({"revenue": 3000, "rd_expense": 200}, ZONE, extra_dirs=[tmp_path])
        national = scoring.score({"revenue": 3000, "rd_expense": 200}, "cn-ref-2024")
        assert zone.total != national.total
        assert f"创新积分初步自评估：{zone.total:g} 分" in text
        assert "开始创新积分初步测算" in await _say(assistant, "/score")  # /score runs the zone's rules too
        assert SessionStore(database).load("console:z").state["rule_set"] == ZONE  # type: ignore[union-attr]
        await _say(assistant, "/sme")
        assert SessionStore(database).load("console:z").state["rule_set"] == "tech-sme-2022"  # type: ignore[union-attr]
    finally:
        assistant.close()  # type: ignore[attr-defined]


def test_a_default_rule_set_nobody_has_fails_at_start_up(database: Database) -> None:
    with pytest.raises(FigureError):
        CoreAssistant(users=UserStore(database), sessions=SessionStore(database), scoring=LibraryScoring(),
                      answerer=FakeAnswerer(), default_rule_set="zone-nowhere")


def test_a_built_in_default_keeps_every_check_and_only_moves_the_default() -> None:
    checks = load_rule_sets().with_default("tech-sme-2022", lambda rule_set: "unused")
    assert checks.default == "tech-sme-2022" and checks.for_command("score") == "cn-ref-2024"
    assert checks.for_caption("一批企业") == "tech-sme-2022" and checks.for_caption("高企名单") == "high-tech-2016"


def test_every_channel_accepts_the_same_table_types() -> None:
    assert set(UPLOAD_SUFFIXES) == {".csv", ".xlsx", ".xlsm", ".xls"} and WEB_SUFFIXES == UPLOAD_SUFFIXES
    for page in ("admin.html", "chat.html"):
        html = (ROOT / "bot/channels/web/static" / page).read_text(encoding="utf-8")
        table_inputs = [a for a in re.findall(r'accept="([^"]+)"', html) if ".csv" in a]
        assert table_inputs and all(tuple(a.split(",")) == UPLOAD_SUFFIXES for a in table_inputs)


def test_no_core_module_names_a_rule_set() -> None:
    ids = scoring.available_rule_sets()
    assert len(ids) >= 3
    named = [
        (str(path.relative_to(ROOT)), rule_set)
        for path in (ROOT / "bot/core").rglob("*.py")
        for rule_set in ids
        if rule_set in path.read_text(encoding="utf-8")
    ]
    assert named == []
