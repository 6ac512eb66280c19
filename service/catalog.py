"""The fitted engine each process holds, brought up to the database's catalog by splicing in the
vacancies written since, and the people it has validated, validated again when their stored data
changes."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import anyio
import numpy as np
from sqlalchemy.orm import Session

from matcher import Candidate, Engine, Match, Vacancy
from matcher.engine import SkillCredits, rank_keys
from matcher.reasons import Language
from matcher.travel.estimate import TravelTimeModel
from matcher.travel.journeys import InstalledTimetable
from service import store

logger = logging.getLogger("service")


REMEMBERED_CHANGES = 64
REDUCED_KEPT = 64
BROUGHT_UP_AT_ONCE = 400
"""Cached shortlists re-checked in one go after a write (see `ShortlistCache.bring_up`)."""
"""How many engines reduced to a set of changed vacancies a Fitted keeps (each a few columns)."""
"""How many catalog steps a Fitted remembers the changed vacancies of (for cached shortlists)."""


@dataclass(frozen=True)
class CatalogStep:
    """The vacancies written after catalog version `after`, up to version `upto`."""

    after: int
    upto: int
    vacancy_ids: frozenset[str]


@dataclass(frozen=True)
class Fitted:
    """An engine fitted on the open vacancies as of `catalog_version`, with those weights."""

    engine: Engine
    catalog_version: int
    weights_version: int
    steps: tuple[CatalogStep, ...] = ()
    """The last catalog steps that led here, oldest first, each ending where the next begins."""
    travel_build: int = 0
    """Which of the timetable builds this process has used so far the engine's commutes are on."""
    _reduced: dict[frozenset[str], Engine] = field(default_factory=dict, compare=False, repr=False)
    _reduced_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def covers(
        self, catalog_version: int, weights_version: int, travel: TravelTimeModel | None
    ) -> bool:
        return (
            self.catalog_version >= catalog_version
            and self.weights_version >= weights_version
            and self.engine.travel is travel
        )

    def changed_since(self, catalog_version: int) -> frozenset[str] | None:
        """The ids of the vacancies written after `catalog_version` up to this one's; None when
        this one does not remember back that far."""
        changed: set[str] = set()
        reached = self.catalog_version
        for step in reversed(self.steps):
            if reached <= catalog_version:
                break
            changed |= step.vacancy_ids
            reached = step.after
        return frozenset(changed) if reached <= catalog_version else None

    def reduced_to(self, vacancy_ids: frozenset[str]) -> Engine:
        """The engine with only these vacancies, scoring each as the whole one does; kept for
        the many people whose cached shortlists are checked against the same few changes."""
        engine = self._reduced.get(vacancy_ids)
        if engine is None:
            engine = self.engine.only(vacancy_ids)
            with self._reduced_lock:
                # Oldest out first: cached shortlists from a few catalogs back each ask for
                # another set, and clearing all at once made every one of them again.
                while len(self._reduced) >= REDUCED_KEPT:
                    del self._reduced[next(iter(self._reduced))]
                self._reduced[vacancy_ids] = engine
        return engine


