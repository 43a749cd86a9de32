"""The corpus store (SQLite under the data dir): documents, articles, chunks and the ingestion log."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from retrieval.store_migrations import migrate
from retrieval.types import ArticleRecord

__all__ = ["ChunkRow", "CorpusStore", "DocumentRow"]

@dataclass(frozen=True)
class DocumentRow:
    """One stored bulletin (raw text kept so the index can be rebuilt without the file)."""

    doc_key: str
    name: str
    path: str | None
    hash: str
    publication: str
    issue: str
    publisher: str
    date: str
    source: str
    origin: str
    raw_text: str
    added_at: str
    articles: int = 0


@dataclass(frozen=True)
class ChunkRow:
    """One indexed passage with the metadata a Hit needs."""

    chunk_id: str
    doc_id: str
    title: str
    source: str
    date: str
    text: str
    index_text: str
    tokens: tuple[str, ...]
    regions: tuple[str, ...]
    tags: tuple[str, ...]
    kind: str = "briefing"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _parse_time(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class CorpusStore:
    """SQLite-backed store; one connection per store, guarded for use from worker threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA journal_mode = WAL")
        with self._lock:
            migrate(self._conn)  # the tables come from retrieval.store_migrations only

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # --- meta ---------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A stored setting such as the pipeline version."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # --- documents ------------------------------------------------------------------------
    def document_by_hash(self, doc_hash: str) -> DocumentRow | None:
        """The stored document with this content hash (document-level dedupe)."""
        return next(iter(self._documents("WHERE d.hash = ?", (doc_hash,))), None)

    def document(self, doc_key: str) -> DocumentRow | None:
        """A stored document by key."""
        return next(iter(self._documents("WHERE d.doc_key = ?", (doc_key,))), None)

    def documents(self) -> list[DocumentRow]:
        """Every stored document, oldest first."""
        return self._documents("", ())

    def _documents(self, where: str, args: tuple[object, ...]) -> list[DocumentRow]:
        sql = (
            "SELECT d.doc_key, d.name, d.path, d.hash, d.publication, d.issue, d.publisher, d.date,"
            " d.source, d.origin, d.raw_text, d.added_at,"
            " (SELECT COUNT(*) FROM articles a WHERE a.doc_key = d.doc_key)"
            f" FROM documents d {where} ORDER BY d.added_at, d.doc_key"
        )
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [DocumentRow(*r) for r in rows]

    def article_doc_key(self, doc_id: str) -> str | None:
        """The document an article belongs to."""
        with self._lock:
            row = self._conn.execute(
                "SELECT doc_key FROM articles WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        return row[0] if row else None

    def has_article_hash(self, article_hash: str) -> bool:
        """Article-level dedupe: the same article already came with another bulletin."""
        with self._lock:
            return (
                self._conn.execute("SELECT 1 FROM articles WHERE hash = ?", (article_hash,)).fetchone()
                is not None
            )

    def has_chunk_hash(self, chunk_hash: str) -> bool:
        """Chunk-level dedupe: the same passage is already indexed."""
        with self._lock:
            return (
                self._conn.execute("SELECT 1 FROM chunks WHERE hash = ?", (chunk_hash,)).fetchone()
                is not None
            )

    def first_ingested(self, conn: sqlite3.Connection, article_hash: str) -> str:
        """When this article content was first ingested (kept across rebuilds)."""
        row = conn.execute(
            "SELECT first_ingested_at FROM ingest_log WHERE hash = ?", (article_hash,)
        ).fetchone()
        if row:
            return str(row[0])
        now = _now()
        conn.execute("INSERT INTO ingest_log(hash, first_ingested_at) VALUES (?, ?)", (article_hash, now))
        return now

    def chunk_ids_of_document(self, doc_key: str) -> list[str]:
        """Chunk ids that removing a document takes out of the indexes."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT c.chunk_id FROM chunks c JOIN articles a ON a.doc_id = c.doc_id"
                " WHERE a.doc_key = ?",
                (doc_key,),
            ).fetchall()
        return [r[0] for r in rows]

    def chunk_ids_of_article(self, doc_id: str) -> list[str]:
        """Chunk ids of one article."""
        with self._lock:
            rows = self._conn.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,)).fetchall()
        return [r[0] for r in rows]

    def delete_document(self, doc_key: str) -> None:
        """Remove a document with its articles and chunks."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM documents WHERE doc_key = ?", (doc_key,))

    def delete_article(self, doc_id: str) -> None:
        """Remove one article with its chunks."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM articles WHERE doc_id = ?", (doc_id,))

    def clear_derived(self) -> None:
        """Drop articles and chunks (documents and the ingestion log stay) before a rebuild."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM chunks")
            conn.execute("DELETE FROM articles")

    # --- chunks ------------------------------------------------------------------------------
    def chunk_count(self) -> int:
        """How many passages are indexed."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def chunks(self, full: bool = False, doc_keys: Iterable[str] | None = None) -> list[ChunkRow]:
        """Every passage with its article metadata, in a stable order.

        Without `full` the index text and tokens are left out (they are only needed to embed
        and to build BM25) and repeated article fields share one object: at 100k chunks this
        keeps the searcher's table to a few hundred MB instead of gigabytes.
        """
        extra = "c.index_text, c.tokens" if full else "'', ''"
        keys = list(doc_keys) if doc_keys is not None else None
        where = f" WHERE a.doc_key IN ({','.join('?' * len(keys))})" if keys else ""
        if keys is not None and not keys:
            return []
        sql = (
            f"SELECT c.chunk_id, c.doc_id, a.title, a.source, a.date, c.text, {extra},"
            f" a.regions, a.tags, a.kind FROM chunks c JOIN articles a ON a.doc_id = c.doc_id{where}"
            " ORDER BY c.rowid"
        )
        with self._lock:
            rows = self._conn.execute(sql, tuple(keys or ())).fetchall()
        shared: dict[str, tuple[str, str, str, tuple[str, ...], tuple[str, ...], str]] = {}
        out: list[ChunkRow] = []
        for r in rows:
            art = shared.get(r[1])
            if art is None:
                art = (
                    r[2], r[3] or "", r[4] or "", tuple(json.loads(r[8])), tuple(json.loads(r[9])),
                    r[10] or "briefing",
                )
                shared[r[1]] = art
            tokens = tuple(r[7].split(" ")) if r[7] else ()
            out.append(
                ChunkRow(r[0], r[1], art[0], art[1], art[2], r[5], r[6], tokens, art[3], art[4], art[5])
            )
        return out

    def chunk_texts(self, chunk_ids: list[str]) -> dict[str, str]:
        """The passage text of each of these chunks that is still stored."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        with self._lock:
            rows = self._conn.execute(
                f"SELECT chunk_id, text FROM chunks WHERE chunk_id IN ({marks})", chunk_ids
            ).fetchall()
        return {str(r[0]): str(r[1]) for r in rows}

    def chunk_tokens(self, batch: int = 5000) -> Iterator[tuple[str, ...]]:
        """BM25 tokens of every chunk, in the same order as chunks(), streamed."""
        with self._lock:
            cur = self._conn.execute("SELECT tokens FROM chunks ORDER BY rowid")
            while True:
                part = cur.fetchmany(batch)
                if not part:
                    return
                for (tokens,) in part:
                    yield tuple(tokens.split(" ")) if tokens else ()

    # --- articles (the catalog digests read) ---------------------------------------------
    def articles(self, since: datetime | None = None, kind: str | None = None) -> list[ArticleRecord]:
        """Articles ingested after `since` (all when None), of one kind when given, oldest first."""
        sql = (
            "SELECT doc_id, title, source, publication, issue, publisher, date, regions, tags, text,"
            " ingested_at, kind FROM articles"
        )
        clauses: list[str] = []
        args: tuple[object, ...] = ()
        if since is not None:
            since = since if since.tzinfo else since.replace(tzinfo=UTC)
            # stored as UTC ISO strings of one format, so text order is time order
            clauses.append("ingested_at > ?")
            args = (since.astimezone(UTC).isoformat(timespec="microseconds"),)
        if kind is not None:
            clauses.append("kind = ?")
            args = (*args, kind)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY ingested_at, doc_id", args).fetchall()
        out = [
            ArticleRecord(
                doc_id=r[0], title=r[1], source=r[2] or "", publication=r[3] or "", issue=r[4] or "",
                publisher=r[5] or "", date=r[6] or "", regions=tuple(json.loads(r[7])),
                tags=tuple(json.loads(r[8])), text=r[9], ingested_at=_parse_time(r[10]),
                kind=r[11] or "briefing",
            )
            for r in rows
        ]
        return out
