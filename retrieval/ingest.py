"""Ingestion: files → store → BM25 + Chroma; incremental, idempotent, one error per bad file."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from retrieval.errors import DocumentError, UnknownDocumentError
from retrieval.extract import FileExtractor
from retrieval.knowledge import is_knowledge, process_knowledge
from retrieval.loaders import SUPPORTED_SUFFIXES, load_file
from retrieval.pipeline import PIPELINE_VERSION, DocumentMeta, ProcessedDocument, process_document
from retrieval.store import ChunkRow, CorpusStore
from retrieval.textutil import segmenter_words, tokenize, unglue

if TYPE_CHECKING:
    from retrieval.dense import ChromaIndex

__all__ = [
    "KNOWLEDGE_DIR",
    "GeneratedDocs",
    "IngestReport",
    "Ingestor",
    "Progress",
    "corpus_files",
    "knowledge_files",
    "load_manifest",
    "process_any",
]

KNOWLEDGE_DIR = "knowledge"

log = logging.getLogger(__name__)


class Progress(Protocol):
    """A progress bar (tqdm fits)."""

    def update(self, n: int = 1) -> Any:
        """Advance by n."""
        ...

    def close(self) -> Any:
        """Finish."""
        ...


ProgressFactory = Callable[[int, str], Progress]
# (file name, text) of articles generated at index time, e.g. the rule sets rendered as 政策摘要
GeneratedDocs = Callable[[], Sequence[tuple[str, str]]]


def process_any(raw: str, meta: DocumentMeta | None, fallback_title: str) -> ProcessedDocument:
    """A knowledge file (front matter kind: knowledge) or a briefing."""
    if is_knowledge(raw):
        return process_knowledge(raw, fallback_title)
    return process_document(raw, meta, fallback_title)


@dataclass
class IngestReport:
    """What one ingestion run did."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    articles: int = 0
    chunks: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON shape for the CLI."""
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "errors": [{"file": f, "error": e} for f, e in self.errors],
            "articles": self.articles,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }


def load_manifest(directory: Path) -> dict[str, DocumentMeta]:
    """File name → metadata from a manifest.json next to the files (missing or bad: empty)."""
    path = directory / "manifest.json"
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("unreadable manifest %s", path)
        return {}
    out: dict[str, DocumentMeta] = {}
    for e in entries if isinstance(entries, list) else []:
        if isinstance(e, dict) and e.get("file"):
            out[str(e["file"])] = DocumentMeta(
                publication=str(e.get("publication") or ""),
                issue=str(e.get("issue") or ""),
                publisher=str(e.get("publisher") or ""),
                date=str(e.get("date") or ""),
                label=str(e.get("label") or ""),
            )
    return out


def corpus_files(directory: Path) -> list[Path]:
    """Briefing files of a directory (manifest and READMEs excluded), sorted."""
    if not directory.is_dir():
        return []
    return sorted(
        p for p in directory.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.lower() not in ("readme.md",)
    )


def knowledge_files(corpus_dir: Path) -> list[Path]:
    """The product's own policy articles under corpus/knowledge/, sorted."""
    return corpus_files(corpus_dir / KNOWLEDGE_DIR)


def _load_or_report(
    path: Path, report: IngestReport, extractor: FileExtractor | None = None
) -> str | None:
    """The file's text, or None with the reason in the report: one bad file never stops a batch.

    With an extractor the file is read in a child process under a time and memory limit.
    """
    try:
        return extractor.extract(path) if extractor is not None else load_file(path)
    except DocumentError as exc:
        report.errors.append((path.name, exc.user_message))
        return None


