"""The tables the stores query, declared once; the migrations, not this module, create them.

Every store imports its tables from here and nothing here imports a store, so bot.storage has
no import cycle. A schema change is a new migration in bot.storage.migrations plus the matching
edit here; tests/storage/test_migrations.py fails when the two disagree.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect

__all__ = [
    "UtcDateTime",
    "deliveries_table",
    "dialogue_sessions",
    "firm_profiles",
    "leases_table",
    "metadata",
    "open_prompts",
    "subscriptions_table",
    "users",
    "wechat_calls",
    "wechat_messages",
    "wechat_pending",
    "wechat_users",
]

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002 - SQLAlchemy's signature
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# --- assistant core: user profiles, dialogue sessions, firm profiles ------------------------

users = Table(
    "users",
    metadata,
    Column("user_key", String(200), primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("display_name", String(200), nullable=True),
    Column("region", String(100), nullable=True),
    Column("industry", String(100), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

dialogue_sessions = Table(
    "dialogue_sessions",
    metadata,
    Column("user_key", String(200), primary_key=True),
    Column("kind", String(50), nullable=False),
    Column("state", Text, nullable=False),  # JSON; holds the figures typed so far (never logged)
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

firm_profiles = Table(
    "firm_profiles",
    metadata,
    Column("user_key", String(200), primary_key=True),
    Column("data", Text, nullable=False),  # FirmRecord JSON (figures and conversation context)
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

open_prompts = Table(
    "open_prompts",
    metadata,
    Column("user_key", String(200), primary_key=True),
    Column("scope", String(32), primary_key=True),  # who asked: "subscriptions", …
    Column("kind", String(32), nullable=False),  # "which", "confirm_all", "how_long", "flow", …
    Column("data", Text, nullable=False),  # the asker's own encoding (ids, choices so far)
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)

# --- digests: subscriptions, delivery log, fan-out lease -----------------------------------

subscriptions_table = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_key", String(200), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("user_id", String(160), nullable=False),
    Column("topics", Text, nullable=False, default="[]"),
    Column("regions", Text, nullable=False, default="[]"),
    Column("frequency", String(16), nullable=False),
    Column("weekday", Integer, nullable=True),
    Column("hour", Integer, nullable=False),
    Column("minute", Integer, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("quiet_start", String(5), nullable=True),
    Column("quiet_end", String(5), nullable=True),
    Column("notify_empty", Boolean, nullable=False, default=False),
    Column("month_day", Integer, nullable=True),
    Column("nth", Integer, nullable=True),
    Column("phase", Integer, nullable=False, default=0),
    Column("not_before", UtcDateTime, nullable=True),
    Column("active", Boolean, nullable=False, default=True, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("deactivated_at", UtcDateTime, nullable=True),
    Column("deactivated_reason", String(32), nullable=True),
    sqlite_autoincrement=True,  # ids are never reused: the delivery log keys on them
)

deliveries_table = Table(
    "digest_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, nullable=False, index=True),
    Column("user_key", String(200), nullable=False, index=True),
    Column("period_key", String(32), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("claimed_by", String(200), nullable=True),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("article_count", Integer, nullable=False, default=0),
    Column("watermark_to", UtcDateTime, nullable=True),
    Column("detail", String(200), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    UniqueConstraint("subscription_id", "period_key", name="uq_digest_delivery_period"),
    Index("ix_digest_deliveries_watermark", "subscription_id", "status", "watermark_to"),
    sqlite_autoincrement=True,
)

leases_table = Table(
    "digest_leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

# --- WeChat channel: 48-hour window, MsgId dedupe, replay protection, pending pushes --------

wechat_users = Table(
    "wechat_users",
    metadata,
    Column("openid", String(128), primary_key=True),
    Column("last_message_at", DateTime(timezone=True), nullable=True),
    Column("unsubscribed", Boolean, nullable=False, default=False),
    Column("choices", Text, nullable=True),  # the channel's JSON menu of the options shown last
)

wechat_messages = Table(
    "wechat_messages",
    metadata,
    Column("msg_key", String(200), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("reply_xml", Text, nullable=True),  # plaintext passive reply, served again on retry
    Column("openid", String(128), nullable=True, index=True),  # whose message: /forget deletes it
)

wechat_calls = Table(
    "wechat_calls",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("timestamp", String(16), primary_key=True),
    Column("body_hash", String(64), nullable=False),  # sha256 of the body: never the body itself
    Column("seen_at", DateTime(timezone=True), nullable=False, index=True),
)

wechat_pending = Table(
    "wechat_pending",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("openid", String(128), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("payload", Text, nullable=False),  # JSON list of {"text", "image_b64"}
)
