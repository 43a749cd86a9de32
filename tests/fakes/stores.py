"""In-memory stores behind the core's ports (users, dialogue sessions): dicts, nothing more."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from bot.core.ports import SessionRecord, UserProfile

__all__ = ["MemoryDialogueSessions", "MemoryUserProfiles"]


class MemoryUserProfiles:
    """UserProfiles in a dict keyed by user_key."""

    def __init__(self) -> None:
        self.profiles: dict[str, UserProfile] = {}

    def get(self, user_key: str) -> UserProfile | None:
        return self.profiles.get(user_key)

    def ensure(self, user_key: str, channel: str, display_name: str | None = None) -> UserProfile:
        profile = self.profiles.get(user_key) or UserProfile(user_key, channel, display_name)
        if display_name and display_name != profile.display_name:
            profile = replace(profile, display_name=display_name)
        self.profiles[user_key] = profile
        return profile

    def update_profile(
        self, user_key: str, *, region: str | None = None, industry: str | None = None
    ) -> None:
        profile = self.profiles.get(user_key)
        if profile is None:  # like an UPDATE of a missing row: nothing to change
            return
        self.profiles[user_key] = replace(
            profile,
            region=profile.region if region is None else region,
            industry=profile.industry if industry is None else industry,
        )

    def forget_user(self, user_key: str) -> int:
        return 1 if self.profiles.pop(user_key, None) is not None else 0


class MemoryDialogueSessions:
    """DialogueSessions in a dict; states are deep-copied, as a JSON round trip would."""

    def __init__(self) -> None:
        self.sessions: dict[str, SessionRecord] = {}

    def load(self, user_key: str) -> SessionRecord | None:
        record = self.sessions.get(user_key)
        return None if record is None else replace(record, state=copy.deepcopy(record.state))

    def save(self, user_key: str, kind: str, state: dict[str, Any]) -> None:
        old = self.sessions.get(user_key)
        version = 1 if old is None else old.version + 1
        self.sessions[user_key] = SessionRecord(kind, copy.deepcopy(state), version)

    def delete(self, user_key: str) -> None:
        self.forget_user(user_key)

    def forget_user(self, user_key: str) -> int:
        return 1 if self.sessions.pop(user_key, None) is not None else 0
