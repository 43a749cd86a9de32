"""Persistent stores (users, dialogue sessions, subscriptions, delivery log) behind small interfaces."""

from bot.storage.db import Database
from bot.storage.schema import metadata

__all__ = ["Database", "metadata"]
