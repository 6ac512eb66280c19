"""Erasure past the DELETE: every process drops erased people from memory, and on PostgreSQL the
tables that held them are rewritten off the request path, so their rows leave the files."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Protocol

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from matcher.features.skills import forget_credits
from matcher.reading.vocabulary import default_vocabulary
from service import store
from service.db import checkpoint_sqlite
from service.tables import Base, CandidateRow

logger = logging.getLogger("service.erasure")

PEOPLE_TABLES: tuple[str, ...] = (
    CandidateRow.__tablename__,
    *sorted(
        table.name
        for table in Base.metadata.sorted_tables
        if any(fk.column.table.name == CandidateRow.__tablename__ for fk in table.foreign_keys)
    ),
)
"""Every table that holds a person: the profile, and each table whose rows belong to one
(applications with their notes, stage history, follow-ups with their notes, ...): derived from
the foreign keys, so a new table of a person's is rewritten too."""
POLL_SECONDS = 0.25
"""How often each process compares the erasure counter with the one it last saw."""
SETTLE_SECONDS = 10.0
"""How long after an erasure the caches are checked again: a request that read the person just
before the erasure committed may put them back in a cache when it finishes."""
LOCK_TIMEOUT_MS = 100
"""The longest a rewrite waits for its table's lock, so requests queue behind it no longer."""
_LOCK_NOT_AVAILABLE = "55P03"


class _Stopped(Exception):
    """The process is stopping before the rewrite could start."""


class HoldsPeople(Protocol):
    """A cache that keeps people, by id."""

    def held(self) -> set[str]: ...

    def forget(self, candidate_id: str) -> None: ...


