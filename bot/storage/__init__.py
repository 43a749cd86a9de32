"""Persistent stores (users, dialogue sessions, subscriptions, delivery log) behind small interfaces."""

from bot.storage.db import Database, metadata

__all__ = ["Database", "metadata"]
