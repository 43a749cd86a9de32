"""The searcher's table of chunks: ids and article fields in memory, passage texts read when needed.

Reading every passage of a 100,000-chunk store costs seconds a process start, but a search reads
the text of its twenty best candidates only. The ids and article fields are saved next to BM25
for each store generation (one JSON file), so a start reads no chunk rows at all; the catalogue
texts that refusals scan are memory-mapped, not read.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.store import ChunkRow, CorpusStore

__all__ = ["ArticleFields", "ChunkTable", "MappedText", "saved_text"]

log = logging.getLogger(__name__)

_FORMAT = 1
_CACHED_TEXTS = 4096  # passages kept after a search reads them (popular ones come back often)


@dataclass(frozen=True)
class ArticleFields:
    """What every chunk of one article shares (a Hit carries these)."""

    doc_id: str
    title: str
    source: str
    date: str
    regions: tuple[str, ...]
    tags: tuple[str, ...]
    kind: str


class ChunkTable:
    """Chunk positions (the order of the store, BM25 and the vectors) with their article fields."""

    def __init__(self, store: CorpusStore, ids: list[str], article_of: list[int], articles: list[ArticleFields]) -> None:
        self._store = store
        self.ids = ids
        self._article_of = article_of
        self._articles = articles
        self._positions: dict[str, int] | None = None
        self._texts: OrderedDict[str, str] = OrderedDict()  # recently read passages, bounded
        self._texts_lock = threading.Lock()

    @classmethod
    def open(
        cls, store: CorpusStore, directory: Path, generation: str, rows: Callable[[], list[ChunkRow]]
    ) -> ChunkTable:
        """The table of this store generation: read as saved, or made from `rows` and saved."""
        path = directory / "chunks.json"
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("generation") == generation and saved.get("format") == _FORMAT:
                articles = [ArticleFields(a[0], a[1], a[2], a[3], tuple(a[4]), tuple(a[5]), a[6]) for a in saved["articles"]]
                return cls(store, saved["ids"], saved["article_of"], articles)
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            pass  # not saved for this generation (or unreadable): made from the store below
        table = cls.from_rows(store, rows())
        table.save(path, generation)
        return table

    @classmethod
    def from_rows(cls, store: CorpusStore, rows: Iterable[ChunkRow]) -> ChunkTable:
        """A table over these rows (in their order)."""
        ids: list[str] = []
        article_of: list[int] = []
        articles: list[ArticleFields] = []
        seen: dict[str, int] = {}
        for r in rows:
            at = seen.get(r.doc_id)
            if at is None:
                at = seen[r.doc_id] = len(articles)
                articles.append(ArticleFields(r.doc_id, r.title, r.source, r.date, r.regions, r.tags, r.kind))
            ids.append(r.chunk_id)
            article_of.append(at)
        return cls(store, ids, article_of, articles)

    def save(self, path: Path, generation: str) -> None:
        """Write the table for this generation (atomically; a read-only data dir keeps it in memory)."""
        data = {
            "format": _FORMAT, "generation": generation, "ids": self.ids, "article_of": self._article_of,
            "articles": [[a.doc_id, a.title, a.source, a.date, a.regions, a.tags, a.kind] for a in self._articles],
        }
        try:
            _write_atomic(path, json.dumps(data, ensure_ascii=False))
        except OSError as exc:
            log.warning("chunk table not saved: %s", type(exc).__name__)

    def __len__(self) -> int:
        return len(self.ids)

    def article(self, pos: int) -> ArticleFields:
        """The article fields of the chunk at this position."""
        return self._articles[self._article_of[pos]]

    def regions(self) -> frozenset[str]:
        """Every region any chunk is tagged with."""
        return frozenset(g for a in self._articles for g in a.regions)

    def position(self, chunk_id: str) -> int | None:
        """The position of a chunk id (the map is made on first use)."""
        return self.positions().get(chunk_id)

    def positions(self) -> dict[str, int]:
        """chunk id -> position."""
        if self._positions is None:
            self._positions = {cid: i for i, cid in enumerate(self.ids)}
        return self._positions

    def rows(self, positions: Sequence[int]) -> dict[int, ChunkRow]:
        """The full rows at these positions, texts read from the store in one query; a chunk
        deleted since this table was made is left out."""
        wanted = {self.ids[p]: p for p in positions}
        texts = self._cached_texts(list(wanted))
        out: dict[int, ChunkRow] = {}
        for cid, pos in wanted.items():
            text = texts.get(cid)
            if text is None:
                continue
            a = self.article(pos)
            out[pos] = ChunkRow(cid, a.doc_id, a.title, a.source, a.date, text, "", (), a.regions, a.tags, a.kind)
        return out


    def _cached_texts(self, chunk_ids: list[str]) -> dict[str, str]:
        """Texts of these chunks: recently read ones from memory, the rest in one query."""
        with self._texts_lock:
            found = {cid: self._texts[cid] for cid in chunk_ids if cid in self._texts}
            for cid in found:
                self._texts.move_to_end(cid)
        missing = [cid for cid in chunk_ids if cid not in found]
        if missing:
            read = self._store.chunk_texts(missing)
            found.update(read)
            with self._texts_lock:
                self._texts.update(read)
                while len(self._texts) > _CACHED_TEXTS:
                    self._texts.popitem(last=False)
        return found


class MappedText:
    """A saved text searched in place: `term in text` without reading the file into memory.

    UTF-8 is self-synchronising, so a byte match of the encoded term is a match of the text."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

    def __contains__(self, term: object) -> bool:
        if not isinstance(term, str):
            return False
        return self._map.find(term.encode("utf-8", "surrogatepass")) >= 0


def saved_text(directory: Path, generation: str, name: str, texts: Callable[[], Iterable[str]]) -> MappedText | str:
    """These texts joined by newlines, saved for this generation and mapped; made (from `texts`)
    only when missing. Rewritten files are replaced, never overwritten: a mapped old copy stays valid."""
    path, stamp = directory / f"catalogue-{name}.txt", directory / f"catalogue-{name}.stamp"
    try:
        if stamp.read_text(encoding="utf-8") == generation:
            return _mapped(path)
    except (OSError, ValueError):
        pass  # not saved yet (or unreadable): made and saved below
    text = "\n".join(texts())
    try:
        directory.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)
        _write_atomic(path, text)
        stamp.write_text(generation, encoding="utf-8")
    except OSError as exc:  # a read-only data dir: keep it in memory only
        log.warning("catalogue text not saved: %s", type(exc).__name__)
    return text


def _mapped(path: Path) -> MappedText | str:
    if path.stat().st_size == 0:  # an empty file cannot be mapped
        return ""
    return MappedText(path)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
