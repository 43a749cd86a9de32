"""What one digest fan-out pass did, and the name it claims rows under."""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass

__all__ = ["RunReport", "new_holder_id"]


def new_holder_id() -> str:
    """host:pid:random — names one fan-out process in leases and claims (storage parses it)."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"


@dataclass
class RunReport:
    """What one `send_due` pass did (printed by `innobot digest run --json`)."""

    at: str
    holder: str
    lease: str = "acquired"  # "acquired" | "held_by_other"
    due: int = 0
    delivered: int = 0
    notices: int = 0
    empty: int = 0
    retry_scheduled: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    deferred: int = 0
    flood_waits: int = 0
    skipped_no_notifier: int = 0
    already_taken: int = 0
    recovered_uncertain: int = 0  # sends a crash cut off, found at the start of this run
    confirmed_after_crash: int = 0  # … that the channel's record shows as delivered
    resent_after_crash: int = 0  # … that demonstrably never went out: sent again this run
    uncertain: int = 0  # … that nobody can confirm: sent again with a note that it may repeat
    superseded_after_crash: int = 0  # … whose articles a later digest already carried: closed
    stopped_early: bool = False
    articles: int = 0
    compose_seconds: float = 0.0
    send_seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return asdict(self)
