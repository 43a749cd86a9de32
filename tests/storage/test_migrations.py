"""Migrations are the only schema: a new database, and one the previous release left, end up alike."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.core.subscriptions.types import SubscriptionDraft
from bot.storage import Database, metadata
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.migrations import MIGRATIONS, applied
from bot.storage.profiles import SqlProfileStore
from bot.storage.sessions import SessionStore
from bot.storage.subscriptions import SqlSubscriptionStore
from bot.storage.users import UserStore
from bot.storage.wechat import WeChatStore

BOOKKEEPING = {"schema_migrations"}
ALL = [step.__name__ for step in MIGRATIONS]


def describe(database: Database) -> dict[str, object]:
    """The schema as the database reports it: columns, keys, indexes, unique constraints."""
    found = inspect(database.engine)
    dialect = database.engine.dialect
    tables: dict[str, object] = {}
    for name in sorted(set(found.get_table_names()) - BOOKKEEPING):
        columns = [
            (c["name"], c["type"].compile(dialect), c["nullable"]) for c in found.get_columns(name)
        ]
        indexes = {
            (i["name"], tuple(i["column_names"]), bool(i["unique"]))
            for i in found.get_indexes(name)
            if not i.get("duplicates_constraint")  # PostgreSQL: a unique constraint's own index
        }
        uniques = {(u["name"], tuple(u["column_names"])) for u in found.get_unique_constraints(name)}
        primary = tuple(found.get_pk_constraint(name)["constrained_columns"])
        tables[name] = (columns, primary, indexes, uniques)
    return tables


def declared(database: Database) -> dict[str, object]:
    """The same description of bot.storage.schema, the tables the stores query."""
    dialect = database.engine.dialect
    tables: dict[str, object] = {}
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        columns = [(c.name, c.type.compile(dialect), c.nullable) for c in table.columns]
        indexes = {(i.name, tuple(c.name for c in i.columns), bool(i.unique)) for i in table.indexes}
        uniques = {
            (u.name, tuple(c.name for c in u.columns))
            for u in table.constraints
            if u.__class__.__name__ == "UniqueConstraint"
        }
        primary = tuple(c.name for c in table.primary_key.columns)
        tables[table.name] = (columns, primary, indexes, uniques)
    return tables


def test_migrations_are_numbered_in_order() -> None:
    names = [step.__name__ for step in MIGRATIONS]
    assert [int(re.fullmatch(r"m(\d{3})_\w+", n).group(1)) for n in names] == list(  # type: ignore[union-attr]
        range(1, len(names) + 1)
    )


def test_a_new_database_records_every_step_and_matches_the_declared_tables(database: Database) -> None:
    assert applied(database.engine) == ALL
    assert database.migrate() == []
    assert describe(database) == declared(database)


def test_the_base_migration_builds_the_previous_release_schema_exactly(
    previous_release: Database,
) -> None:
    """The base changes no table; the later steps only add theirs; a new database equals an upgraded one."""
    before = describe(previous_release)
    before.pop("schema_version")
    assert previous_release.migrate(MIGRATIONS[:1]) == ["m001_base_schema"]
    assert describe(previous_release) == before
    assert previous_release.migrate() == ALL[1:]
    after = describe(previous_release)
    assert after == declared(previous_release)
    assert {k: v for k, v in after.items() if k in before} == before


def test_previous_release_rows_survive_the_upgrade(previous_release: Database) -> None:
    assert previous_release.migrate() == ALL
    assert applied(previous_release.engine) == ALL
    assert "schema_version" not in inspect(previous_release.engine).get_table_names()
    user = UserStore(previous_release).get("telegram:1001")
    assert user is not None and (user.region, user.industry) == ("成都", "软件")
    assert user.display_name == "张经理"
    session = SessionStore(previous_release).load("telegram:1001")
    assert session is not None and session.state == {"rule_set": "innovation", "step": 2}
    record = SqlProfileStore(previous_release).load("telegram:1001")
    assert record is not None and record.figures == {"revenue": 1200.0}
    subs = SqlSubscriptionStore(previous_release)
    [weekly] = subs.list_for_user("telegram:1001")
    assert (weekly.topics, weekly.regions, weekly.frequency) == (("加计扣除",), ("四川",), "weekly")
    [monthly] = subs.list_for_user("wechat:oABC")
    assert (monthly.frequency, monthly.month_day, monthly.hour) == ("monthly", -1, 8)
    log = SqlDeliveryLog(previous_release)
    [row] = log.rows(weekly.id)
    assert (row["period_key"], row["status"]) == ("2026-W47", "sending")
    assert log.lease_holder("digests") == "host:1"
    wechat = WeChatStore(previous_release)
    assert wechat.saved_reply("oABC:1") == "<xml>ok</xml>"
    assert wechat.count_pending("oABC") == 1
    assert wechat.last_message_at("oABC") == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    # ids carry on after the old rows (SQLite AUTOINCREMENT, PostgreSQL's sequence)
    later = subs.add(
        SubscriptionDraft(), user_key="telegram:1001", channel="telegram", user_id="1001",
        at=datetime(2026, 11, 27, tzinfo=UTC),
    )
    assert later.id == 3


def m099_users_note(conn: Connection) -> None:
    """A later release's kind of step: one new column."""
    conn.execute(text("ALTER TABLE users ADD COLUMN note VARCHAR(100)"))


def _note_of(database: Database, user_key: str) -> object:
    with database.engine.connect() as conn:
        return conn.execute(
            text("SELECT note FROM users WHERE user_key = :k"), {"k": user_key}
        ).scalar_one()


def test_an_add_column_migration_runs_on_a_new_database(database: Database) -> None:
    assert database.migrate([*MIGRATIONS, m099_users_note]) == ["m099_users_note"]
    UserStore(database).ensure("console:u", "console")
    assert _note_of(database, "console:u") is None
    assert applied(database.engine) == [*ALL, "m099_users_note"]
    assert database.migrate([*MIGRATIONS, m099_users_note]) == []


def test_an_add_column_migration_runs_on_an_upgraded_database(previous_release: Database) -> None:
    ran = previous_release.migrate([*MIGRATIONS, m099_users_note])
    assert ran == [*ALL, "m099_users_note"]
    assert _note_of(previous_release, "telegram:1001") is None
    user = UserStore(previous_release).get("telegram:1001")
    assert user is not None and user.region == "成都"


def test_a_failing_migration_changes_nothing(database: Database) -> None:
    def m099_half_done(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE half (id INTEGER PRIMARY KEY)"))
        conn.execute(text("ALTER TABLE users ADD COLUMN note VARCHAR(100)"))
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        database.migrate([*MIGRATIONS, m099_half_done])
    names = inspect(database.engine).get_table_names()
    assert "half" not in names
    assert "note" not in {c["name"] for c in inspect(database.engine).get_columns("users")}
    assert applied(database.engine) == ALL


def test_processes_starting_together_migrate_once(empty_database_url: str) -> None:
    """The bot and a CLI command started at once: one applies the base, the other waits and
    finds it done (SQLite's write lock, PostgreSQL's advisory lock)."""
    handles = [Database(empty_database_url) for _ in range(3)]
    results: list[list[str]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(handles))

    def start(db: Database) -> None:
        barrier.wait()
        try:
            results.append(db.migrate())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(db,)) for db in handles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        assert sorted(results) == [[], [], ALL]
        assert applied(handles[0].engine) == ALL
    finally:
        for db in handles:
            db.dispose()
