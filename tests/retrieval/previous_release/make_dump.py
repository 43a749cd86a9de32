"""Writes the previous release's corpus store as an SQL dump (run once, from that release's checkout).

From a checkout of commit e873b0e (the last release whose corpus store had no migrations):

    PYTHONPATH=$PWD python tests/retrieval/previous_release/make_dump.py OUT_DIR

Running it against newer code would not test an upgrade.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from retrieval.store import CorpusStore

AT = "2026-11-20T08:30:00.000000+00:00"


def main(out: Path) -> None:
    path = out / "corpus.sqlite3"
    path.unlink(missing_ok=True)
    store = CorpusStore(path)
    store.set_meta("pipeline", "v7")
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            ("d1", "简报第1期", None, "h-doc", "创新简报", "第1期", "科技局", "2026-11-01",
             "科技局", "upload", "研发费用加计扣除比例提高到100%。", AT),
        )
        conn.execute(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ("d1#1", "d1", 1, "加计扣除新规", "科技局", "创新简报", "第1期", "科技局",
             "2026-11-01", '["四川"]', '["加计扣除"]', "研发费用加计扣除比例提高到100%。",
             "h-art", AT, "briefing"),
        )
        conn.execute(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)",
            ("d1#1#0", "d1#1", 0, "研发费用加计扣除比例提高到100%。", "加计扣除新规 研发费用",
             "研发 费用 加计 扣除", "h-chunk"),
        )
        store.first_ingested(conn, "h-art")
    store.close()
    with sqlite3.connect(path) as conn:
        (out / "corpus.sql").write_text("\n".join(conn.iterdump()) + "\n", encoding="utf-8")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