class Erasures:
    """Keeps this process's caches free of erased people and, on PostgreSQL, the files too.

    Memory: the erasing process forgets the person at once (`erased`); every process compares
    `service_state.erasures` with the value it last saw, every `poll_seconds`, and when it moved
    drops the people its caches hold who are no longer in the database.

    Files: a DELETE in PostgreSQL only marks the row dead; its bytes stay in the table's pages
    (and indexes, and TOAST) until the space is reused, and `VACUUM` does not overwrite them
    (measured). `VACUUM FULL` writes each table anew and drops the old file. It takes an
    ACCESS EXCLUSIVE lock, so it runs here, in a thread of its own, never in a request: it waits
    until every transaction older than the erasure has ended (their snapshots would keep the dead
    rows alive through the rewrite), then rewrites one table at a time, waiting at most
    `lock_timeout_ms` for each lock and retrying later, so requests never queue long behind it
    and it cannot deadlock with a request's transaction (it holds one table's lock at a time).
    """

    def __init__(
        self,
        db: Engine,
        caches: Sequence[HoldsPeople],
        *,
        poll_seconds: float = POLL_SECONDS,
        settle_seconds: float = SETTLE_SECONDS,
        lock_timeout_ms: int = LOCK_TIMEOUT_MS,
    ) -> None:
        self.db = db
        self.caches = tuple(caches)
        self.poll_seconds = poll_seconds
        self.settle_seconds = settle_seconds
        self.lock_timeout_ms = lock_timeout_ms
        self._sessions: sessionmaker[Session] = sessionmaker(db)
        self._stopping = threading.Event()
        self._due = threading.Event()
        self._progress = threading.Condition()
        self._requested = 0
        self._seen = 0
        self._rewritten = 0
        self._threads = [
            threading.Thread(target=self._watch, name="erasure-watch", daemon=True),
            threading.Thread(target=self._rewrite_when_due, name="erasure-rewrite", daemon=True),
        ]

    # ------------------------------------------------------------ the public side

    def start(self) -> None:
        """Watch the counter, and rewrite once now: a process killed between an erasure and its
        rewrite left the rows in the files."""
        with self._sessions() as session:
            self._seen = store.erasure_count(session)  # before any request can erase someone
        self._request_rewrite()
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish a rewrite that is due (within `timeout`), then stop watching."""
        self._stopping.set()
        self._due.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def erased(self, candidate_id: str) -> None:
        """Called once the erasure is committed: forget the person here now, rewrite soon."""
        self._forget({candidate_id})
        self._request_rewrite()

    def wait_rewritten(self, timeout: float) -> bool:
        """Wait until every erasure asked for so far is out of the table files; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._progress:
            target = self._requested
            while self._rewritten < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._progress.wait(left)
            return True

    # ------------------------------------------------------------ memory

    def _forget(self, ids: set[str]) -> None:
        for cache in self.caches:
            for candidate_id in ids:
                cache.forget(candidate_id)
        _forget_phrases()

    def _sweep(self) -> None:
        held: set[str] = set().union(*(cache.held() for cache in self.caches))
        if not held:
            return
        with self._sessions() as session:
            gone = held - store.existing_candidate_ids(session, ids=held)
        if gone:
            self._forget(gone)

    def _watch(self) -> None:
        seen = self._seen
        settle_until: float | None = None
        while not self._stopping.wait(self.poll_seconds):
            try:
                with self._sessions() as session:
                    count = store.erasure_count(session)
                if count != seen:
                    # Phrases may have been read from the person by this process even if no
                    # cache here keeps them now.
                    _forget_phrases()
                    settle_until = time.monotonic() + self.settle_seconds
                seen = count
                if settle_until is not None:
                    self._sweep()
                    if time.monotonic() >= settle_until:
                        _forget_phrases()  # what a request in flight at the erasure read
                        settle_until = None
            except Exception as error:  # the database may be restarting: try again next time
                logger.warning("erasure watch failed (%s); retrying", type(error).__name__)

    # ------------------------------------------------------------ files

    def _request_rewrite(self) -> None:
        with self._progress:
            self._requested += 1
        self._due.set()

    def _rewrite_when_due(self) -> None:
        delay = 0.5
        while True:
            self._due.wait()
            self._due.clear()  # before reading the target: a later erasure sets it again
            with self._progress:
                target = self._requested
            if self._rewritten >= target and self._stopping.is_set():
                return
            try:
                self._rewrite()
            except _Stopped:
                return
            except Exception as error:  # the database may be down: the rows wait, so do we
                logger.warning("erasure rewrite failed (%s); retrying", type(error).__name__)
                self._due.set()
                if self._stopping.wait(delay):
                    return
                delay = min(delay * 2, 30.0)
                continue
            delay = 0.5
            with self._progress:
                self._rewritten = max(self._rewritten, target)
                self._progress.notify_all()

    def _rewrite(self) -> None:
        if self.db.dialect.name != "postgresql":
            checkpoint_sqlite(self.db)  # secure_delete already overwrote the rows in the file
            return
        # VACUUM cannot run inside a transaction.
        with self.db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            self._wait_for_older_transactions(connection)
            # A session setting: it would outlive this pass on the pooled connection and give
            # some later request a 100 ms lock timeout (seen as a 503), unless reset.
            connection.execute(text(f"SET lock_timeout = {int(self.lock_timeout_ms)}"))
            try:
                self._rewrite_tables(connection)
            except BaseException:
                connection.invalidate()  # whatever state it is in, it is not reused
                raise
            connection.execute(text("RESET lock_timeout"))

    def _rewrite_tables(self, connection: Connection) -> None:
        left = list(PEOPLE_TABLES)
        delay = 0.05
        while left:
            try:
                connection.execute(text(f"VACUUM FULL {left[0]}"))
            except DBAPIError as error:
                if getattr(error.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                    raise
                if self._stopping.is_set():
                    raise _Stopped from None
                # Busy table: let the queued requests through, then try again.
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 2.0)
                continue
            left.pop(0)

    def _wait_for_older_transactions(self, connection: Connection) -> None:
        """Until no transaction in this database began before now: a snapshot from before the
        erasure makes the rewrite copy the dead rows into the new file."""
        now: datetime = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
        older = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND xact_start < :now"
            " AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)"
        )
        waited, pause = 0.0, 0.02
        while connection.execute(older, {"now": now}).scalar_one():
            if self._stopping.is_set():
                raise _Stopped  # the next start rewrites the tables
            if waited >= 60 and waited - pause < 60:
                logger.warning("erasure rewrite waits for a transaction open over a minute")
            time.sleep(pause)
            waited += pause
            pause = min(pause * 2, 1.0)


def _forget_phrases() -> None:
    """The phrases people wrote (skills, occupations) are remembered by their text, not by whose
    they are, in the vocabulary's readings and the skills' shared credits: forget them all
    (measured: shortlists are no slower afterwards)."""
    default_vocabulary().forget_readings()
    forget_credits()


async def get_erasures(request: Request) -> Erasures:
    erasures: Erasures = request.app.state.erasures
    return erasures


ErasuresDep = Annotated[Erasures, Depends(get_erasures)]