def _expand(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out.extend(corpus_files(p) if p.is_dir() else [p])
    return out


class Ingestor:
    """Adds, removes and rebuilds; keeps the store, BM25 (via the generation) and Chroma in step."""

    def __init__(
        self,
        store: CorpusStore,
        dense: ChromaIndex | None,
        embedder_name: str,
        generated: GeneratedDocs | None = None,
        *,
        extract_timeout: float | None = 60.0,
    ) -> None:
        self.store = store
        self.dense = dense
        self.embedder_name = embedder_name
        self.generated = generated
        self.extract_timeout = extract_timeout  # per added file; None reads in this process

    # --- adding ---------------------------------------------------------------------------
    def add_paths(
        self, paths: Iterable[Path], origin: str = "added", progress: ProgressFactory | None = None
    ) -> IngestReport:
        """Ingest files (directories expand to their briefings); bad files are reported, not fatal."""
        start = time.perf_counter()
        report = IngestReport()
        self.repair(progress)  # an earlier run cut off between the store and Chroma
        pending: list[str] = []
        with self._extractor() as extractor:
            for path in _expand(paths):
                raw = _load_or_report(path, report, extractor)
                if raw is None:
                    continue
                meta = load_manifest(path.parent).get(path.name)
                outcome = self._add_text(raw, path.name, str(path.resolve()), meta, origin, report)
                if outcome:
                    pending.append(outcome)
        self._finish(pending, progress)
        report.seconds = time.perf_counter() - start
        return report

    def _add_text(
        self, raw: str, name: str, path: str | None, meta: DocumentMeta | None, origin: str,
        report: IngestReport,
    ) -> str | None:
        try:
            processed = process_any(raw, meta, Path(name).stem)
        except DocumentError as exc:
            report.errors.append((name, exc.user_message))
            return None
        if self.store.document_by_hash(processed.hash) is not None:
            report.duplicates.append(name)
            return None
        if not processed.articles:
            report.errors.append((name, f"{name}：没有可索引的正文，已跳过"))
            return None
        doc_key = processed.hash[:10]
        self._store_document(doc_key, name, path, raw, processed, origin, report)
        report.added.append(doc_key)
        return doc_key

    def _store_document(
        self, doc_key: str, name: str, path: str | None, raw: str, doc: ProcessedDocument,
        origin: str, report: IngestReport, added_at: str | None = None,
    ) -> None:
        meta = doc.meta
        now = added_at or datetime.now(UTC).isoformat(timespec="microseconds")
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO documents(doc_key, name, path, hash, publication, issue,"
                " publisher, date, source, origin, raw_text, added_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_key, name, path, doc.hash, meta.publication, meta.issue, meta.publisher,
                 meta.date, meta.source, origin, raw, now),
            )
            for art in doc.articles:
                if conn.execute("SELECT 1 FROM articles WHERE hash = ?", (art.hash,)).fetchone():
                    continue  # the same article already arrived in another bulletin
                doc_id = f"{doc_key}-{art.ordinal:02d}"
                conn.execute(
                    "INSERT INTO articles(doc_id, doc_key, ordinal, title, source, publication, issue,"
                    " publisher, date, regions, tags, text, hash, ingested_at, kind)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc_id, doc_key, art.ordinal, art.title, art.source or meta.source,
                     meta.publication, meta.issue, meta.publisher, art.date or meta.date,
                     json.dumps(art.regions, ensure_ascii=False),
                     json.dumps(art.tags, ensure_ascii=False), art.text, art.hash,
                     self.store.first_ingested(conn, art.hash), art.kind),
                )
                report.articles += 1
                for ch in art.chunks:
                    if conn.execute("SELECT 1 FROM chunks WHERE hash = ?", (ch.hash,)).fetchone():
                        continue  # boilerplate or a passage repeated elsewhere: index once
                    conn.execute(
                        "INSERT INTO chunks(chunk_id, doc_id, ordinal, text, index_text, tokens, hash)"
                        " VALUES (?,?,?,?,?,?,?)",
                        (f"{doc_id}-c{ch.ordinal:03d}", doc_id, ch.ordinal, ch.text, ch.index_text,
                         " ".join(unglue(tokenize(ch.index_text))), ch.hash),
                    )
                    report.chunks += 1

    def _finish(self, doc_keys: list[str], progress: ProgressFactory | None) -> None:
        """Embed the new chunks into Chroma and move the generation so searchers reload."""
        if doc_keys and self.dense is not None:
            rows = self.store.chunks(full=True, doc_keys=doc_keys)
            self._embed(rows, progress)
        if doc_keys:
            self._bump()

    def _embed(self, rows: list[ChunkRow], progress: ProgressFactory | None) -> None:
        if self.dense is None or not rows:
            return
        bar = progress(len(rows), "向量化") if progress else None
        try:
            self.dense.add(
                [r.chunk_id for r in rows],
                [r.index_text for r in rows],
                [{"chunk_id": r.chunk_id, "doc_id": r.doc_id} for r in rows],
                progress=bar.update if bar else None,
            )
        finally:
            if bar is not None:
                bar.close()

    def _extractor(self) -> contextlib.AbstractContextManager[FileExtractor | None]:
        if self.extract_timeout is None:
            return contextlib.nullcontext()
        return FileExtractor(timeout=self.extract_timeout)

    def repair(self, progress: ProgressFactory | None = None) -> int:
        """Make Chroma hold exactly the stored chunks (after a run killed between the two):
        embed what is missing, drop what is gone; returns how many vectors changed."""
        if self.dense is None or self.dense.count() == self.store.chunk_count():
            return 0
        stored = {r.chunk_id: r for r in self.store.chunks(full=True)}
        indexed = set(self.dense.ids())
        missing = [row for cid, row in stored.items() if cid not in indexed]
        extra = sorted(indexed - stored.keys())
        log.warning("index out of step: %d vectors missing, %d extra; repairing", len(missing), len(extra))
        if extra:
            self.dense.delete(extra)
        self._embed(missing, progress)
        self._bump()
        return len(missing) + len(extra)

    def _bump(self) -> None:
        self.store.set_meta("generation", uuid.uuid4().hex)

    # --- removing ----------------------------------------------------------------------------
    def remove(self, ident: str) -> int:
        """Remove a document (by doc key) or one article (by article id); returns chunks removed."""
        ident = ident.strip()
        if ident and self.store.document(ident) is not None:
            ids = self.store.chunk_ids_of_document(ident)
            self.store.delete_document(ident)
        elif ident and self.store.article_doc_key(ident) is not None:
            ids = self.store.chunk_ids_of_article(ident)
            self.store.delete_article(ident)
        else:
            raise UnknownDocumentError(f"unknown id {ident!r}", user_message=f"没有编号为 {ident} 的文档或文章。")
        if self.dense is not None and ids:
            self.dense.delete(ids)
        self._bump()
        return len(ids)

    # --- building ----------------------------------------------------------------------------
    def fingerprint(self, corpus_dir: Path) -> str:
        """What the index was built from: pipeline version, embedder, segmenter words, bundled files' contents."""
        h = hashlib.sha256(f"{PIPELINE_VERSION}|{self.embedder_name}|{segmenter_words()}".encode())
        for p in corpus_files(corpus_dir) + knowledge_files(corpus_dir) + [corpus_dir / "manifest.json"]:
            if p.is_file():
                h.update(p.name.encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
        for name, text in self._generated_docs():
            h.update(name.encode())
            h.update(hashlib.sha256(text.encode("utf-8")).digest())
        return h.hexdigest()

    def _generated_docs(self) -> list[tuple[str, str]]:
        """Articles generated at index time (a failing generator is logged, never fatal)."""
        if self.generated is None:
            return []
        try:
            return list(self.generated())
        except Exception as exc:  # a broken zone rule file must not stop the briefings index
            log.warning("generated knowledge unavailable: %s", type(exc).__name__)
            return []

    def is_stale(self, corpus_dir: Path) -> bool:
        """True when the index is missing, built by another pipeline/embedder, or out of step."""
        if self.store.get_meta("fingerprint") != self.fingerprint(corpus_dir):
            return True
        if self.dense is not None:
            try:
                return self.dense.count() != self.store.chunk_count()
            except Exception:  # unreachable server: let the build report it
                return True
        return False

    def build(self, corpus_dir: Path, progress: ProgressFactory | None = None, force: bool = False) -> IngestReport | None:
        """Build from the corpus directory when missing or stale (None when already up to date)."""
        if not force and not self.is_stale(corpus_dir):
            return None
        return self.rebuild(corpus_dir, progress)

    def rebuild(self, corpus_dir: Path, progress: ProgressFactory | None = None) -> IngestReport:
        """Re-process every stored document and the corpus directory, and re-embed everything."""
        start = time.perf_counter()
        report = IngestReport()
        stored = self.store.documents()
        self.store.clear_derived()
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM documents WHERE origin = 'corpus'")
        if self.dense is not None:
            self.dense.reset()
        for d in stored:
            if d.origin == "corpus":
                continue
            meta = DocumentMeta(d.publication, d.issue, d.publisher, d.date)
            try:
                processed = process_any(d.raw_text, meta if d.publication else None, Path(d.name).stem)
            except DocumentError as exc:
                report.errors.append((d.name, exc.user_message))
                continue
            self._store_document(d.doc_key, d.name, d.path, d.raw_text, processed, d.origin, report, d.added_at)
            report.added.append(d.doc_key)
        manifest = load_manifest(corpus_dir)
        for path in corpus_files(corpus_dir) + knowledge_files(corpus_dir):
            raw = _load_or_report(path, report)
            if raw is None:
                continue
            self._add_text(raw, path.name, str(path.resolve()), manifest.get(path.name), "corpus", report)
        for name, text in self._generated_docs():
            self._add_text(text, name, None, None, "corpus", report)
        if self.dense is not None:
            self._embed(self.store.chunks(full=True), progress)
        self._bump()
        self.store.set_meta("fingerprint", self.fingerprint(corpus_dir))
        report.seconds = time.perf_counter() - start
        return report
