"""`innobot score` and `innobot score-batch`: thin shells over the scoring library (评分)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["register"]

log = logging.getLogger(__name__)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _split_set(items: list[str]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise _fail(f"--set 的格式应为 字段=数值，例如 revenue=3000；收到“{item}”")
        figures[key.strip()] = value.strip()
    return figures


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(f"找不到文件：{path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise _fail(f"无法读取 {path.name}：应为 UTF-8 编码的 JSON 对象（字段: 数值）") from None
    if not isinstance(data, dict):
        raise _fail(f"{path.name} 应为 JSON 对象（字段: 数值）")
    return data


def score_command(
    rules: Annotated[str | None, typer.Option("--rules", help="规则集：cn-ref-2024 / tech-sme-2022 / high-tech-2016 或园区规则")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    sets: Annotated[list[str] | None, typer.Option("--set", help="字段=数值（金额单位：万元），可重复")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="JSON 文件：{字段: 数值}")] = None,
    text: Annotated[str | None, typer.Option("--text", help="中文描述，如“营收1.2亿，研发投入800万”")] = None,
    chart: Annotated[Path | None, typer.Option("--chart", help="把结果图表写入此 PNG 文件")] = None,
) -> None:
    """估算一家企业的创新积分 / 科技型中小企业评分 / 高企条件自查。"""
    from bot.app import load_settings
    from bot.app.scoring import ScoringError, read_figures, score_figures, summarize, write_chart

    if not (sets or file or text):
        raise _fail("请用 --set、--file 或 --text 提供企业数据，例如：innobot score --set revenue=3000")
    try:
        settings = load_settings()
        figures: dict[str, Any] = {}
        parsed = None
        if file is not None:
            figures.update(_read_file(file))
        if text:
            parsed = read_figures(text)
            if parsed.problems:
                raise _fail("以下数据没能识别：\n" + "\n".join(f"  - {p}" for p in parsed.problems))
            if not parsed.values:
                raise _fail("没有从文字中识别出任何数据，请写成“营收1.2亿，研发投入800万”这样的形式")
            figures.update(parsed.values)
        figures.update(_split_set(sets or []))
        result = score_figures(settings, figures, rules)
        if chart is not None:
            write_chart(result, chart)
    except ScoringError as exc:
        raise _fail(exc.message) from None
    if as_json:
        out = result.to_dict()
        if parsed is not None:
            out["understood"] = [
                {"field": i.field, "label": i.label, "value": i.value, "raw": i.raw} for i in parsed.understood
            ]
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if parsed is not None:
        typer.echo("已识别：" + "；".join(i.describe() for i in parsed.understood))
    typer.echo(summarize(result))


def score_batch_command(
    input_path: Annotated[Path, typer.Argument(help="企业数据表（.xlsx 或 .csv），每行一家企业")],
    output: Annotated[Path, typer.Option("-o", "--output", help="结果文件（.xlsx 或 .csv）")],
    rules: Annotated[str | None, typer.Option("--rules", help="规则集，默认 cn-ref-2024（也可 tech-sme-2022 / high-tech-2016）")] = None,
    field_names: Annotated[bool, typer.Option("--field-names", help="XLSX 结果列用字段名（如 total），默认中文列名")] = False,
    year: Annotated[int | None, typer.Option("--year", help="数据年度（写入“说明”页），默认上一年")] = None,
) -> None:
    """批量评分并按生命周期阶段排名（园区管理员用）。列映射和跳过的行写到标准错误。"""
    from bot.app import load_settings
    from bot.app.scoring import ScoringError, score_table_file

    if output.suffix.lower() not in (".xlsx", ".csv"):
        raise _fail(f"不支持的输出格式：{output.suffix or '无扩展名'}（请用 .xlsx 或 .csv）")
    if output.resolve() == input_path.resolve():
        raise _fail("结果文件不能覆盖输入文件，请换一个文件名")
    try:
        settings = load_settings()
        result = score_table_file(settings, input_path, rules, year=year)
        for line in result.report.lines():
            typer.echo(line, err=True)
        for err in result.errors:
            typer.echo(f"第 {err.row} 行：{err.message}", err=True)
        written = result.write(output, field_names=field_names)
    except ScoringError as exc:
        raise _fail(exc.message) from None
    except OSError:
        raise _fail(f"无法写入 {output}（目录不存在、文件被占用或没有权限）") from None
    typer.echo(
        f"已评分 {result.scored} 家企业，{len(result.errors)} 行数据有误，跳过 {len(result.report.skipped)} 行；"
        "结果已写入 " + "、".join(str(p) for p in written)
    )


def score_rules_command() -> None:
    """列出可用的规则集（含园区规则目录），并逐个检查规则文件。"""
    from bot.app import load_settings
    from bot.app.scoring import ScoringError, check_rule_sets

    try:
        checks = check_rule_sets(load_settings())
    except ScoringError as exc:
        raise _fail(exc.message) from None
    broken = 0
    for check in checks:
        if check.rule_set is None:
            typer.echo(check.problem, err=True)
            broken += 1
            continue
        rs = check.rule_set
        typer.echo(f"{rs.id}\t版本 {rs.version}\t{rs.title}")
    if broken:
        raise typer.Exit(2)


def _guarded(func: Any) -> Any:
    """Last line of defence: an unexpected error is logged, the user sees one Chinese line."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except Exception:
            log.exception("scoring command failed")
            typer.echo("评分时出现内部错误，请稍后重试或联系管理员。", err=True)
            sys.exit(1)

    return wrapper


def register(app: typer.Typer) -> None:
    """Attach this area's commands to the root app."""
    app.command("score")(_guarded(score_command))
    app.command("score-batch")(_guarded(score_batch_command))
    app.command("score-rules")(_guarded(score_rules_command))
