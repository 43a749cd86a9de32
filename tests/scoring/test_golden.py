"""Golden cases for every rule set, worked out by hand from the spec (tests/scoring/data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import scoring

DATA = yaml.safe_load((Path(__file__).parent / "data" / "golden.yaml").read_text(encoding="utf-8"))


def _lookup(result: dict[str, Any], key: str) -> Any:
    if key.startswith("categories."):
        return result["categories"][key.split(".", 1)[1]]["points"]
    return result[key]


@pytest.mark.parametrize("case", DATA["cn-ref-2024"], ids=lambda c: c["name"])
def test_cn_ref_golden(case: dict[str, Any]) -> None:
    result = scoring.score(case["figures"], "cn-ref-2024").to_dict()
    for key, expected in case["expect"].items():
        got = _lookup(result, key)
        if isinstance(expected, float):
            assert got == pytest.approx(expected, abs=0.005), key
        else:
            assert got == expected, key


@pytest.mark.parametrize("case", DATA["tech-sme-2022"], ids=lambda c: c["name"])
def test_tech_sme_golden(case: dict[str, Any]) -> None:
    result = scoring.score(case["figures"], "tech-sme-2022").to_dict()
    for key, expected in case["expect"].items():
        if key == "failed":
            assert [c["id"] for c in result["failed_conditions"]] == expected
        elif key.startswith("sub."):
            assert result["sub_scores"][key[4:]]["points"] == expected, key
        else:
            assert result[key] == expected, key


@pytest.mark.parametrize("case", DATA["high-tech-2016"], ids=lambda c: c["name"])
def test_high_tech_golden(case: dict[str, Any]) -> None:
    result = scoring.score(case["figures"], "high-tech-2016").to_dict()
    statuses = {c["id"]: c["status"] for c in result["checks"]}
    for key, expected in case["expect"].items():
        if key.startswith("check."):
            assert statuses[key[6:]] == expected, key
        else:
            assert result[key] == expected, key
