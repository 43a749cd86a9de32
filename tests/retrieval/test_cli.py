"""The command-line contract: JSON shapes, batch mode, exit codes and Chinese errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("INNOBOT_EMBEDDER", "hash")
    return CliRunner()


def _ok(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_search_json_contract(cli: CliRunner) -> None:
    _ok(cli, "index", "build")
    assert "已是最新" in _ok(cli, "index", "build")
    hits = json.loads(_ok(cli, "search", "宁科贷的余额超过多少？", "-k", "3", "--json"))
    assert len(hits) == 3
    assert {"doc_id", "title", "source", "date", "text", "score"} <= set(hits[0])
    assert "367亿元" in hits[0]["text"]
    filtered = json.loads(_ok(cli, "search", "积分贷", "--json", "--region", "重庆", "--date-from", "2023"))
    assert filtered and all("重庆" in h["regions"] for h in filtered)


def test_ask_json_contract(cli: CliRunner) -> None:
    out = json.loads(_ok(cli, "ask", "重庆高新区首批参与积分制平台试点的企业有多少家？", "--json"))
    assert set(out) == {"answer", "grounded", "citations"}
    assert out["grounded"] and "527家" in out["answer"]
    assert {"doc_id", "title", "source", "date", "text"} <= set(out["citations"][0])
    no = json.loads(_ok(cli, "ask", "广州开发区的创新积分怎么计算？", "--json"))
    assert no["grounded"] is False and no["answer"].startswith("未在已收录的简报中找到")


def test_batch_is_json_lines_in_order(cli: CliRunner, tmp_path: Path) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text("宁科贷的余额超过多少？\n\n诸暨规上企业研发机构覆盖率是多少？\n", encoding="utf-8")
    lines = _ok(cli, "ask", "--batch", str(batch)).strip().splitlines()
    answers = [json.loads(x) for x in lines]
    assert len(answers) == 3
    assert "367亿元" in answers[0]["answer"] and answers[1]["grounded"] is False
    assert "85.94%" in answers[2]["answer"]
    searched = [json.loads(x) for x in _ok(cli, "search", "--batch", str(batch), "-k", "2").splitlines()]
    assert [len(s["hits"]) for s in searched] == [2, 0, 2] and "error" in searched[1]


def test_eval_reports_metrics(cli: CliRunner) -> None:
    qa = Path(__file__).resolve().parents[2] / "eval" / "dev_qa.jsonl"
    metrics = json.loads(_ok(cli, "eval", str(qa), "--json"))
    assert {"hit@1", "hit@5", "mrr", "answer_accuracy", "abstention_accuracy"} <= set(metrics)
    assert {"declined_rate", "kept_rate"} <= set(metrics)  # the two sides of abstention, apart
    assert metrics["hit@1"] >= 0.9
    text = _ok(cli, "eval", str(qa))
    assert "hit@1" in text and "无答案题拒答率" in text and "可回答题保留率" in text


def test_ask_explain_text_and_json(cli: CliRunner) -> None:
    text = _ok(cli, "ask", "--explain", "宁科带比年初多了多少")
    assert "纠正：宁科带→宁科贷" in text and "目标：" in text and "判定：" in text and "100亿元" in text
    data = json.loads(_ok(cli, "ask", "--explain", "--json", "怀宁县在松江办的科创中心投资了多少钱？"))
    assert {"targets", "hits", "candidates", "decision", "answer"} <= set(data)
    assert data["hits"][0]["lexical_rank"] is not None
    assert data["decision"].startswith("target quantity") and data["answer"]["grounded"] is False


def test_corpus_add_list_remove(cli: CliRunner, tmp_path: Path) -> None:
    brief = tmp_path / "brief.md"
    brief.write_text("## 鄂尔多斯推出积分贷\n\n鄂尔多斯首批为37家企业发放积分贷款1.26亿元。\n", encoding="utf-8")
    _ok(cli, "index", "build")
    assert "新增文档 1 篇" in _ok(cli, "corpus", "add", str(brief))
    assert "已存在，跳过：brief.md" in _ok(cli, "corpus", "add", str(brief))
    docs = json.loads(_ok(cli, "corpus", "list", "--json"))
    added = [d for d in docs if d["name"] == "brief.md"]
    briefings = [d for d in docs if not d["source"].startswith("政策摘要")]
    assert len(briefings) == 6 and added[0]["articles"][0]["title"] == "鄂尔多斯推出积分贷"
    assert "鄂尔多斯推出积分贷" in _ok(cli, "corpus", "list")
    _ok(cli, "corpus", "remove", added[0]["id"])
    listed = json.loads(_ok(cli, "corpus", "list", "--json"))
    assert len([d for d in listed if not d["source"].startswith("政策摘要")]) == 5


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ask", "   "], "问题不能为空"),
        (["ask"], "问题不能为空"),
        (["search", ""], "问题不能为空"),
        (["search", "\x00\x01"], "问题"),
        (["search", "积分", "-k", "0"], "-k"),
        (["search", "积分", "--date-from", "去年"], "日期格式"),
        (["corpus", "remove", "nope"], "没有编号为 nope"),
        (["corpus", "add"], "请给出"),
        (["eval", "missing.jsonl"], "评测文件"),
        (["ask", "--batch", "missing.txt"], "无法读取"),
    ],
)
def test_invalid_input_exits_2_with_chinese(cli: CliRunner, args: list[str], needle: str) -> None:
    result = cli.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert "Traceback" not in result.output


def test_corrupt_file_only_is_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    result = cli.invoke(app, ["corpus", "add", str(bad)])
    assert result.exit_code == 2 and "bad.pdf" in result.stderr


def test_text_output_of_index_search_ask_list_and_eval(cli: CliRunner, tmp_path: Path) -> None:
    """The plain-text layouts operators read (the JSON contracts are tested above)."""
    import re

    first = cli.invoke(app, ["index", "build"])
    assert first.exit_code == 0 and first.stdout.startswith("索引已建立：新增文档 ")
    assert re.fullmatch(r"索引已是最新：\d+ 个段落。\n", _ok(cli, "index", "build"))
    lines = _ok(cli, "search", "宁科贷的余额", "-k", "2").splitlines()
    assert re.fullmatch(r"1\. 《[^》]+》 .+ \d{4}-\d{2}  \(\d+\.\d{3}\)", lines[0])
    assert lines[1].startswith("   ") and len(lines) == 4
    answer = _ok(cli, "ask", "宁科贷的余额超过多少？").splitlines()
    assert "367亿元" in answer[0] and answer[1].startswith("  出处：《")
    listing = _ok(cli, "corpus", "list").splitlines()
    assert re.fullmatch(r"[0-9a-f]{10}  .+  .+  .+", listing[0])
    assert listing[1].startswith("    ") and listing[1].split()[0].startswith(listing[0][:10])
    qa = tmp_path / "qa.jsonl"
    qa.write_text(
        json.dumps({"id": "n1", "q": "宁科贷的余额超过多少？", "gold": ["367亿元"]}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    report = _ok(cli, "eval", str(qa)).splitlines()
    assert report[0].startswith("题目 1（可回答 1）  hit@1 ") and "拒答准确率" in report[0]
    assert report[1].startswith("无答案题拒答率 ")
