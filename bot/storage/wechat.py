"""WeChat channel state: last message per user (48-hour window), MsgId dedupe, pending pushes,
and the (nonce, timestamp) pairs of recent callbacks (replay protection shared by processes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.storage.db import Database
from bot.storage.schema import wechat_calls, wechat_messages, wechat_pending, wechat_users
from bot.storage.upsert import upsert

__all__ = ["MessageStart", "WeChatStore"]


@dataclass(frozen=True)
class MessageStart:
    """What begin_message found (bot.channels.wechat.state.MessageStart): first delivery or retry,
    and the user's saved state."""

    first: bool
    saved_reply: str | None = None
    choices: str | None = None  # opaque JSON written by the channel
    pending: list[list[dict[str, str]]] = field(default_factory=list)


def _decode_payloads(rows: Sequence[Any]) -> list[list[dict[str, str]]]:
    items: list[list[dict[str, str]]] = []
    for row in rows:
        try:
            items.append(json.loads(row.payload))
        except ValueError:
            continue
    return items


def _aware(value: datetime | None) -> datetime | None:
    """SQLite drops tzinfo; every stored time is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class WeChatStore:
    """The WeChat channel's WeChatState port (bot.channels.wechat.state) over the shared database;
    synchronous, the channel calls it through asyncio.to_thread."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine
        self._dialect = database.dialect
        self._touch = upsert(
            database.dialect,
            wechat_users,
            key=("openid",),
            update=("last_message_at", "unsubscribed"),  # the menu shown last stays
        )

    # --- 48-hour window ------------------------------------------------------------------

    def touch_user(self, openid: str, at: datetime) -> None:
        """Record that the user just wrote to us (opens the customer-service window)."""
        with self._engine.begin() as conn:
            conn.execute(
                self._touch, {"openid": openid, "last_message_at": at, "unsubscribed": False}
            )

    def last_message_at(self, openid: str) -> datetime | None:
        """When the user last wrote to us, or None if never."""
        with self._engine.connect() as conn:
            value = conn.execute(
                select(wechat_users.c.last_message_at).where(wechat_users.c.openid == openid)
            ).scalar_one_or_none()
        return _aware(value)

    def mark_unsubscribed(self, openid: str) -> None:
        """The user unfollowed the account: no pushes until they follow again."""
        with self._engine.begin() as conn:
            done = conn.execute(
                update(wechat_users)
                .where(wechat_users.c.openid == openid)
                .values(unsubscribed=True)
            )
            if done.rowcount == 0:
                conn.execute(insert(wechat_users).values(openid=openid, unsubscribed=True))

    def is_unsubscribed(self, openid: str) -> bool:
        """True after an unsubscribe event and before the next follow or message."""
        with self._engine.connect() as conn:
            value = conn.execute(
                select(wechat_users.c.unsubscribed).where(wechat_users.c.openid == openid)
            ).scalar_one_or_none()
        return bool(value)

    # --- numbered choices ------------------------------------------------------------------

    def set_choices(self, openid: str, payload: str | None) -> None:
        """Remember the options just shown (the channel's JSON), or forget them with None."""
        with self._engine.begin() as conn:
            conn.execute(
                update(wechat_users).where(wechat_users.c.openid == openid).values(choices=payload)
            )

    def get_choices(self, openid: str) -> str | None:
        """The options shown last, as the channel stored them."""
        with self._engine.connect() as conn:
            return conn.execute(
                select(wechat_users.c.choices).where(wechat_users.c.openid == openid)
            ).scalar_one_or_none()

    # --- one round trip per message ---------------------------------------------------------

    def begin_message(
        self, msg_key: str, openid: str, at: datetime, *, touch: bool = True
    ) -> MessageStart:
        """Claim msg_key, open the user's window and take what waits for them, in one transaction.

        A retry (msg_key already claimed) changes nothing and gets the saved passive reply.
        """
        with self._engine.begin() as conn:
            if not self._claim(conn, msg_key, at, openid):
                saved = conn.execute(
                    select(wechat_messages.c.reply_xml).where(wechat_messages.c.msg_key == msg_key)
                ).scalar_one_or_none()
                return MessageStart(first=False, saved_reply=saved)
            row = conn.execute(
                select(wechat_users.c.choices).where(wechat_users.c.openid == openid)
            ).first()
            if touch:
                if row is None:
                    conn.execute(
                        insert(wechat_users).values(
                            openid=openid, last_message_at=at, unsubscribed=False
                        )
                    )
                else:
                    conn.execute(
                        update(wechat_users)
                        .where(wechat_users.c.openid == openid)
                        .values(last_message_at=at, unsubscribed=False)
                    )
            pending_rows: Sequence[Any] = []
            if touch:  # only a real interaction opens the window the queue needs
                pending_rows = conn.execute(
                    select(wechat_pending.c.id, wechat_pending.c.payload)
                    .where(wechat_pending.c.openid == openid)
                    .order_by(wechat_pending.c.id)
                    .with_for_update(skip_locked=True)  # PostgreSQL: two messages, one flush
                ).all()
            if pending_rows:
                conn.execute(
                    delete(wechat_pending).where(
                        wechat_pending.c.id.in_([r.id for r in pending_rows])
                    )
                )
        return MessageStart(
            first=True,
            choices=row.choices if row is not None else None,
            pending=_decode_payloads(pending_rows),
        )

    def finish_message(
        self,
        msg_key: str,
        reply_xml: str | None,
        openid: str,
        choices: str | None,
        *,
        update_choices: bool = True,
    ) -> None:
        """Save the passive reply (for retries) and the options shown, together."""
        with self._engine.begin() as conn:
            if reply_xml is not None:
                conn.execute(
                    update(wechat_messages)
                    .where(wechat_messages.c.msg_key == msg_key)
                    .values(reply_xml=reply_xml)
                )
            if update_choices:
                conn.execute(
                    update(wechat_users)
                    .where(wechat_users.c.openid == openid)
                    .values(choices=choices)
                )

    # --- MsgId dedupe -----------------------------------------------------------------------

    def claim_message(self, msg_key: str, at: datetime) -> bool:
        """True for the first delivery of msg_key; False for WeChat's retries of it."""
        with self._engine.begin() as conn:
            return self._claim(conn, msg_key, at)

    def _claim(
        self, conn: Connection, msg_key: str, at: datetime, openid: str | None = None
    ) -> bool:
        """INSERT … ON CONFLICT DO NOTHING: atomic across processes, no savepoint needed."""
        values = {"msg_key": msg_key, "received_at": at, "openid": openid}
        return self._insert_new(conn, wechat_messages, values)

    def _insert_new(self, conn: Connection, table: Table, values: dict[str, Any]) -> bool:
        """Insert unless the primary key exists; True when this call inserted the row."""
        if self._dialect == "postgresql":
            stmt: Any = pg_insert(table).values(**values).on_conflict_do_nothing()
        elif self._dialect == "sqlite":
            stmt = sqlite_insert(table).values(**values).on_conflict_do_nothing()
        else:  # pragma: no cover - other databases: fall back to a savepoint
            try:
                with conn.begin_nested():
                    conn.execute(insert(table).values(**values))
            except IntegrityError:
                return False
            return True
        key = next(iter(table.primary_key.columns))
        return conn.execute(stmt.returning(key)).first() is not None

    # --- replay protection ------------------------------------------------------------------

    def remember_call(self, nonce: str, timestamp: str, body_hash: str, at: datetime) -> bool:
        """Record a signed call's (nonce, timestamp); False when the pair came with another body.

        The same pair with the same body is WeChat retrying (the MsgId dedupe answers it from
        the cache); the same pair with a different body is someone replaying a seen signature.
        """
        values = {"nonce": nonce, "timestamp": timestamp, "body_hash": body_hash, "seen_at": at}
        with self._engine.begin() as conn:
            if self._insert_new(conn, wechat_calls, values):
                return True
            seen = conn.execute(
                select(wechat_calls.c.body_hash).where(
                    wechat_calls.c.nonce == nonce, wechat_calls.c.timestamp == timestamp
                )
            ).scalar_one_or_none()
        return seen == body_hash

    def prune_calls(self, before: datetime) -> int:
        """Forget (nonce, timestamp) pairs older than the timestamp window: they are refused anyway."""
        with self._engine.begin() as conn:
            done = conn.execute(delete(wechat_calls).where(wechat_calls.c.seen_at < before))
        return int(done.rowcount or 0)

    def prune_replies(self, before: datetime) -> int:
        """Drop cached passive replies (they may hold figures) once WeChat stops retrying."""
        with self._engine.begin() as conn:
            done = conn.execute(
                update(wechat_messages)
                .where(
                    wechat_messages.c.received_at < before, wechat_messages.c.reply_xml.is_not(None)
                )
                .values(reply_xml=None)
            )
        return int(done.rowcount or 0)

    def save_reply(self, msg_key: str, reply_xml: str) -> None:
        """Keep the passive reply so a retry of the same message gets the same answer."""
        with self._engine.begin() as conn:
            conn.execute(
                update(wechat_messages)
                .where(wechat_messages.c.msg_key == msg_key)
                .values(reply_xml=reply_xml)
            )

    def saved_reply(self, msg_key: str) -> str | None:
        """The passive reply given to the first delivery, if it was ready in time."""
        with self._engine.connect() as conn:
            return conn.execute(
                select(wechat_messages.c.reply_xml).where(wechat_messages.c.msg_key == msg_key)
            ).scalar_one_or_none()

    def prune_messages(self, before: datetime) -> int:
        """Forget dedupe keys older than WeChat's retry horizon."""
        with self._engine.begin() as conn:
            done = conn.execute(
                delete(wechat_messages).where(wechat_messages.c.received_at < before)
            )
        return int(done.rowcount or 0)

    # --- pending pushes ----------------------------------------------------------------------

    def add_pending(
        self,
        openid: str,
        payload: list[dict[str, str]],
        at: datetime,
        *,
        known_only: bool = False,
    ) -> bool:
        """Queue messages that could not be pushed now (outside the 48-hour window).

        known_only: queue only while the user still has a row (a push that started before
        /forget must not bring the user's figures back after it); False when nothing was queued.
        """
        with self._engine.begin() as conn:
            if known_only:
                known = conn.execute(
                    select(wechat_users.c.openid).where(wechat_users.c.openid == openid)
                ).first()
                if known is None:
                    return False
            conn.execute(
                insert(wechat_pending).values(
                    openid=openid, created_at=at, payload=json.dumps(payload, ensure_ascii=False)
                )
            )
        return True

    def take_pending(self, openid: str) -> list[list[dict[str, str]]]:
        """Remove and return the user's queued items, oldest first."""
        with self._engine.begin() as conn:
            rows = conn.execute(
                select(wechat_pending.c.id, wechat_pending.c.payload)
                .where(wechat_pending.c.openid == openid)
                .order_by(wechat_pending.c.id)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return []
            conn.execute(
                delete(wechat_pending).where(wechat_pending.c.id.in_([r.id for r in rows]))
            )
        return _decode_payloads(rows)

    def count_pending(self, openid: str) -> int:
        """How many items wait for the user's next message."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(wechat_pending.c.id).where(wechat_pending.c.openid == openid)
            ).all()
        return len(rows)

    def prune_pending(self, before: datetime) -> int:
        """Drop queued items too old to matter."""
        with self._engine.begin() as conn:
            done = conn.execute(delete(wechat_pending).where(wechat_pending.c.created_at < before))
        return int(done.rowcount or 0)

    # --- Forgettable ----------------------------------------------------------------------------

    def forget_user(self, user_key: str) -> int:
        """Delete what we keep about a WeChat user ("wechat:<openid>" or a bare OpenID)."""
        openid = user_key.split(":", 1)[1] if user_key.startswith("wechat:") else user_key
        if ":" in user_key and not user_key.startswith("wechat:"):
            return 0
        with self._engine.begin() as conn:
            return self.forget_in(conn, openid)

    @staticmethod
    def forget_in(conn: Connection, openid: str) -> int:
        """Delete the user's queue, window state and cached replies inside the caller's transaction."""
        gone = conn.execute(delete(wechat_pending).where(wechat_pending.c.openid == openid))
        users = conn.execute(delete(wechat_users).where(wechat_users.c.openid == openid))
        messages = conn.execute(
            delete(wechat_messages).where(
                (wechat_messages.c.openid == openid)
                | wechat_messages.c.msg_key.startswith(f"e:{openid}:", autoescape=True)
            )
        )
        return int(gone.rowcount or 0) + int(users.rowcount or 0) + int(messages.rowcount or 0)
