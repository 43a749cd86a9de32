"""Identities on the web: a signed chat cookie, expiring admin sessions with a CSRF token each."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["AdminSession", "AdminSessions", "ChatCookies", "LoginThrottle", "csrf_ok"]


class ChatCookies:
    """The chat user's identity: a random id with its issue time, signed with the server secret."""

    def __init__(self, secret: bytes, max_age: float, now: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self.max_age = max_age
        self._now = now

    def issue(self) -> tuple[str, str]:
        """A new (user id, cookie value)."""
        user_id = secrets.token_urlsafe(16)
        issued = str(int(self._now()))
        return user_id, f"{user_id}.{issued}.{self._sign(user_id, issued)}"

    def read(self, value: str | None) -> str | None:
        """The user id of a genuine, unexpired cookie; None for a missing, forged or old one."""
        if not value or value.count(".") != 2:
            return None
        user_id, issued, signature = value.split(".")
        if not hmac.compare_digest(signature, self._sign(user_id, issued)):
            return None
        try:
            age = self._now() - int(issued)
        except ValueError:
            return None
        return user_id if 0 <= age <= self.max_age else None

    def _sign(self, user_id: str, issued: str) -> str:
        message = f"chat|{user_id}|{issued}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]


@dataclass
class AdminSession:
    """One administrator login: when it ends and the token its forms must echo."""

    expires: float
    csrf: str


class AdminSessions:
    """Server-side admin sessions: random cookie → session; they expire and never come back."""

    def __init__(self, lifetime: float, now: Callable[[], float] = time.time, limit: int = 200) -> None:
        self.lifetime = lifetime
        self._now = now
        self._limit = limit
        self._sessions: dict[str, AdminSession] = {}

    def open(self) -> tuple[str, AdminSession]:
        """A new session (the oldest is dropped past the limit)."""
        self._prune()
        if len(self._sessions) >= self._limit:
            self._sessions.pop(next(iter(self._sessions)))
        key = secrets.token_urlsafe(32)
        session = AdminSession(self._now() + self.lifetime, secrets.token_urlsafe(24))
        self._sessions[key] = session
        return key, session

    def get(self, key: str | None) -> AdminSession | None:
        """The live session behind a cookie, or None (unknown, forged or expired)."""
        if not key:
            return None
        session = self._sessions.get(key)
        if session is None:
            return None
        if session.expires <= self._now():
            self._sessions.pop(key, None)
            return None
        return session

    def close(self, key: str | None) -> None:
        """Log out."""
        if key:
            self._sessions.pop(key, None)

    def _prune(self) -> None:
        now = self._now()
        for key in [k for k, s in self._sessions.items() if s.expires <= now]:
            del self._sessions[key]


def csrf_ok(session: AdminSession, presented: str | None) -> bool:
    """Whether a form echoed its session's CSRF token."""
    return bool(presented) and hmac.compare_digest(session.csrf, presented or "")


class LoginThrottle:
    """Failed admin logins per address: after `attempts` failures, wait `lockout` seconds."""

    def __init__(
        self, attempts: int = 5, lockout: float = 60.0, now: Callable[[], float] = time.time
    ) -> None:
        self._attempts = attempts
        self._lockout = lockout
        self._now = now
        self._failures: dict[str, tuple[int, float]] = {}

    def wait(self, address: str) -> int:
        """Seconds this address must still wait (0 = may try)."""
        count, since = self._failures.get(address, (0, 0.0))
        if count < self._attempts:
            return 0
        left = since + self._lockout - self._now()
        if left <= 0:
            self._failures.pop(address, None)
            return 0
        return int(left) + 1

    def failed(self, address: str) -> None:
        """Count one failure."""
        if len(self._failures) > 10_000:
            self._failures.clear()
        count, _ = self._failures.get(address, (0, 0.0))
        self._failures[address] = (count + 1, self._now())

    def succeeded(self, address: str) -> None:
        """Forget the address's failures."""
        self._failures.pop(address, None)
