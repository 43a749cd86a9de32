"""Insert-or-replace as one statement (INSERT … ON CONFLICT DO UPDATE) on SQLite and PostgreSQL:
atomic across processes, so no store repeats the update, insert, catch-the-race, update-again dance."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

__all__ = ["upsert"]


def upsert(
    dialect: str,
    table: Table,
    *,
    key: Sequence[str],
    update: Sequence[str],
    bump: str | None = None,
) -> PgInsert | SqliteInsert:
    """A statement that inserts the row given as parameters or, when its `key` exists, sets the
    `update` columns from them (`bump`: a version column, given as 1, that counts up instead).

    Build it once and run it with one dict of column values: `conn.execute(stmt, values)`.
    """
    if dialect == "postgresql":
        stmt: PgInsert | SqliteInsert = pg_insert(table)
    elif dialect == "sqlite":
        stmt = sqlite_insert(table)
    else:
        raise ValueError(f"no upsert for the {dialect} dialect")
    sets: dict[str, object] = {name: stmt.excluded[name] for name in update}
    if bump is not None:
        sets[bump] = table.c[bump] + 1
    return stmt.on_conflict_do_update(index_elements=list(key), set_=sets)
