"""Retention: delete conversations whose last event is older than N days, from the tracker store itself.

    python -m serving.retention --days 90                  # embedded profile: var/trackers.db
    python -m serving.retention --days 90 --profile prod   # production: PostgreSQL from DB_* / var/prod/secrets.env
    python -m serving.retention --days 90 --dry-run        # count only

Default ``RETENTION_DAYS`` (90) when ``--days`` is not given. A conversation is deleted whole (all its events,
every session: the drafts live in its slots, so they go with it) once its newest event is older than the
cut-off; a conversation still in use keeps its history. Run it daily: cron (``15 3 * * * cd /srv/debt-coach
&& .venv/bin/python -m serving.retention --profile prod``) or the CronJob in deploy/k8s/retention-cronjob.yaml.
Rasa's tracker store has no expiry of its own (its events table keeps everything).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

DEFAULT_DAYS = 90
EVENTS = "events"  # Rasa's SQLTrackerStore table


def expired_query(dialect: str) -> str:
    return (f"SELECT sender_id FROM {EVENTS} GROUP BY sender_id HAVING MAX(timestamp) < "
            + ("%s" if dialect == "postgresql" else "?"))


def delete_expired(conn: Any, days: float, *, dialect: str, now: float | None = None,
                   dry_run: bool = False) -> list[str]:
    """Delete (or only list, ``dry_run``) the conversations whose newest event is older than ``days``; DB-API
    connection of sqlite3 or psycopg2. Returns their ids."""
    cutoff = (time.time() if now is None else now) - days * 86400
    cur = conn.cursor()
    cur.execute(expired_query(dialect), (cutoff,))
    senders = [row[0] for row in cur.fetchall()]
    if senders and not dry_run:
        mark = "%s" if dialect == "postgresql" else "?"
        for sender in senders:
            cur.execute(f"DELETE FROM {EVENTS} WHERE sender_id = {mark}", (sender,))
        conn.commit()
    return senders


def delete_conversation(conn: Any, sender_id: str, *, dialect: str) -> int:
    """Every stored event of one conversation (a borrower's or staff's deletion request); the count."""
    mark = "%s" if dialect == "postgresql" else "?"
    cur = conn.cursor()
    cur.execute(f"DELETE FROM {EVENTS} WHERE sender_id = {mark}", (sender_id,))
    conn.commit()
    return cur.rowcount


def connect(profile: str) -> tuple[Any, str]:
    from serving.servers import ROOT

    if profile == "embedded":
        import sqlite3

        path = ROOT / "var" / "trackers.db"
        if not path.exists():
            raise SystemExit(f"no tracker store at {path}")
        return sqlite3.connect(path), "sqlite"
    import psycopg2

    from serving.prod import DB_DATABASE, DB_USER, VAR, load_secrets

    secrets = load_secrets(VAR / "secrets.env") if not os.environ.get("DB_PASSWORD") else {}
    conn = psycopg2.connect(host=os.environ.get("DB_HOST", "127.0.0.1"),
                            port=int(os.environ.get("DB_PORT", os.environ.get("PROD_PG_PORT", "5433"))),
                            user=os.environ.get("DB_USER", DB_USER), dbname=os.environ.get("DB_DATABASE", DB_DATABASE),
                            password=os.environ.get("DB_PASSWORD") or secrets["DB_PASSWORD"], connect_timeout=10)
    return conn, "postgresql"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serving.retention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=float(os.environ.get("RETENTION_DAYS", DEFAULT_DAYS)))
    parser.add_argument("--profile", choices=["embedded", "prod"], default="embedded")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    if args.days <= 0:
        parser.error("--days must be positive")
    conn, dialect = connect(args.profile)
    try:
        senders = delete_expired(conn, args.days, dialect=dialect, dry_run=args.dry_run)
    finally:
        conn.close()
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {len(senders)} conversation(s) with no event in the last {args.days:g} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
