"""The corpus store's schema comes from its numbered migrations, on new and upgraded stores alike."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from retrieval.store import CorpusStore
from retrieval.store_migrations import MIGRATIONS, applied, migrate

DUMP = Path(__file__).parent / "previous_release" / "corpus.sql"


def _schema(path: Path) -> list[tuple[str, str, str]]:
    """Every table and index with the SQL SQLite keeps for it (the exact CREATE statement)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master"
            " WHERE name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY name"
        ).fetchall()
    return [tuple(row) for row in rows]


def _previous_store(tmp_path: Path, dump: str | None = None) -> Path:
    path = tmp_path / "old" / "corpus.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.executescript(dump if dump is not None else DUMP.read_text(encoding="utf-8"))
    return path


def _applied(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return applied(conn)


def test_a_new_store_is_the_previous_release_schema_with_the_base_recorded(tmp_path: Path) -> None:
    fresh = tmp_path / "new" / "corpus.sqlite3"
    CorpusStore(fresh).close()
    assert _applied(fresh) == ["m001_base_schema"]
    assert _schema(fresh) == _schema(_previous_store(tmp_path))
    store = CorpusStore(fresh)  # reopening applies nothing twice
    store.close()
    assert _applied(fresh) == ["m001_base_schema"]


def test_a_previous_release_store_keeps_its_rows(tmp_path: Path) -> None:
    path = _previous_store(tmp_path)
    before = _schema(path)
    store = CorpusStore(path)
    try:
        assert store.get_meta("pipeline") == "v7"
        [doc] = store.documents()
        assert (doc.doc_key, doc.name, doc.articles) == ("d1", "简报第1期", 1)
        [article] = store.articles()
        assert (article.title, article.regions, article.kind) == ("加计扣除新规", ("四川",), "briefing")
        [chunk] = store.chunks(full=True)
        assert chunk.tokens == ("研发", "费用", "加计", "扣除")
        assert store.has_article_hash("h-art") and store.has_chunk_hash("h-chunk")
    finally:
        store.close()
    assert _applied(path) == ["m001_base_schema"]
    assert _schema(path) == before


def test_a_store_from_before_knowledge_articles_gains_the_kind_column(tmp_path: Path) -> None:
    dump = DUMP.read_text(encoding="utf-8")
    older = dump.replace(", kind TEXT NOT NULL DEFAULT 'briefing'", "").replace(
        ",'briefing');", ");"
    )
    assert older != dump
    store = CorpusStore(_previous_store(tmp_path, older))
    try:
        assert [a.kind for a in store.articles()] == ["briefing"]
        assert store.articles(kind="knowledge") == []
    finally:
        store.close()


def m002_article_summary(conn: sqlite3.Connection) -> None:
    """A later release's kind of step: one new column."""
    conn.execute("ALTER TABLE articles ADD COLUMN summary TEXT")


@pytest.mark.parametrize("start", ["new", "previous release"])
def test_an_add_column_migration_after_the_base(tmp_path: Path, start: str) -> None:
    if start == "new":
        path = tmp_path / "new" / "corpus.sqlite3"
        CorpusStore(path).close()
    else:
        path = _previous_store(tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        ran = migrate(conn, [*MIGRATIONS, m002_article_summary])
        base = [] if start == "new" else [step.__name__ for step in MIGRATIONS]
        assert ran == [*base, "m002_article_summary"]
        assert "summary" in {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
        assert migrate(conn, [*MIGRATIONS, m002_article_summary]) == []
    finally:
        conn.close()
    store = CorpusStore(path)  # today's code still reads the store
    try:
        assert len(store.articles()) == (0 if start == "new" else 1)
    finally:
        store.close()


def test_a_failing_migration_changes_nothing(tmp_path: Path) -> None:
    path = _previous_store(tmp_path)

    def m002_half_done(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE articles ADD COLUMN summary TEXT")
        raise RuntimeError("disk full")

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        with pytest.raises(RuntimeError):
            migrate(conn, [*MIGRATIONS, m002_half_done])
        assert applied(conn) == []
        assert "summary" not in {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    finally:
        conn.close()


def test_stores_opened_together_migrate_once(tmp_path: Path) -> None:
    """The bot and `innobot corpus add` opening a new store at once: one writes the base."""
    import threading

    path = tmp_path / "new" / "corpus.sqlite3"
    path.parent.mkdir()
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def open_store() -> None:
        barrier.wait()
        try:
            CorpusStore(path).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert _applied(path) == ["m001_base_schema"]
