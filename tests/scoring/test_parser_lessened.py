"""The parser reads "小的安全事故" / "…，不严重" as no 重大 record: named back, never the veto."""

from __future__ import annotations

import pytest

from scoring.parser import parse_figures


@pytest.mark.parametrize("text", ["去年出过一次小的安全事故", "去年发生过轻微的质量事故，影响不大", "去年出过安全事故，不严重"])
def test_the_parser_names_a_lesser_accident_back(text: str) -> None:
    parsed = parse_figures(text)
    assert "major_incident_recent" not in parsed.values
    assert any("未记录" in p and "重大" in p for p in parsed.problems)


def test_the_parser_still_records_a_plain_recent_accident() -> None:
    assert parse_figures("去年发生过重大安全事故").values["major_incident_recent"] is True
