"""The stores of the production profile (`make run-prod`, serving/prod.py): several Rasa processes share one
PostgreSQL tracker store and one Redis lock store.

- ``AtomicRedisLockStore`` (endpoints: ``lock_store: type: serving.stores.AtomicRedisLockStore``): Rasa 3.6's
  ``RedisLockStore`` reads a conversation's ticket lock, changes it in Python and writes it back; two processes
  doing that at once for one conversation each overwrite the other's ticket and both go ahead
  (RasaHQ/rasa#9213; the fix, ``ConcurrentRedisLockStore``, is Rasa Pro only). Here every change of a lock
  (issue a ticket, drop expired ones, finish, clean up) is one optimistic transaction (``WATCH`` / ``MULTI``,
  retried when another process changed the key in between), so a ticket is never lost and two processes never
  serve one conversation at the same time. Waiting is polled every ``poll`` seconds (Rasa: 1 s).
  Redis unreachable: the turn fails with Rasa's ``LockError`` (the channel answers with its error message);
  nothing is processed without the lock, nothing is stored, and the next turn works once Redis is back.
- ``ResilientSQLTrackerStore`` (``tracker_store: type: serving.stores.ResilientSQLTrackerStore``): Rasa's
  ``SQLTrackerStore`` with connections checked before use (``pool_pre_ping``: after a database restart the
  pool's dead connections are replaced instead of failing one turn each) and a short retry of a read or write
  that fails on a lost connection (``retries`` × ``retry_wait`` seconds, waiting without blocking the event
  loop). A write is safe to retry: it stores only the events the database does not have yet, in one
  transaction. When the database stays down the error goes up, and ``serving.patches.strict_tracker_store``
  makes sure Rasa then fails the turn instead of starting an empty conversation.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Awaitable, Callable, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_POLL = 0.05
MAX_WATCH_RETRIES = 100


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose lock changes are atomic across processes (see the module docstring)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        options = dict(endpoint_config.kwargs) if endpoint_config else {}
        options.update(kwargs)
        self.poll = float(options.pop("poll", DEFAULT_POLL))
        host = (endpoint_config.url if endpoint_config else None) or options.pop("host", "localhost")
        options.pop("host", None)
        super().__init__(host=host, **options)

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]
                ) -> T:
        """Apply ``change`` to the stored lock in one transaction: it gets the lock (or None) and returns the
        lock to store (None: delete the key) and a result."""
        import redis

        key = self._key(conversation_id)
        with self.red.pipeline() as pipe:
            for _ in range(MAX_WATCH_RETRIES):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is None or not new.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
                finally:
                    pipe.reset()
        raise LockError(f"lock of conversation '{conversation_id}' kept changing under {MAX_WATCH_RETRIES} tries")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except LockError:
            raise
        except Exception as e:  # Redis down: Rasa's own message, the turn fails before anything is processed
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket; the key goes when nobody else waits (one step: no waiter's ticket is lost)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except Exception:  # Redis gone mid-turn: the ticket expires by itself
            logger.warning("could not release the lock of %s; it expires after its lifetime", conversation_id)

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime, min(wait_time_in_seconds, self.poll)) as lock:
            yield lock


def _is_connection_error(error: BaseException) -> bool:
    import sqlalchemy.exc

    return isinstance(error, (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)) or (
        isinstance(error, sqlalchemy.exc.DBAPIError) and bool(error.connection_invalidated))


class ResilientSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that survives a database restart (see the module docstring)."""

    def __init__(self, *args: Any, retries: int = 6, retry_wait: float = 0.5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        import sqlalchemy as sa
        from rasa.core.tracker_store import create_engine_kwargs

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.retries = int(retries)
        self.retry_wait = float(retry_wait)

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(self.retries + 1):
            try:
                return await call()
            except Exception as error:
                if attempt >= self.retries or not _is_connection_error(error):
                    raise
                logger.warning("tracker store %s failed (%s); retry %d of %d", what,
                               type(error).__name__, attempt + 1, self.retries)
                self.engine.dispose()
                await asyncio.sleep(self.retry_wait * (attempt + 1))
        raise AssertionError("unreachable")

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._retrying("read", lambda: SQLTrackerStore.retrieve(self, sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._retrying("read", lambda: SQLTrackerStore.retrieve_full_tracker(self, conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._retrying("write", lambda: SQLTrackerStore.save(self, tracker))

    async def keys(self) -> Any:
        return await self._retrying("keys", lambda: SQLTrackerStore.keys(self))
