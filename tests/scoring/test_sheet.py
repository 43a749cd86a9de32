"""A one-firm sheet gives that firm's figures in engine units (the profile's upload door)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.errors import InputError
from scoring.sheet import read_firm_row


def test_one_firm_row_in_engine_units(tmp_path: Path) -> None:
    sheet = tmp_path / "我司.csv"
    sheet.write_text("上年度营业收入（元）,研发费用,职工总数,研发人员,资质\n30000000,200,120,20,无\n", "utf-8")
    assert read_firm_row(sheet) == {
        "revenue": 3000, "rd_expense": 200, "employees": 120, "rd_staff": 20, "qualification": "none",
    }


def test_several_firms_are_not_a_profile_and_bad_rows_say_why(tmp_path: Path) -> None:
    many = tmp_path / "名单.csv"
    many.write_text("营业收入,职工总数\n3000,120\n5000,80\n", "utf-8")
    assert read_firm_row(many) is None
    bad = tmp_path / "错.csv"
    bad.write_text("职工总数,研发人员\n10,20\n", "utf-8")
    with pytest.raises(InputError):
        read_firm_row(bad)
