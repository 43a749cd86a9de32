"""Helpers for tests that start real processes: a child environment and a free local port."""

from __future__ import annotations

import os
import socket
from pathlib import Path

__all__ = ["child_env", "free_port"]


def child_env(tmp_path: Path, **values: str) -> dict[str, str]:
    """This process's environment minus every INNOBOT_* (a developer's settings must not leak into
    a child), with the data directory under tmp_path and the given INNOBOT_* values."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNOBOT_")}
    env["INNOBOT_DATA_DIR"] = str(tmp_path / "data")
    env.update(values)
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
