"""The fan-out lease (one digest sender at a time across processes) and who holds it."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.storage.schema import leases_table

__all__ = ["acquire_lease", "holder_is_dead", "lease_holder", "release_lease"]


def holder_is_dead(holder: str) -> bool:
    """True when the holder is a process on this host that no longer exists (killed, crashed)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire_lease(engine: Engine, name: str, holder: str, *, now: datetime, ttl: float) -> bool:
    """Take or renew the named lease; a live holder's unexpired lease is never taken."""
    t = leases_table
    expires = now + timedelta(seconds=ttl)
    with engine.begin() as conn:
        row = conn.execute(select(t).where(t.c.name == name)).mappings().first()
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(t).values(
                            name=name, holder=holder, expires_at=expires, version=1
                        )
                    )
                return True
            except IntegrityError:
                return False
        free = (
            row["holder"] == holder or row["expires_at"] <= now or holder_is_dead(row["holder"])
        )
        if not free:
            return False
        result = conn.execute(
            update(t)
            .where(t.c.name == name, t.c.version == row["version"])
            .values(holder=holder, expires_at=expires, version=row["version"] + 1)
        )
        return result.rowcount == 1

def release_lease(engine: Engine, name: str, holder: str) -> None:
    """Give the lease up early (normal end of a fan-out)."""
    with engine.begin() as conn:
        conn.execute(
            delete(leases_table).where(
                leases_table.c.name == name, leases_table.c.holder == holder
            )
        )

def lease_holder(engine: Engine, name: str) -> str | None:
    """Who holds the lease now (expired or not), for reports."""
    with engine.connect() as conn:
        return conn.execute(
            select(leases_table.c.holder).where(leases_table.c.name == name)
        ).scalar()
