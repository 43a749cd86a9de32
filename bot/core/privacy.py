"""What logs may say about a user: a short hash, never the key, a name or a figure."""

from __future__ import annotations

import hashlib

__all__ = ["user_tag"]


def user_tag(user_key: str) -> str:
    """A short hash that identifies a user in logs without naming them."""
    return hashlib.sha256(user_key.encode("utf-8")).hexdigest()[:12]
