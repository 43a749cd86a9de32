"""m001: the schema exactly as the last release before migrations (commit e873b0e) built it.

A frozen copy, on its own MetaData: bot.storage.schema moves on with later migrations, this
must not. It declares DDL only (types, keys, indexes), no Python-side defaults.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    text,
)
from sqlalchemy.engine import Connection

__all__ = ["m001_base_schema"]

_release = MetaData()


def _stamp() -> DateTime:
    return DateTime(timezone=True)


Table(
    "users",
    _release,
    Column("user_key", String(200), primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("display_name", String(200)),
    Column("region", String(100)),
    Column("industry", String(100)),
    Column("created_at", _stamp(), nullable=False),
    Column("updated_at", _stamp(), nullable=False),
)
Table(
    "dialogue_sessions",
    _release,
    Column("user_key", String(200), primary_key=True),
    Column("kind", String(50), nullable=False),
    Column("state", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", _stamp(), nullable=False),
)
Table(
    "firm_profiles",
    _release,
    Column("user_key", String(200), primary_key=True),
    Column("data", Text, nullable=False),
    Column("updated_at", _stamp(), nullable=False),
)
Table(
    "subscriptions",
    _release,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_key", String(200), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("user_id", String(160), nullable=False),
    Column("topics", Text, nullable=False),
    Column("regions", Text, nullable=False),
    Column("frequency", String(16), nullable=False),
    Column("weekday", Integer),
    Column("hour", Integer, nullable=False),
    Column("minute", Integer, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("quiet_start", String(5)),
    Column("quiet_end", String(5)),
    Column("notify_empty", Boolean, nullable=False),
    Column("month_day", Integer),
    Column("nth", Integer),
    Column("phase", Integer, nullable=False),
    Column("not_before", _stamp()),
    Column("active", Boolean, nullable=False, index=True),
    Column("created_at", _stamp(), nullable=False),
    Column("deactivated_at", _stamp()),
    Column("deactivated_reason", String(32)),
    sqlite_autoincrement=True,
)
Table(
    "digest_deliveries",
    _release,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, nullable=False, index=True),
    Column("user_key", String(200), nullable=False, index=True),
    Column("period_key", String(32), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("claimed_by", String(200)),
    Column("next_attempt_at", _stamp()),
    Column("article_count", Integer, nullable=False),
    Column("watermark_to", _stamp()),
    Column("detail", String(200), nullable=False),
    Column("created_at", _stamp(), nullable=False),
    Column("updated_at", _stamp(), nullable=False),
    Column("sent_at", _stamp()),
    UniqueConstraint("subscription_id", "period_key", name="uq_digest_delivery_period"),
    Index("ix_digest_deliveries_watermark", "subscription_id", "status", "watermark_to"),
    sqlite_autoincrement=True,
)
Table(
    "digest_leases",
    _release,
    Column("name", String(64), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("expires_at", _stamp(), nullable=False),
    Column("version", Integer, nullable=False),
)
Table(
    "wechat_users",
    _release,
    Column("openid", String(128), primary_key=True),
    Column("last_message_at", _stamp()),
    Column("unsubscribed", Boolean, nullable=False),
    Column("choices", Text),
)
Table(
    "wechat_messages",
    _release,
    Column("msg_key", String(200), primary_key=True),
    Column("received_at", _stamp(), nullable=False, index=True),
    Column("reply_xml", Text),
    Column("openid", String(128), index=True),
)
Table(
    "wechat_calls",
    _release,
    Column("nonce", String(64), primary_key=True),
    Column("timestamp", String(16), primary_key=True),
    Column("body_hash", String(64), nullable=False),
    Column("seen_at", _stamp(), nullable=False, index=True),
)
Table(
    "wechat_pending",
    _release,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("openid", String(128), nullable=False, index=True),
    Column("created_at", _stamp(), nullable=False),
    Column("payload", Text, nullable=False),
)


def m001_base_schema(conn: Connection) -> None:
    """Today's tables on a new database; on one from an earlier release, what it lacks of them.

    Earlier releases ran `create_all` and then two numbered steps recorded in `schema_version`:
    creating only missing tables and repeating those two steps (both idempotent) brings any of
    them to this schema without touching a row. `schema_version` then goes:
    `schema_migrations` records every step from here on.
    """
    _release.create_all(conn, checkfirst=True)
    _subscription_schedule_columns(conn)
    _wechat_message_owner(conn)
    conn.execute(text("DROP TABLE IF EXISTS schema_version"))


def _subscription_schedule_columns(conn: Connection) -> None:
    """Subscriptions from before 每月/每两周 schedules and pauses gain their four columns."""
    have = {c["name"] for c in inspect(conn).get_columns("subscriptions")}
    stamp = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    wanted = {
        "month_day": "INTEGER",
        "nth": "INTEGER",
        "phase": "INTEGER NOT NULL DEFAULT 0",
        "not_before": stamp,
    }
    for name, ddl in wanted.items():
        if name not in have:
            conn.execute(text(f"ALTER TABLE subscriptions ADD COLUMN {name} {ddl}"))


def _wechat_message_owner(conn: Connection) -> None:
    """Cached WeChat replies from before issue 9 gain the openid that /forget deletes them by."""
    columns = {c["name"] for c in inspect(conn).get_columns("wechat_messages")}
    if "openid" not in columns:
        conn.execute(text("ALTER TABLE wechat_messages ADD COLUMN openid VARCHAR(128)"))
    conn.execute(
        text("CREATE INDEX IF NOT EXISTS ix_wechat_messages_openid ON wechat_messages (openid)")
    )
