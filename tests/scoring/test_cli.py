"""`innobot score` and `innobot score-batch`: JSON contract, readable summary, exit code 2 in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.cli import app
from scoring.loader import builtin_rules_dir
from tests.fakes.scoring import generate_firms

runner = CliRunner()


def test_score_json_with_sets() -> None:
    result = runner.invoke(app, ["score", "--rules", "cn-ref-2024", "--json", "--set", "revenue=3000",
                                 "--set", "rd_expense=150", "--set", "invention_patents=0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rule_set"] == "cn-ref-2024" and data["stage"] == "growth"
    assert {"total", "base", "bonus", "deductions", "band", "vetoed", "veto_reasons", "categories",
            "indicators", "suggestions", "warnings", "version"} <= set(data)
    assert {"field", "from", "to", "gain"} <= set(data["suggestions"][0])


def test_score_file_and_text(tmp_path: Path) -> None:
    figures = tmp_path / "f.json"
    figures.write_text(json.dumps({"revenue": 1000, "employees": 50, "rd_staff": 15, "rd_expense": 60,
                                   "total_assets": 800, "invention_patents": 1}), encoding="utf-8")
    result = runner.invoke(app, ["score", "--rules", "tech-sme-2022", "--json", "--file", str(figures)])
    data = json.loads(result.stdout)
    assert data["qualifies"] is True and data["route"] == "score"
    assert {"score", "failed_conditions", "sub_scores", "staff_score", "rd_score", "results_score"} <= set(data)
    result = runner.invoke(app, ["score", "--text", "营收1.2亿，研发投入800万，研发人员12人，职工120人", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert {u["field"] for u in data["understood"]} == {"revenue", "rd_expense", "rd_staff", "employees"}


def test_high_tech_json_and_summary() -> None:
    result = runner.invoke(app, ["score", "--rules", "high-tech-2016", "--json", "--set", "years_registered=3"])
    data = json.loads(result.stdout)
    assert {c["status"] for c in data["checks"]} <= {"pass", "fail", "needs_judgement"}
    assert "likely_meets" in data
    result = runner.invoke(app, ["score", "--set", "revenue=3000", "--set", "invention_patents=0"])
    assert result.exit_code == 0
    assert "总分" in result.stdout and "有效发明专利 0 → 1" in result.stdout and "{" not in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["score", "--set", "revenue=-5"], "上年度营业收入不能为负数"),
        (["score", "--set", "revenue"], "--set 的格式应为"),
        (["score", "--set", "foo=1"], "不认识的数据项"),
        (["score", "--rules", "nope", "--set", "revenue=1"], "没有名为 nope 的规则集"),
        (["score", "--text", "研发人员3000万"], "单位不对"),
        (["score", "--text", "你好"], "没有从文字中识别出任何数据"),
        (["score", "--file", "/nonexistent.json"], "找不到文件"),
        (["score"], "请用 --set"),
        (["score-batch", "/nonexistent.xlsx", "-o", "/tmp/x.xlsx"], "找不到文件"),
    ],
)
def test_invalid_input_exits_2_in_chinese(args: list[str], words: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_score_batch_csv_and_xlsx(tmp_path: Path) -> None:
    df = generate_firms(50, seed=5, invalid=0.1)
    src = tmp_path / "firms.xlsx"
    df.to_excel(src, index=False)
    out = tmp_path / "ranked.xlsx"
    result = runner.invoke(app, ["score-batch", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and "已评分" in result.stdout
    assert "第 " in result.stderr and " 行：" in result.stderr
    csv_out = tmp_path / "ranked.csv"
    result = runner.invoke(app, ["score-batch", str(src), "-o", str(csv_out), "--rules", "cn-ref-2024"])
    assert result.exit_code == 0 and csv_out.exists()


def test_zone_rules_dir_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = yaml.safe_load((builtin_rules_dir() / "cn-ref-2024.yaml").read_text(encoding="utf-8"))
    data["id"] = "zone-cli-2025"
    (tmp_path / "zone-cli-2025.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("INNOBOT_RULES_DIR", str(tmp_path))
    result = runner.invoke(app, ["score", "--rules", "zone-cli-2025", "--json", "--set", "revenue=3000"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rule_set"] == "zone-cli-2025"


def test_score_batch_unwritable_output_exits_2(tmp_path: Path) -> None:
    src = tmp_path / "firms.csv"
    generate_firms(5).to_csv(src, index=False)
    result = runner.invoke(app, ["score-batch", str(src), "-o", str(tmp_path / "no" / "dir" / "x.csv")])
    assert result.exit_code == 2 and "无法写入" in result.stderr
    result = runner.invoke(app, ["score-batch", str(src), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "不支持的输出格式" in result.stderr


def test_score_rules_lists_and_checks_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["score-rules"])
    assert result.exit_code == 0
    assert "cn-ref-2024" in result.stdout and "tech-sme-2022" in result.stdout
    (tmp_path / "zone-broken.yaml").write_text("id: zone-broken\nversion: '1'\nkind: points\n", encoding="utf-8")
    monkeypatch.setenv("INNOBOT_RULES_DIR", str(tmp_path))
    result = runner.invoke(app, ["score-rules"])
    assert result.exit_code == 2
    assert "zone-broken.yaml" in result.stderr and "categories" in result.stderr


def test_score_writes_chart(tmp_path: Path) -> None:
    png = tmp_path / "chart.png"
    result = runner.invoke(app, ["score", "--set", "revenue=3000", "--set", "营收增长率=12", "--chart", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")


_TEXT = st.lists(st.sampled_from(
    ["营收", "研发投入", "研发人员", "职工", "发明专利", "成立", "1.2个亿", "9" * 320, "万", "亿", "美元", "，", "%",
     "一千五", "0", "-", "e400", "２０１５年", "600W", "没有境外研发", "\x00", "😀"]), max_size=12).map("".join)
_SET = st.tuples(st.sampled_from(["revenue", "employees", "rd_staff", "qualification", "营业收入", "nope", ""]),
                 st.one_of(st.text(max_size=8), st.integers().map(str), st.just("9" * 400)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, st.lists(_SET, max_size=3), st.sampled_from(["cn-ref-2024", "tech-sme-2022", "high-tech-2016"]))
def test_score_command_exits_0_or_2_on_any_input(text: str, sets: list[tuple[str, str]], rules: str) -> None:
    """Issue 9: any --text/--set input gives exit 0 or 2 with a message, never a traceback (1)."""
    args = ["score", "--rules", rules, "--text", text or "营收"]
    for key, value in sets:
        args += ["--set", f"{key}={value}"]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.strip()
