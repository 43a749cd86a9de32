"""A throwaway PostgreSQL server on 127.0.0.1 for the test session (Debian's postgresql package)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests.fakes.processes import free_port

__all__ = ["PostgresServer", "find_pg_bin"]


def find_pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin that has initdb and postgres."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]),
        reverse=True,
    )
    for initdb in candidates:
        bin_dir = Path(initdb).parent
        if (bin_dir / "postgres").exists():
            return bin_dir
    return None


class PostgresServer:
    """initdb into a temp dir, run `postgres` on a free loopback port, hand out fresh databases."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="innobot-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._as_root = os.geteuid() == 0

    def _user(self) -> dict[str, object]:
        # initdb/postgres refuse to run as root: run them as the package's postgres user (not via
        # runuser, so signals reach the server itself and nothing is orphaned at shutdown).
        return (
            {"user": "postgres", "group": "postgres", "extra_groups": []} if self._as_root else {}
        )

    @property
    def admin_url(self) -> str:
        """URL of the maintenance database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self, timeout: float = 60.0) -> None:
        """Initialise and start the server; raises RuntimeError with the server log on failure."""
        if self._as_root:
            shutil.chown(self.root, user="postgres", group="postgres")
        subprocess.run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
            cwd=self.root,
            **self._user(),  # type: ignore[call-overload]
        )
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    str(self.bin_dir / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"unix_socket_directories={self.root}",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=200",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                **self._user(),  # type: ignore[call-overload]
            )
        deadline = time.monotonic() + timeout
        import psycopg

        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with psycopg.connect(
                    host="127.0.0.1",
                    port=self.port,
                    user="postgres",
                    dbname="postgres",
                    connect_timeout=2,
                ):
                    return
            except psycopg.OperationalError:
                time.sleep(0.2)
        tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        self.stop()
        raise RuntimeError(f"PostgreSQL did not start on port {self.port}:\n{tail}")

    def create_database(self) -> str:
        """A fresh empty schema in the shared test database; its URL pins search_path to it.

        A schema per test is much cheaper than CREATE DATABASE and just as isolated for our stores.
        """
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return f"{self.admin_url}?options=-csearch_path%3D{name}&application_name={name}"

    def drop_database(self, url: str) -> None:
        """Drop a test's schema, closing any connection a test left open."""
        import psycopg

        name = url.rsplit("application_name=", 1)[1]
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND application_name = %s",
                (name,),
            )
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def stop(self) -> None:
        """Fast shutdown, then remove the data directory."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown: disconnects lingering clients
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None
        shutil.rmtree(self.root, ignore_errors=True)
