"""The fitted engine each process holds, refitted when the database's catalog is newer than it,
and the people it has validated, validated again when their stored data changes."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy.orm import Session

from matcher import Candidate, Engine, Vacancy
from service import store


@dataclass(frozen=True)
class Fitted:
    """An engine fitted on the open vacancies as of `catalog_version`, with those weights."""

    engine: Engine
    catalog_version: int
    weights_version: int

    def covers(self, catalog_version: int, weights_version: int) -> bool:
        return self.catalog_version >= catalog_version and self.weights_version >= weights_version


class Catalog:
    """Gives every request an engine at least as new as the database was when the request asked.

    The database's `catalog_version` moves in the same transaction as every vacancy write, and
    `weights_version` with every weights change; comparing them costs one small query per
    shortlist and is correct across processes. Refitting happens under a lock, once.
    """

    def __init__(self, *, concurrent_scoring: int = 2) -> None:
        self._lock = threading.Lock()
        # Scoring is CPU work under the GIL: more threads at it than cores only make every
        # request slower (measured: 32 at once gave half the throughput of one at a time).
        self.scoring = threading.BoundedSemaphore(concurrent_scoring)
        # Candidate shortlists wait for one of these few threads rather than all taking one of
        # the pool's forty: 32 threads taking turns at the GIL halved the requests per second.
        self.shortlist_threads = anyio.CapacityLimiter(2 * concurrent_scoring)
        self._fitted: Fitted | None = None
        self._parsed: dict[str, tuple[int, Vacancy]] = {}
        self._people: dict[str, tuple[str, Candidate]] = {}
        self._people_lock = threading.Lock()

    def current(self, session: Session) -> Fitted:
        catalog_version, weights_version = store.versions(session)
        fitted = self._fitted
        if fitted is not None and fitted.covers(catalog_version, weights_version):
            return fitted
        with self._lock:
            fitted = self._fitted
            if fitted is not None and fitted.covers(catalog_version, weights_version):
                return fitted
            # Newest counters, read before the rows: the rows are then at least this new.
            catalog_version, weights_version = store.versions(session)
            weights = store.get_weights(session, version=weights_version).weights
            if fitted is not None and fitted.catalog_version >= catalog_version:
                engine = fitted.engine.with_weights(weights)
                catalog_version = fitted.catalog_version
            else:
                engine = Engine(weights).fit(self._open_vacancies(session))
            self._fitted = Fitted(engine, catalog_version, weights_version)
            return self._fitted

    def _open_vacancies(self, session: Session) -> list[Vacancy]:
        """The open vacancies, validating only rows changed since the last fit."""
        parsed: dict[str, tuple[int, Vacancy]] = {}
        for ident, revision, data in store.open_vacancy_rows(session):
            known = self._parsed.get(ident)
            if known is not None and known[0] == revision:
                parsed[ident] = known
            else:
                parsed[ident] = (revision, Vacancy.model_validate(data))
        self._parsed = parsed
        return [vacancy for _, vacancy in parsed.values()]

    def candidates_at(self, session: Session, *, stages: Sequence[str]) -> list[Candidate]:
        """The people at these stages, in id order, validating only those whose stored JSON
        changed since this process last read them (validating 290 people took 17 ms a request).

        Everyone's row is read, so a person erased by any process is dropped from memory here
        too, at the latest on the next call.
        """
        rows = store.candidate_texts(session)
        with self._people_lock:
            known = self._people
            people = {
                ident: (text, known[ident][1])
                if ident in known and known[ident][0] == text
                else (text, Candidate.model_validate_json(text))
                for ident, _, text in rows
            }
            self._people = people
        wanted = set(stages)
        return [people[ident][1] for ident, stage, _ in rows if stage in wanted]

    def forget(self, candidate_id: str) -> None:
        """Drop an erased person from memory now, not at the next call."""
        with self._people_lock:
            self._people.pop(candidate_id, None)

    def holds(self, candidate_id: str) -> bool:
        """Whether this process keeps the person's validated profile."""
        return candidate_id in self._people

    def held(self) -> set[str]:
        """The ids of the people kept in memory."""
        with self._people_lock:
            return set(self._people)


class ShortlistCache:
    """Rendered shortlists keyed by everything they depend on, so a hit is never stale.

    The key holds a digest of the candidate's stored data, the catalog and weights versions the
    engine was fitted at, and the query; erasing a person drops their entries at once.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[Any, ...], tuple[str, bytes]] = OrderedDict()

    @staticmethod
    def key(stored: str, fitted: Fitted, *query: Any) -> tuple[Any, ...]:
        """`stored` is the person's JSON text as the database holds it."""
        digest = hashlib.blake2b(stored.encode(), digest_size=16).digest()
        return (digest, fitted.catalog_version, fitted.weights_version, *query)

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        if self.size == 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: tuple[Any, ...], candidate_id: str, body: bytes) -> None:
        if self.size == 0:
            return
        with self._lock:
            self._entries[key] = (candidate_id, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, candidate_id: str) -> None:
        with self._lock:
            for key in [k for k, (owner, _) in self._entries.items() if owner == candidate_id]:
                del self._entries[key]

    def holds(self, candidate_id: str) -> bool:
        """Whether a shortlist of this person is kept."""
        with self._lock:
            return any(owner == candidate_id for owner, _ in self._entries.values())

    def held(self) -> set[str]:
        """The ids of the people with a shortlist kept."""
        with self._lock:
            return {owner for owner, _ in self._entries.values()}
