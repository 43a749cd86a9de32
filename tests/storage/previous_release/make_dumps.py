"""Writes the previous release's databases as SQL dumps (run once, from a checkout of that release).

The upgrade tests load these dumps and run today's migrations over them, so they must come from
the OLD code: check out commit e873b0e (the last release before migrations became the only
schema), then, from that checkout, with a PostgreSQL bin dir on hand:

    PYTHONPATH=$PWD python tests/storage/previous_release/make_dumps.py OUT_DIR

It writes sqlite.sql (sqlite3's iterdump) and postgresql.sql (pg_dump --inserts, psql
meta-commands, the schema name and search_path stripped). Running it against newer code would
not test an upgrade. (At e873b0e SubscriptionDraft lived in bot.core.subscription_types; the
import below follows the later package move.)
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.core.firm.record import FirmRecord
from bot.core.subscriptions.types import SubscriptionDraft
from bot.storage import Database
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.profiles import SqlProfileStore
from bot.storage.sessions import SessionStore
from bot.storage.subscriptions import SqlSubscriptionStore
from bot.storage.users import UserStore
from bot.storage.wechat import WeChatStore
from tests.storage.postgres_server import PostgresServer, find_pg_bin

AT = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def fill(database: Database) -> None:
    """A few rows in every table, written through the release's own stores."""
    database.migrate()
    users = UserStore(database)
    users.ensure("telegram:1001", "telegram", "张经理")
    users.update_profile("telegram:1001", region="成都", industry="软件")
    users.ensure("wechat:oABC", "wechat")
    SessionStore(database).save("telegram:1001", "score", {"rule_set": "innovation", "step": 2})
    SqlProfileStore(database).save(
        "telegram:1001", FirmRecord().with_figures({"revenue": 1200.0}, "chat", now=AT)
    )
    subs = SqlSubscriptionStore(database)
    weekly = subs.add(
        SubscriptionDraft(topics=("加计扣除",), regions=("四川",)),
        user_key="telegram:1001", channel="telegram", user_id="1001", at=AT,
    )
    subs.add(
        SubscriptionDraft(frequency="monthly", month_day=-1, hour=8),
        user_key="wechat:oABC", channel="wechat", user_id="oABC", at=AT,
    )
    log = SqlDeliveryLog(database)
    log.claim(weekly.id, "telegram:1001", "2026-W47", holder="host:1", now=AT)
    log.acquire_lease("digests", "host:1", now=AT, ttl=60)
    wechat = WeChatStore(database)
    wechat.begin_message("oABC:1", "oABC", AT)
    wechat.save_reply("oABC:1", "<xml>ok</xml>")
    wechat.remember_call("nonce1", "1763627400", "ab" * 32, AT)
    wechat.add_pending("oABC", [{"text": "简报", "image_b64": ""}], AT)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "previous.db"
    path.unlink(missing_ok=True)
    database = Database(f"sqlite:///{path}")
    fill(database)
    database.dispose()
    with sqlite3.connect(path) as conn:
        (out / "sqlite.sql").write_text("\n".join(conn.iterdump()) + "\n", encoding="utf-8")
    path.unlink()
    bin_dir = find_pg_bin()
    assert bin_dir is not None, "needs Debian's postgresql package"
    server = PostgresServer(bin_dir)
    server.start()
    try:
        url = server.create_database()
        database = Database(url)
        fill(database)
        database.dispose()
        schema = url.rsplit("application_name=", 1)[1]
        dump = subprocess.run(
            [str(bin_dir / "pg_dump"), "--inserts", "--no-owner", "--no-privileges", "-n", schema,
             "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres", "postgres"],
            check=True, capture_output=True, text=True,
        ).stdout
    finally:
        server.stop()
    # unqualified names: the tests load it into their own schema (the URL pins search_path)
    lines = [
        line.replace(f"{schema}.", "") for line in dump.splitlines()
        if not line.startswith("\\") and "set_config('search_path'" not in line
        and not line.startswith("CREATE SCHEMA")
    ]
    (out / "postgresql.sql").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