class Catalog:
    """Gives every request an engine at least as new as the database was when the request asked.

    The database's `catalog_version` moves in the same transaction as every vacancy write, and
    `weights_version` with every weights change; comparing them costs one small query per
    shortlist and is correct across processes. A newer catalog is spliced in, under a lock: the
    vacancies written since (their rows at a newer revision, and the ids deleted since) are
    fitted on their own, at a cost that grows with the changes, not with the catalog. Once the
    splices have widened the engine's tables (concepts, contact languages, shift hours no fit
    had) by `refit_share` of the catalog's size (at least `refit_after` columns), a full fit
    runs in a background thread and is swapped in when done, changes made meanwhile spliced in.
    An edit that brings nothing new (weekly hours, the wage, a known skill) never leads to one: a
    spliced engine ranks exactly as a fresh fit, and the fit is only there to drop columns no
    vacancy uses any more (its tens of milliseconds on the fixtures, and everyone's skill credits
    worked out again after it, were the slowest shortlists of a steady stream of edits).
    """

    def __init__(
        self,
        *,
        concurrent_scoring: int = 2,
        refit_after: int = 200,
        refit_share: float = 0.2,
        timetable: InstalledTimetable | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._timetable = timetable
        """The build at MATCHER_TRANSIT, whose newest timetable `travel` gives."""
        # Scoring is CPU work under the GIL: more threads at it than cores only make every
        # request slower (measured: 32 at once gave half the throughput of one at a time).
        self.scoring = threading.BoundedSemaphore(concurrent_scoring)
        # Candidate shortlists wait for one of these few threads rather than all taking one of
        # the pool's forty: 32 threads taking turns at the GIL halved the requests per second.
        self.shortlist_threads = anyio.CapacityLimiter(2 * concurrent_scoring)
        self.refit_after = refit_after
        self.refit_share = refit_share
        self.full_fits = 0
        """Full fits so far, the first included; the request path only ever does the first."""
        self.splices = 0
        """Newer catalogs spliced in so far."""
        self._refitting: threading.Thread | None = None
        self._fitted: Fitted | None = None
        self._travel_builds = 0
        self._people: dict[str, tuple[str, Candidate]] = {}
        self._people_lock = threading.Lock()

    @property
    def travel(self) -> TravelTimeModel | None:
        """The commute's travel times: the newest timetable build (MATCHER_TRANSIT), by default
        the estimate."""
        return self._timetable.current() if self._timetable is not None else None

    @property
    def fitted(self) -> Fitted | None:
        """The engine requests get now, if any has been fitted yet."""
        return self._fitted

    def current(self, session: Session) -> Fitted:
        catalog_version, weights_version = store.versions(session)
        travel = self.travel
        fitted = self._fitted
        if fitted is not None and fitted.covers(catalog_version, weights_version, travel):
            return fitted
        with self._lock:
            fitted = self._fitted
            # Read again: another request may have taken up a newer build while this one
            # waited, and fitting on the build read before would go back to the older one.
            travel = self.travel
            if fitted is not None and fitted.covers(catalog_version, weights_version, travel):
                return fitted
            if fitted is not None and fitted.engine.travel is not travel:
                fitted = None  # a new timetable build: every commute is worked out again
                self._travel_builds += 1
            # Newest counters, read before the rows: the rows are then at least this new.
            catalog_version, weights_version = store.versions(session)
            if fitted is not None and fitted.weights_version == weights_version:
                weights = fitted.engine.weights  # a vacancy write: the weights stay as they are
            else:
                weights = store.get_weights(session, version=weights_version).weights
            if fitted is None:
                self.full_fits += 1
                engine = Engine(weights, travel=travel).fit(self._open_vacancies(session))
                self._fitted = Fitted(
                    engine, catalog_version, weights_version, travel_build=self._travel_builds
                )
            elif fitted.catalog_version >= catalog_version:
                engine = fitted.engine.with_weights(weights)
                self._fitted = replace(
                    fitted, engine=engine, weights_version=weights_version, _reduced={}
                )
            else:
                self._fitted = self._splice(session, fitted, catalog_version, weights_version)
                self._fitted = replace(
                    self._fitted, engine=self._fitted.engine.with_weights(weights)
                )
                self._refit_when_due(self._fitted)
            return self._fitted

    def _splice(
        self, session: Session, fitted: Fitted, catalog_version: int, weights_version: int
    ) -> Fitted:
        changes = store.vacancy_changes(session, since=fitted.catalog_version)
        upserted = [Vacancy.model_validate(data) for _, data in changes.rows]
        engine = fitted.engine.splice(removed=changes.deleted, upserted=upserted)
        touched = frozenset(changes.deleted) | {ident for ident, _ in changes.rows}
        step = CatalogStep(fitted.catalog_version, catalog_version, touched)
        self.splices += 1
        return Fitted(
            engine,
            catalog_version,
            weights_version,
            (*fitted.steps, step)[-REMEMBERED_CHANGES:],
            fitted.travel_build,
        )

    def _refit_when_due(self, fitted: Fitted) -> None:
        """Under the lock: start a full fit in the background once the splices have widened the
        tables enough. What a fit takes back is at most what they added, and the fit's own
        columns that removals left empty (those are not counted: at most the fit's width)."""
        engine = fitted.engine
        due = max(self.refit_after, self.refit_share * len(engine.vacancies_))
        if engine.widened_ < due or self._refitting is not None:
            return
        self._refitting = threading.Thread(
            target=self._refit, args=(fitted,), name="catalog-refit", daemon=True
        )
        self._refitting.start()

    def _refit(self, base: Fitted) -> None:
        try:
            old = base.engine
            engine = Engine(old.weights, travel=old.travel, vocabulary=old.vocabulary)
            engine.fit(old.vacancies_)
            with self._lock:
                now = self._fitted
                assert now is not None
                if now.engine.travel is not old.travel:  # a new timetable build meanwhile
                    return
                written = now.changed_since(base.catalog_version)
                if written is None:  # too much changed meanwhile: the next splice starts again
                    return
                if written:
                    current = now.engine
                    upserted = [current.vacancies_[j] for j in current.columns_of(written)]
                    engine = engine.splice(removed=written, upserted=upserted)
                self.full_fits += 1
                engine = engine.with_weights(now.engine.weights)
                self._fitted = replace(now, engine=engine, _reduced={})
        except Exception:
            logger.exception("the background fit failed; spliced engines go on serving")
        finally:
            self._refitting = None

    def wait_for_refit(self, timeout: float | None = None) -> None:
        """Until the background fit running now, if any, is done."""
        thread = self._refitting
        if thread is not None:
            thread.join(timeout)

    def _open_vacancies(self, session: Session) -> list[Vacancy]:
        """The open vacancies, as stored."""
        return [Vacancy.model_validate(data) for _, _, data in store.open_vacancy_rows(session)]

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


@dataclass(frozen=True)
class CachedShortlist:
    """A rendered shortlist, and what tells whether a newer catalog leaves it as it is."""

    catalog_version: int
    """The catalog it was ranked on (or found unchanged by)."""
    body: bytes
    vacancy_ids: frozenset[str]
    """The vacancies it lists: a change to any of them changes it."""
    last: tuple[float, str] | None
    """(rank key, id) of its last line when it is as long as asked for: a changed vacancy
    ranking before that enters it; None when shorter: any changed vacancy listed enters it."""
    candidate: Candidate
    """The person as ranked (their stored data is in the key), so as not to validate again."""
    language: Language
    """The language its reasons are written in."""
    credits: SkillCredits | None = None
    """What the person's skills earn, once worked out for re-scoring."""
    withhold: frozenset[str] = frozenset()
    """Vacancies it leaves out (the person's record has them): a write to one changes nothing
    but how many of them are open (`left_out`)."""
    left_out: int = 0
    keys: tuple[tuple[float, str], ...] = ()
    """(rank key, id) of each of its results, in order."""
    include_blocked: bool = False
    """Whether it lists blocked vacancies too (the query asked for near misses)."""

    def lines_written(self, written: frozenset[str]) -> frozenset[str]:
        """Which of the vacancies `written` since its catalog it lists: their lines are to be
        explained again (the others may only enter it)."""
        return written & self.vacancy_ids

    def leaves_out_as_many(self, fitted: Fitted, written: frozenset[str]) -> bool:
        """Whether as many of the vacancies it leaves out are open in `fitted` (its body says
        how many), given the vacancies `written` since."""
        if not written & self.withhold:
            return True
        return len(fitted.engine.columns_of(self.withhold)) == self.left_out

    def re_explained(self, matches: Sequence[Match]) -> CachedShortlist | None:
        """This list with these re-explained lines (each one of its own, its vacancy written
        since) in their place: itself when each shows as before; re-sorted when they moved
        but none can have left the list (still listed, and not after its old last line); None
        when it must be ranked afresh.

        The body is all that is kept of the lines: the lines as objects were most of what the
        cycle collector walked, and its full passes stalled every request (70 to 130 ms)."""
        body = json.loads(self.body)
        if body.get("near_misses") is not None:  # the best blocked anywhere: alike, or afresh
            shown = {line["vacancy_id"]: line for line in body["results"] + body["near_misses"]}
            alike = all(_shown(m, self.language, shown.get(m.vacancy_id)) for m in matches)
            return self if alike else None
        lines: list[dict[str, Any]] = body["results"]
        at = {line["vacancy_id"]: k for k, line in enumerate(lines)}
        keys = list(self.keys)
        moved = False
        for m in matches:
            k = at.get(m.vacancy_id)
            if k is None:
                return None
            if _shown(m, self.language, lines[k]):
                continue
            if m.blocked and not self.include_blocked:
                return None  # it leaves the list, and another may take its place
            key = (float(rank_keys(np.array([m.score]), np.array([m.blocked]))[0]), keys[k][1])
            if self.last is not None and key > self.last:
                return None  # after the old last line: one not listed may now come first
            line = m.as_dict(counterpart="vacancy", language=self.language)
            lines[k] = {**line, "history": lines[k].get("history")}
            keys[k] = key
            moved = True
        if not moved:
            return self
        order = sorted(range(len(lines)), key=keys.__getitem__)
        body["results"] = [lines[k] for k in order]
        keys = [keys[k] for k in order]
        last = keys[-1] if self.last is not None else None
        return replace(self, body=body_bytes(body), keys=tuple(keys), last=last)


def body_bytes(body: object) -> bytes:
    """A response body as the shortlist routes send it (and the cache keeps it)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _shown(match: Match, language: Language, line: dict[str, Any] | None) -> bool:
    """Whether the line shows this match as it is now (what the record adds aside)."""
    if line is None:
        return False
    now = json.loads(body_bytes(match.as_dict(counterpart="vacancy", language=language)))
    return bool(now == {k: v for k, v in line.items() if k != "history"})


@dataclass(slots=True)
class _Held:
    """A cache entry: whose it is, and the newest catalog it is known to hold for."""

    owner: str
    entry: CachedShortlist
    brought_up: int
    checked: int = 0
    """The newest catalog it was checked against in a pass, whether it held or not."""


class _ListsWritten:
    """Whether an entry lists a vacancy written since the catalog it holds for (`fitted`'s
    changes, looked up once per catalog)."""

    def __init__(self, fitted: Fitted) -> None:
        self._fitted = fitted
        self._written: dict[int, frozenset[str] | None] = {}

    def __call__(self, held: _Held) -> bool:
        since = held.brought_up
        if since not in self._written:
            self._written[since] = self._fitted.changed_since(since)
        written = self._written[since]
        return written is not None and bool(held.entry.lines_written(written))


_GENERATION = slice(1, 3)
"""Where `ShortlistCache.key` holds the weights version and the timetable build: both only move
on, and an entry of an older one of either is never asked for again."""

_Check = tuple["_Held", CachedShortlist, CachedShortlist, SkillCredits, frozenset[str]]
"""An entry a pass checks: as held, the entry it becomes if none enters, its credits, and
the written vacancies it withholds."""


class ShortlistCache:
    """Rendered shortlists keyed by everything they depend on but the catalog, so a hit is never
    stale: an entry from an older catalog is served only once the vacancies written since are
    re-scored for that person and none of them enters, leaves or changes the list.

    The key holds a digest of the candidate's stored data, the weights version, the timetable
    build and the query; erasing a person drops their entries at once, and a new timetable
    build those of the builds before (they can never be served again).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[Any, ...], _Held] = OrderedDict()
        self.kept = 0
        """Entries from an older catalog found unchanged and served."""
        self._bringing_up = threading.Lock()
        self._brought_up = 0
        """The newest catalog every entry was checked against at once (see `bring_up`)."""
        self._generation = (0, 0)
        """The newest weights version and timetable build an entry was put for: the entries of
        older ones are dropped."""

    @staticmethod
    def key(stored: str, fitted: Fitted, *query: Any) -> tuple[Any, ...]:
        """`stored` is the person's JSON text as the database holds it."""
        digest = hashlib.blake2b(stored.encode(), digest_size=16).digest()
        # A new timetable build changes every commute.
        return (digest, fitted.weights_version, fitted.travel_build, *query)

    def body_for(self, key: tuple[Any, ...], catalog_version: int) -> bytes | None:
        """The kept body if it holds for this catalog (or a newer one), else None: what most
        requests need, without the entry moved up to the catalog it holds for (a new entry per
        person per write was a tenth of what a write cost the cached shortlists)."""
        if self.size == 0:
            return None
        with self._lock:
            held = self._entries.get(key)
            if held is None or held.brought_up < catalog_version:
                return None
            self._entries.move_to_end(key)
            return held.entry.body

    def get(self, key: tuple[Any, ...]) -> CachedShortlist | None:
        if self.size == 0:
            return None
        with self._lock:
            held = self._entries.get(key)
            if held is None:
                return None
            self._entries.move_to_end(key)
            if held.brought_up > held.entry.catalog_version:
                held.entry = replace(held.entry, catalog_version=held.brought_up)
            return held.entry

    def put(self, key: tuple[Any, ...], candidate_id: str, entry: CachedShortlist) -> None:
        if self.size == 0:
            return
        with self._lock:
            weights, build = generation = key[_GENERATION]
            newest_weights, newest_build = self._generation
            if weights < newest_weights or build < newest_build:
                return  # fitted on weights or a timetable before those in use: never asked for
            if generation != self._generation:
                # New weights or a new timetable build: the entries of those before can never be
                # served again, and would otherwise be moved up to every catalog after.
                for older in [k for k in self._entries if k[_GENERATION] != generation]:
                    del self._entries[older]
                self._generation = generation
            known = self._entries.get(key)
            if known is not None and known.brought_up > entry.catalog_version:
                return  # a request that started later already stored a newer one
            version = entry.catalog_version
            self._entries[key] = _Held(candidate_id, entry, version, checked=version)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def revalidated(
        self, entry: CachedShortlist, fitted: Fitted, *, include_blocked: bool
    ) -> CachedShortlist | None:
        """`entry` as of `fitted`'s catalog if that ranks it alike, else None: its lines whose
        vacancies were written since are re-explained alike, and none of the others written
        since (re-scored for this person) would enter it."""
        if entry.catalog_version >= fitted.catalog_version:
            return entry
        written = fitted.changed_since(entry.catalog_version)
        if written is None:
            return None
        listed = entry.lines_written(written)
        if listed:
            # Its own lines re-explained: the same score, flags and reasons keep it in place.
            own = fitted.reduced_to(listed)
            if len(own.vacancies_) != len(listed):
                return None  # one of them left the catalog: ranked afresh
            patched = entry.re_explained(own.matches([entry.candidate])[0])
            if patched is None:
                return None
            entry = patched
        if not entry.leaves_out_as_many(fitted, written):
            return None
        credits = fitted.engine.skill_credits(entry.candidate, entry.credits)
        others = written - listed - entry.withhold
        engine = fitted.reduced_to(others) if others else None
        if (
            engine is not None
            and engine.lists_any_before(
                [entry.candidate], [entry.last], include_blocked=include_blocked, credits=[credits]
            ).any()
        ):
            return None
        self.kept += 1
        return replace(entry, catalog_version=fitted.catalog_version, credits=credits)

    def bring_up(self, fitted: Fitted, key: tuple[Any, ...]) -> None:
        """Entries from an older catalog that `fitted` ranks alike are moved up to it, re-scored
        together against the vacancies written since, the one under `key` among them: one
        write used to cost each cached person a re-check of their own when next asked for
        (half a millisecond each, every person every write); now a few hundred cost a few
        milliseconds together. At most `BROUGHT_UP_AT_ONCE` at a time, the entry asked for
        first and then others of its kind (listing a written vacancy or not), so that the
        requests after a write share the passes rather than one waiting for all of them, and
        the many that list none wait only for the cheap pass. Entries whose own lines were
        written since are re-explained in their pass
        (`CachedShortlist.re_explained`); those it cannot settle, or that a written vacancy may
        enter, are left as they are for `revalidated` to settle when asked for."""
        if self.size == 0 or fitted.catalog_version <= self._brought_up:
            return
        # Requests that find another one at it wait for it rather than check their own entry
        # alongside: checking alongside slowed the pass down (paired runs, a PUT every 200 ms:
        # p99 about 2.0x the quiet row against 1.6x).
        with self._bringing_up:
            if fitted.catalog_version <= self._brought_up:
                return  # another request did it meanwhile
            with self._lock:
                asked = self._entries.get(key)
                if asked is not None and asked.checked >= fitted.catalog_version:
                    return  # checked in a pass meanwhile
                version = fitted.catalog_version
                unchecked = [
                    held
                    for held in reversed(self._entries.values())  # the latest asked for first
                    if held.checked < version and held.brought_up < version and held is not asked
                ]
                # Entries of the asked one's kind: most list no written vacancy and are checked
                # in one cheap pass; the few that do are explained again together, in a pass
                # of their own, so the many do not wait for them.
                lists = _ListsWritten(fitted)
                kind = asked is not None and lists(asked)
                taken = [held for held in unchecked if lists(held) == kind]
                taken = taken[: BROUGHT_UP_AT_ONCE - 1]
                done = len(taken) == len(unchecked)  # none of either kind is left unchecked
                older = (
                    [asked, *taken] if asked is not None and asked.brought_up < version else taken
                )
                for held in older:
                    held.checked = version
            self._bring_up(fitted, older)
            if done:
                self._brought_up = fitted.catalog_version

    def _bring_up(self, fitted: Fitted, older: list[_Held]) -> None:
        by_catalog: dict[int, list[_Held]] = {}
        for held in older:
            by_catalog.setdefault(held.brought_up, []).append(held)
        concepts = fitted.engine.skills_.column_
        moved: list[tuple[_Held, CachedShortlist, CachedShortlist, SkillCredits]] = []
        for catalog_version, helds in by_catalog.items():
            written = fitted.changed_since(catalog_version)
            if written is None:
                continue  # too far back: each is ranked afresh when asked for
            # One loop over the entries and as few calls per entry as can be: with a few
            # hundred kept, looping over them took as long as re-scoring them.
            # Per entry: as held, the entry it becomes if none enters, its credits and withheld.
            checks: list[
                tuple[_Held, CachedShortlist, CachedShortlist, SkillCredits, frozenset[str]]
            ]
            checks = []
            listing: dict[frozenset[str], list[tuple[_Held, CachedShortlist, SkillCredits]]] = {}
            for held in helds:
                entry = held.entry
                withheld = written & entry.withhold if entry.withhold else frozenset()
                if withheld and not entry.leaves_out_as_many(fitted, written):
                    continue
                known = entry.credits
                if known is None or known.concepts is not concepts:
                    known = fitted.engine.skill_credits(entry.candidate, known)
                listed = entry.lines_written(written)
                if listed:
                    listing.setdefault(listed, []).append((held, entry, known))
                    continue
                checks.append((held, entry, entry, known, withheld))
            # Lines of their own written since: re-explained together, a set of them at a time
            # (one at a time, as `revalidated` does, cost a millisecond each); an entry they
            # leave in place is then checked as the others, those lines withheld.
            for listed, group in listing.items():
                engine = fitted.reduced_to(listed)
                if len(engine.vacancies_) != len(listed):
                    continue  # one of them left the catalog: ranked afresh when asked for
                lines = engine.matches(
                    [entry.candidate for _, entry, _ in group],
                    credits=[known for _, _, known in group],
                )
                for (held, entry, known), matches in zip(group, lines, strict=True):
                    patched = entry.re_explained(matches)
                    if patched is None:
                        continue
                    withheld = written & (entry.withhold | listed)
                    checks.append((held, entry, patched, known, withheld))
            if not checks:
                continue
            enters = fitted.reduced_to(written).lists_any_before(
                [now.candidate for _, _, now, _, _ in checks],
                [now.last for _, _, now, _, _ in checks],
                include_blocked=[now.include_blocked for _, _, now, _, _ in checks],
                credits=[known for _, _, _, known, _ in checks],
                withhold=[withheld for *_, withheld in checks],
            )
            for k in np.flatnonzero(~enters).tolist():
                held, entry, now, known, _ = checks[k]
                moved.append((held, entry, now, known))
        with self._lock:
            for held, entry, now, known in moved:
                if held.entry is not entry:
                    continue  # replaced meanwhile (one dropped meanwhile is no longer reached)
                # Only the version moves (a new entry each time cost more than the check).
                held.brought_up = fitted.catalog_version
                if known is not now.credits:
                    now = replace(now, credits=known)
                held.entry = now
            self.kept += len(moved)

    def forget(self, candidate_id: str) -> None:
        with self._lock:
            for key in [k for k, held in self._entries.items() if held.owner == candidate_id]:
                del self._entries[key]

    def holds(self, candidate_id: str) -> bool:
        """Whether a shortlist of this person is kept."""
        with self._lock:
            return any(held.owner == candidate_id for held in self._entries.values())

    def held(self) -> set[str]:
        """The ids of the people with a shortlist kept."""
        with self._lock:
            return {held.owner for held in self._entries.values()}
