"""Imports every module that declares tables, so `Database.migrate` sees the whole schema."""

# Each store module declares its Table objects on bot.storage.db.metadata at import time.
# Add a line here when you add a store module.
import bot.storage.deliveries  # noqa: F401  (digests: delivery log)
import bot.storage.leases  # noqa: F401  (digests: fan-out lease)
import bot.storage.profiles  # noqa: F401  (assistant core: firm profiles)
import bot.storage.sessions  # noqa: F401  (assistant core: dialogue sessions)
import bot.storage.subscriptions  # noqa: F401  (digests: subscriptions)
import bot.storage.users  # noqa: F401  (assistant core: user profiles)
import bot.storage.wechat  # noqa: F401  (wechat channel: 48-hour window, MsgId dedupe, pending)
