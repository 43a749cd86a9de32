"""Imports every module that declares tables, so `Database.migrate` sees the whole schema."""

# Each store module declares its Table objects on bot.storage.db.metadata at import time.
# Add a line here when you add a store module.
import bot.storage.sessions  # noqa: F401  (assistant core: dialogue sessions)
import bot.storage.users  # noqa: F401  (assistant core: user profiles)
