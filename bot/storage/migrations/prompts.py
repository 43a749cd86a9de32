"""m002: the open follow-up questions ("哪一个？", 确认/取消, "暂停多久？") move from memory to a table.

A frozen copy on its own MetaData, like m001: bot.storage.schema may move on, this must not.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text
from sqlalchemy.engine import Connection

__all__ = ["m002_open_prompts"]

_step = MetaData()

Table(
    "open_prompts",
    _step,
    Column("user_key", String(200), primary_key=True),
    Column("scope", String(32), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("data", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)


def m002_open_prompts(conn: Connection) -> None:
    """Create open_prompts (a restart or a second worker still reads the answer to our question)."""
    _step.create_all(conn, checkfirst=True)
