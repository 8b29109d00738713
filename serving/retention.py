"""Retention: delete conversations whose last event is older than N days, from the tracker store itself.

    python -m serving.retention --days 90                  # embedded profile: var/trackers.db
    python -m serving.retention --days 90 --profile prod   # production: PostgreSQL from DB_* / var/prod/secrets.env
    python -m serving.retention --days 90 --dry-run        # count only

Default ``RETENTION_DAYS`` (90) when ``--days`` is not given. A conversation is deleted whole (all its events,
every session: the drafts live in its slots, so they go with it) once its newest event is older than the
cut-off; a conversation still in use keeps its history. Run it daily: cron (``15 3 * * * cd /srv/debt-coach
&& .venv/bin/python -m serving.retention --profile prod``) or the CronJob in deploy/k8s/retention-cronjob.yaml.
Rasa's tracker store has no expiry of its own (its events table keeps everything).

A conversation is listed as idle, then deleted only if it is still idle at the moment of its deletion — the
check and the delete are one statement — and, in the production profile, under the conversation's lock in Rasa's
lock store (``AtomicRedisLockStore`` on Redis, built from deploy/endpoints.prod.yml exactly as Rasa builds it):
a borrower who comes back while retention runs is either deleted before their turn starts (the turn then begins a
new conversation) or waited for, and then kept (their newest event is fresh). Without the lock, a turn in flight
(tracker read before the delete, saved after it) would write its session back over the deletion. A conversation
whose lock cannot be had (its lock vanished, Redis refused) is skipped and left for the next run.

The embedded profile's lock store is Rasa's in-memory one, inside the Rasa process: a separate retention process
cannot take it, and an in-memory lock store of its own would guard nothing. What the two processes share is the
SQLite file, so there the check-and-delete statement (one write transaction, serialised with Rasa's writes) is the
guard: a conversation that saved a turn since the listing is kept. A turn already in flight at that instant for a
conversation idle for ``--days`` can still save its last session back after the delete; that borrower is back,
and a conversation in use keeps its history.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 90
EVENTS = "events"  # Rasa's SQLTrackerStore table


def expired_query(dialect: str) -> str:
    return (f"SELECT sender_id FROM {EVENTS} GROUP BY sender_id HAVING MAX(timestamp) < "
            + ("%s" if dialect == "postgresql" else "?"))


def delete_if_idle(conn: Any, sender_id: str, cutoff: float, *, dialect: str) -> bool:
    """Delete one conversation if its newest event is still older than ``cutoff``: the check and the delete in
    one statement, so a turn saved since the listing keeps it. True when it was deleted."""
    mark = "%s" if dialect == "postgresql" else "?"
    cur = conn.cursor()
    cur.execute(f"DELETE FROM {EVENTS} WHERE sender_id = {mark} AND "
                f"(SELECT MAX(timestamp) FROM {EVENTS} WHERE sender_id = {mark}) < {mark}",
                (sender_id, sender_id, cutoff))
    conn.commit()
    return cur.rowcount > 0


async def delete_locked(conn: Any, senders: list[str], cutoff: float, *, dialect: str, lock_store: Any,
                        lock_lifetime: float, poll: float = 0.05) -> list[str]:
    """``delete_if_idle`` for each conversation while holding its lock in Rasa's lock store (waits for a turn
    in progress; a lock that cannot be had skips the conversation). The deleted ids."""
    from rasa.core.lock_store import LockError

    deleted = []
    for sender in senders:
        try:
            async with lock_store.lock(sender, lock_lifetime=lock_lifetime, wait_time_in_seconds=poll):
                if delete_if_idle(conn, sender, cutoff, dialect=dialect):
                    deleted.append(sender)
        except LockError as err:
            logger.warning("retention: conversation %s skipped, its lock could not be had (%s); next run", sender,
                           err)
    return deleted


def delete_expired(conn: Any, days: float, *, dialect: str, now: float | None = None,
                   dry_run: bool = False, lock_store: Any = None, lock_lifetime: float | None = None) -> list[str]:
    """Delete (or only list, ``dry_run``) the conversations whose newest event is older than ``days``; DB-API
    connection of sqlite3 or psycopg2. With ``lock_store`` (Rasa's, the production profile) each under its
    conversation's lock. Returns the ids deleted (listed, for a dry run)."""
    cutoff = (time.time() if now is None else now) - days * 86400
    cur = conn.cursor()
    cur.execute(expired_query(dialect), (cutoff,))
    senders = [row[0] for row in cur.fetchall()]
    conn.commit()  # end the listing's transaction: each deletion below is its own
    if not senders or dry_run:
        return senders
    if lock_store is None:
        return [s for s in senders if delete_if_idle(conn, s, cutoff, dialect=dialect)]
    return asyncio.run(delete_locked(conn, senders, cutoff, dialect=dialect, lock_store=lock_store,
                                     lock_lifetime=lock_lifetime or ticket_lifetime()))


def ticket_lifetime() -> float:
    """Retention's ticket outlives a turn's (``TICKET_LOCK_LIFETIME``, which Rasa's turns use): waiting behind
    a turn that runs its whole lifetime, the ticket is still valid when its turn comes."""
    return 2 * float(os.environ.get("TICKET_LOCK_LIFETIME") or 60)


def prod_lock_store() -> Any:
    """Rasa's lock store of the production profile: the ``lock_store`` section of deploy/endpoints.prod.yml with
    its ${…} from the environment, made by Rasa's own factory (the same keys as the Rasa processes)."""
    import yaml
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    from serving.prod import ENDPOINTS, VAR, Ports, load_secrets

    if not os.environ.get("REDIS_PASSWORD"):
        os.environ["REDIS_PASSWORD"] = load_secrets(VAR / "secrets.env")["REDIS_PASSWORD"]
    os.environ.setdefault("REDIS_HOST", "127.0.0.1")
    os.environ.setdefault("REDIS_PORT", str(Ports.from_env().redis))
    os.environ.setdefault("REDIS_DB", "1")
    section = yaml.safe_load(ENDPOINTS.read_text(encoding="utf-8"))["lock_store"]
    values = {k: os.path.expandvars(v) if isinstance(v, str) else v for k, v in section.items()}
    unset = [v for v in values.values() if isinstance(v, str) and "${" in v]
    if unset:
        raise SystemExit(f"retention: set {', '.join(unset)} (the lock store's settings, {ENDPOINTS.name})")
    return LockStore.create(EndpointConfig.from_dict(values))


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
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA secure_delete=ON")  # deleted conversations overwritten, as the tracker store does
        return conn, "sqlite"
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
    # Production: each deletion under the conversation's lock in Redis. Embedded: Rasa's lock is in its own
    # process's memory, out of reach (see the module docstring).
    lock_store = prod_lock_store() if args.profile == "prod" and not args.dry_run else None
    try:
        senders = delete_expired(conn, args.days, dialect=dialect, dry_run=args.dry_run, lock_store=lock_store)
    finally:
        conn.close()
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {len(senders)} conversation(s) with no event in the last {args.days:g} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
