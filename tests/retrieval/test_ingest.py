"""Ingestion: incremental, idempotent, dedupe, removal, rebuild, ingestion times."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from retrieval.engine import RetrievalEngine
from retrieval.errors import UnknownDocumentError
from tests.retrieval.conftest import CORPUS, make_engine

NEW_BRIEF = """科技情报参考

2025 年第 3 期

呼和浩特市科学技术局综合保障中心 编辑

- ★ 鄂尔多斯市推行企业创新积分贷 .....2
- ★ 赤峰市培育科技型中小企业 .....3

鄂尔多斯市推行企业创新积分贷

鄂尔多斯市科技局联合三家银行推出“鄂创积分贷”，首批为37家科技型中小企业发放贷款
1.26亿元，平均利率下降0.8个百分点。

赤峰市培育科技型中小企业

赤峰市今年新增入库科技型中小企业118家，同比增长21%。

编辑：李 涛

电话：4366683
"""


def _snapshot(engine: RetrievalEngine) -> tuple[int, int, int]:
    return engine.store.chunk_count(), len(engine.catalog.all_articles()), engine.dense.count()


def test_bundled_corpus_is_indexed(built_engine: RetrievalEngine) -> None:
    briefings = [d for d in built_engine.store.documents() if d.publication != "政策摘要"]
    assert len(briefings) == 5
    assert len([a for a in built_engine.catalog.all_articles() if a.kind == "briefing"]) == 31
    assert built_engine.dense.count() == built_engine.store.chunk_count() > 100


def test_build_is_skipped_when_up_to_date(built_engine: RetrievalEngine) -> None:
    assert built_engine.ensure_built() is False


def test_add_is_incremental_and_idempotent(fresh_engine: RetrievalEngine, tmp_path: Path) -> None:
    path = tmp_path / "new.txt"
    path.write_text(NEW_BRIEF, encoding="utf-8")
    before = _snapshot(fresh_engine)
    first = fresh_engine.ingestor.add_paths([path])
    assert len(first.added) == 1 and first.articles == 2 and not first.errors
    after = _snapshot(fresh_engine)
    assert after[1] == before[1] + 2 and after[0] > before[0] and after[0] == after[2]
    # the same content again, and the same content in GB18030 under another name: nothing changes
    gbk = tmp_path / "new-gbk.txt"
    gbk.write_bytes(NEW_BRIEF.encode("gb18030"))
    second = fresh_engine.ingestor.add_paths([path, gbk])
    assert second.duplicates == ["new.txt", "new-gbk.txt"] and not second.added
    assert _snapshot(fresh_engine) == after
    hits = fresh_engine.searcher.search("鄂创积分贷发放了多少贷款", 3)
    assert "1.26亿元" in hits[0].text
    assert hits[0].source == "科技情报参考 2025年第3期" and hits[0].date == "2025-03"


def test_bad_files_are_reported_and_the_rest_indexed(fresh_engine: RetrievalEngine, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(NEW_BRIEF, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7 broken")
    report = fresh_engine.ingestor.add_paths([tmp_path])
    assert report.added and {f for f, _ in report.errors} == {"empty.txt", "bin.txt", "bad.pdf"}


def test_same_article_in_two_bulletins_is_indexed_once(fresh_engine: RetrievalEngine, tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text(NEW_BRIEF, encoding="utf-8")
    two = tmp_path / "two.txt"
    two.write_text(NEW_BRIEF.replace("2025 年第 3 期", "2025 年第 4 期"), encoding="utf-8")
    fresh_engine.ingestor.add_paths([one])
    report = fresh_engine.ingestor.add_paths([two])
    assert report.added and report.articles == 0 and report.chunks == 0


def test_remove_document_and_article(fresh_engine: RetrievalEngine, tmp_path: Path) -> None:
    path = tmp_path / "new.txt"
    path.write_text(NEW_BRIEF, encoding="utf-8")
    before = _snapshot(fresh_engine)
    doc_key = fresh_engine.ingestor.add_paths([path]).added[0]
    article = f"{doc_key}-02"
    assert fresh_engine.ingestor.remove(article) > 0
    assert len(fresh_engine.catalog.all_articles()) == before[1] + 1
    fresh_engine.ingestor.remove(doc_key)
    assert _snapshot(fresh_engine) == before
    assert not any("鄂创" in h.text for h in fresh_engine.searcher.search("鄂创积分贷", 5))
    with pytest.raises(UnknownDocumentError):
        fresh_engine.ingestor.remove("no-such-id")


def test_ingested_at_is_utc_and_survives_rebuild(fresh_engine: RetrievalEngine, tmp_path: Path) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    bundled = fresh_engine.catalog.all_articles()
    assert all(a.ingested_at.tzinfo is not None for a in bundled)
    cut = max(a.ingested_at for a in bundled)
    path = tmp_path / "new.txt"
    path.write_text(NEW_BRIEF, encoding="utf-8")
    fresh_engine.ingestor.add_paths([path])
    new = fresh_engine.catalog.articles_since(cut)
    assert [a.title for a in new] == ["鄂尔多斯市推行企业创新积分贷", "赤峰市培育科技型中小企业"]
    assert all(a.ingested_at > start for a in new)
    assert "鄂尔多斯" in new[0].regions and "内蒙古" in new[0].regions and "积分贷" in new[0].tags
    times = {a.doc_id: a.ingested_at for a in fresh_engine.catalog.all_articles()}
    fresh_engine.ingestor.rebuild(CORPUS)
    assert {a.doc_id: a.ingested_at for a in fresh_engine.catalog.all_articles()} == times
    assert fresh_engine.catalog.articles_since(cut) == new
    # digests read briefings only: the policy summaries are reference, not news
    briefings = [a for a in fresh_engine.catalog.all_articles() if a.kind == "briefing"]
    assert fresh_engine.catalog.articles_since(None) == briefings
    from zoneinfo import ZoneInfo

    shanghai = cut.astimezone(ZoneInfo("Asia/Shanghai"))
    assert fresh_engine.catalog.articles_since(shanghai) == new  # any time zone, same instant
    assert fresh_engine.catalog.articles_since(cut.replace(tzinfo=None)) == new  # naive = UTC


def test_changed_corpus_makes_the_index_stale(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    engine = make_engine(tmp_path / "data", corpus)
    assert engine.ensure_built() is False
    (corpus / "005_new.txt").write_text(NEW_BRIEF, encoding="utf-8")
    assert engine.ingestor.is_stale(corpus)
    assert engine.ensure_built() is True
    assert len([d for d in engine.store.documents() if d.publication != "政策摘要"]) == 6
    engine.close()
