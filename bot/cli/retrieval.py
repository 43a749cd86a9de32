"""`innobot index|corpus|search|ask|eval`: the retrieval command line (a contract other tools use)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from bot.app.corpus import IngestReport, KnowledgeBase

__all__ = ["register"]

EXIT_INVALID = 2
EXIT_FAILED = 1

index_app = typer.Typer(help="建立或重建检索索引", no_args_is_help=True)
corpus_app = typer.Typer(help="管理已收录的简报", no_args_is_help=True)


def _fail(message: str, code: int = EXIT_INVALID) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _knowledge() -> KnowledgeBase:
    from bot.app import load_settings
    from bot.app.corpus import KnowledgeBase

    return KnowledgeBase(load_settings())


def _progress(total: int, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="段", file=sys.stderr, dynamic_ncols=True)


def _guard(fn: Callable[[], None]) -> None:
    """Turn library errors into a short Chinese message and exit code; never a traceback."""
    from bot.app.corpus import (
        DocumentError,
        InvalidQueryError,
        RetrievalError,
        UnknownDocumentError,
    )

    try:
        fn()
    except (InvalidQueryError, UnknownDocumentError, DocumentError) as exc:
        raise _fail(exc.user_message, EXIT_INVALID) from None
    except RetrievalError as exc:
        raise _fail(exc.user_message, EXIT_FAILED) from None


def _ensure_index(knowledge: KnowledgeBase) -> None:
    if knowledge.chunk_count() == 0:
        typer.echo("首次使用：正在根据 corpus/ 建立索引…", err=True)
        knowledge.ensure_built(_progress)


def _read_batch(path: Path) -> list[str]:
    try:
        raw = path.read_bytes()
    except OSError:
        raise _fail(f"无法读取批量文件：{path}") from None
    from bot.app.corpus import decode_text

    try:
        text = decode_text(raw, path.name)
    except Exception:
        raise _fail(f"批量文件不是文本文件：{path.name}") from None
    return text.splitlines()


def _emit(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False))


# --- index -----------------------------------------------------------------------------------
@index_app.command("build")
def index_build() -> None:
    """根据 corpus/ 建立索引（已是最新则跳过）。"""

    def run() -> None:
        knowledge = _knowledge()
        report = knowledge.build(_progress)  # BM25 and vectors saved now: no `ask` rebuilds them
        if report is None:
            typer.echo(f"索引已是最新：{knowledge.chunk_count()} 个段落。")
            return
        _print_report(report, "索引已建立")

    _guard(run)


@index_app.command("rebuild")
def index_rebuild() -> None:
    """清空并重建全部索引（保留已收录文档及其收录时间）。"""

    def run() -> None:
        report = _knowledge().rebuild(_progress)
        _print_report(report, "索引已重建")

    _guard(run)


def _print_report(report: IngestReport, title: str) -> None:
    typer.echo(
        f"{title}：新增文档 {len(report.added)} 篇，文章 {report.articles} 篇，段落 {report.chunks} 个"
        f"（{report.seconds:.1f} 秒）。"
    )
    for name in report.duplicates:
        typer.echo(f"已存在，跳过：{name}")
    for _name, message in report.errors:
        typer.echo(f"出错，跳过：{message}", err=True)


# --- corpus ----------------------------------------------------------------------------------
@corpus_app.command("add")
def corpus_add(paths: Annotated[list[Path] | None, typer.Argument(help="文件或目录（txt/md/pdf/docx/html）")] = None) -> None:
    """增量收录简报文件；同一内容重复收录不会改变索引。"""
    if not paths:
        raise _fail("请给出要收录的文件路径，例如：innobot corpus add 简报.pdf")

    def run() -> None:
        knowledge = _knowledge()
        _ensure_index(knowledge)
        report = knowledge.add(paths, _progress)
        _print_report(report, "收录完成")
        if report.errors and not report.added and not report.duplicates:
            raise typer.Exit(EXIT_INVALID)

    _guard(run)


@corpus_app.command("remove")
def corpus_remove(ident: Annotated[str, typer.Argument(help="文档编号或文章编号（见 corpus list）")] = "") -> None:
    """删除一篇文档（或一篇文章）及其索引。"""
    if not ident.strip():
        raise _fail("请给出文档编号，可用 innobot corpus list 查看。")

    def run() -> None:
        removed = _knowledge().remove(ident)
        typer.echo(f"已删除 {ident}（{removed} 个段落）。")

    _guard(run)


@corpus_app.command("list")
def corpus_list(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """列出已收录的文档和文章。"""

    def run() -> None:
        entries = _knowledge().entries()
        if as_json:
            _emit([
                {
                    "id": e.document.doc_key, "name": e.document.name, "source": e.document.source,
                    "date": e.document.date, "origin": e.document.origin,
                    "added_at": e.document.added_at,
                    "articles": [
                        {"doc_id": a.doc_id, "title": a.title, "regions": list(a.regions),
                         "tags": list(a.tags), "ingested_at": a.ingested_at.isoformat()}
                        for a in e.articles
                    ],
                }
                for e in entries
            ])
            return
        if not entries:
            typer.echo("尚未收录任何简报，请运行 innobot index build。")
        for e in entries:
            d = e.document
            typer.echo(f"{d.doc_key}  {d.source}  {d.date}  {d.name}")
            for a in e.articles:
                typer.echo(f"    {a.doc_id}  {a.title}")

    _guard(run)


# --- search / ask / eval -------------------------------------------------------------------------
def _questions(question: str | None, batch: Path | None) -> Iterator[tuple[str, bool]]:
    if batch is not None:
        for line in _read_batch(batch):
            yield line, True
    elif question is None or not question.strip():
        raise _fail("问题不能为空，例如：innobot ask \"成都的创新积分怎么用？\"")
    else:
        yield question, False


def search(
    question: Annotated[str | None, typer.Argument(help="问题")] = None,
    k: Annotated[int, typer.Option("-k", "--k", help="返回条数（1-50）")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    batch: Annotated[Path | None, typer.Option("--batch", help="每行一个问题，输出 JSON Lines")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", help="只看提到该地区的文章（可多次）")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="只看该主题的文章（可多次）")] = None,
    date_from: Annotated[str | None, typer.Option("--date-from", help="起始日期 YYYY[-MM[-DD]]")] = None,
    date_to: Annotated[str | None, typer.Option("--date-to", help="截止日期 YYYY[-MM[-DD]]")] = None,
) -> None:
    """检索最相关的简报段落。"""
    from bot.app.corpus import is_valid_date, search_filters

    if not 1 <= k <= 50:
        raise _fail("-k 须在 1 到 50 之间。")
    for value, name in ((date_from, "--date-from"), (date_to, "--date-to")):
        if value and not is_valid_date(value):
            raise _fail(f"{name} 日期格式不正确，应为 YYYY、YYYY-MM 或 YYYY-MM-DD。")
    filters = search_filters(region or (), date_from, date_to, tag or ())
    items = list(_questions(question, batch))

    def run() -> None:
        from bot.app.corpus import InvalidQueryError

        knowledge = _knowledge()
        _ensure_index(knowledge)
        for q, batched in items:
            try:
                hits = knowledge.search(q, k, filters)
            except InvalidQueryError as exc:
                if not batched:
                    raise
                _emit({"query": q, "error": exc.user_message, "hits": []})
                continue
            if batched:
                _emit({"query": q, "hits": [h.to_dict() for h in hits]})
            elif as_json:
                _emit([h.to_dict() for h in hits])
            else:
                if not hits:
                    typer.echo("没有找到相关内容。")
                for i, h in enumerate(hits, 1):
                    typer.echo(f"{i}. 《{h.title}》 {h.source} {h.date}  ({h.score:.3f})")
                    typer.echo(f"   {h.text[:160]}")

    _guard(run)


def ask(
    question: Annotated[str | None, typer.Argument(help="问题")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    batch: Annotated[Path | None, typer.Option("--batch", help="每行一个问题，输出 JSON Lines")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="说明依据：各路检索得分、识别的提问目标、候选句和判定")] = False,
) -> None:
    """回答问题并给出出处；简报中没有的内容会如实说明。"""
    items = list(_questions(question, batch))

    def run() -> None:
        knowledge = _knowledge()
        _ensure_index(knowledge)
        if explain:
            for q, batched in items:
                ex = knowledge.explain(q)
                if batched or as_json:
                    _emit(ex.to_dict())
                else:
                    typer.echo(ex.render())
            return
        for q, batched in items:
            ans = knowledge.answer(q)
            if batched or as_json:
                _emit(ans.to_dict())
            else:
                typer.echo(ans.answer)
                for c in ans.citations[:3]:
                    typer.echo(f"  出处：《{c.title}》 {c.source} {c.date}")

    _guard(run)


def evaluate(
    qa_file: Annotated[Path | None, typer.Argument(help="QA 文件（JSON Lines，见 eval/README.md）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    details: Annotated[bool, typer.Option("--details", help="附上逐题结果")] = False,
) -> None:
    """评测检索与回答：hit@1、hit@5、MRR、回答准确率、拒答准确率。"""
    if qa_file is None or not qa_file.is_file():
        raise _fail("请给出存在的评测文件，例如：innobot eval eval/dev_qa.jsonl")

    def run() -> None:
        from bot.app.corpus import load_eval_questions

        items = load_eval_questions(qa_file)
        if not items:
            raise _fail("评测文件中没有题目。")
        knowledge = _knowledge()
        _ensure_index(knowledge)
        report = knowledge.evaluate(items)
        if as_json:
            _emit(report.to_dict(with_details=details))
            return
        d = report.to_dict()
        typer.echo(
            f"题目 {d['total']}（可回答 {d['answerable']}）  hit@1 {d['hit@1']:.3f}  hit@5 {d['hit@5']:.3f}"
            f"  MRR {d['mrr']:.3f}  回答准确率 {d['answer_accuracy']:.3f}"
            f"  拒答准确率 {d['abstention_accuracy']:.3f}"
        )
        unanswerable = d["total"] - d["answerable"]
        typer.echo(
            f"无答案题拒答率 {d['declined_rate']:.3f}（{unanswerable} 题）"
            f"  可回答题保留率 {d['kept_rate']:.3f}（{d['answerable']} 题）"
        )

    _guard(run)


def register(app: typer.Typer) -> None:
    """Attach this area's commands to the root app."""
    app.add_typer(index_app, name="index")
    app.add_typer(corpus_app, name="corpus")
    app.command("search")(search)
    app.command("ask")(ask)
    app.command("eval")(evaluate)
