"""Data access: people, vacancies, weights, accounts, sessions and API keys, as engine models."""

from __future__ import annotations

import hashlib
import logging
import math
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, Literal, cast, get_args

import numpy as np
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from numpy.typing import NDArray
from rapidfuzz import fuzz, process, utils
from sqlalchemy import (
    ColumnElement,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher import Candidate, Vacancy, Weights, default_weights
from matcher.models import Contact
from matcher.outcomes.applications import (
    FINAL_STATUSES,
    Application,
    ApplicationStep,
    PairHistory,
    pair_histories,
)
from matcher.outcomes.history import History
from matcher.outcomes.programme import (
    IN_WORK,
    STAGE_AFTER_FOLLOW_UP,
    FollowUpOutcome,
    Programme,
    StageChange,
    follow_up_due,
)
from matcher.reading.vocabulary import accentless, default_vocabulary, normalise
from matcher.travel.geo import EARTH_RADIUS_KM, haversine_km
from service.tables import (
    AccountRow,
    ApiKeyRow,
    ApplicationRow,
    CandidateRow,
    EmployerRow,
    ErasureRow,
    FollowUpRow,
    ProgrammeRow,
    RetiredVacancyId,
    ServiceState,
    SessionRow,
    SignInFailureRow,
    StageChangeRow,
    VacancyRow,
    WeightsRow,
    utcnow,
)

logger = logging.getLogger("service")

Role = Literal["admin", "coordinator", "jobhunter", "employer"]
ROLES: tuple[Role, ...] = get_args(Role)
KEY_PREFIX = "mk_"


class AlreadyExists(Exception):
    """A row with this id exists already."""


class NotFound(Exception):
    """No row with this id."""


class RetiredId(AlreadyExists):
    """The id was a deleted row's: ids are never given out again."""


class ImpossibleStep(ValueError):
    """The step cannot follow the application's last one (the message says why)."""


class NotInWork(Exception):
    """A follow-up for someone who is not in work (the message says their stage)."""


class VacancyNotOpen(Exception):
    """A new proposal to a vacancy that is closed or filled: it takes nobody new."""


class ApplicationExists(AlreadyExists):
    """The pair has an application in progress, or one that ended and `again` was not said."""

    def __init__(self, message: str, *, application_id: str) -> None:
        super().__init__(message)
        self.application_id = application_id


class VersionConflict(Exception):
    """The weights changed since the client read them."""


# The three reads every shortlist request makes are built once, on the tables' Core columns:
# building an ORM statement per call and running it through the ORM cost 0.1 ms each, about
# as much as the rest of a cached shortlist.
_STATE = ServiceState.__table__.c
_VERSIONS = select(_STATE.catalog_version, _STATE.weights_version).where(_STATE.id == 1)
_CANDIDATES = CandidateRow.__table__.c
# A person's stored JSON as its text: hashed for cache keys and validated straight from text, it
# need not be decoded into a dict first (and, for a key, encoded again).
_CANDIDATE_JSON = _CANDIDATES.data.cast(Text)
_CANDIDATE_TEXT = select(_CANDIDATE_JSON).where(_CANDIDATES.id == bindparam("candidate_id"))
_APPLICATIONS = ApplicationRow.__table__.c
# The person's stored JSON and their record key in one statement, for the shortlist route (a
# second round trip cost about as much as a tenth of a cached shortlist). The key lists each
# application as id:vacancy:status; its order is whatever the database aggregates in, which
# at worst makes a cached shortlist miss.
_CANDIDATE_AND_RECORD = select(
    _CANDIDATE_JSON,
    select(
        func.aggregate_strings(
            _APPLICATIONS.id + ":" + _APPLICATIONS.vacancy_id + ":" + _APPLICATIONS.status, ","
        )
    )
    .where(_APPLICATIONS.candidate_id == _CANDIDATES.id)
    .scalar_subquery(),
).where(_CANDIDATES.id == bindparam("candidate_id"))
_KEYS = ApiKeyRow.__table__.c
_ACCOUNTS = AccountRow.__table__.c
# The account's role and employer (its keys have the same, kept so by update_account).
_KEY_BY_HASH = (
    select(_KEYS.id, _KEYS.name, _ACCOUNTS.id, _ACCOUNTS.name, _ACCOUNTS.role, _ACCOUNTS.employer)
    .join_from(ApiKeyRow.__table__, AccountRow.__table__, _KEYS.account_id == _ACCOUNTS.id)
    .where(_KEYS.key_hash == bindparam("key_hash"), _ACCOUNTS.disabled_at.is_(None))
)


# ---------------------------------------------------------------- counters


def versions(session: Session) -> tuple[int, int]:
    """(catalog version, weights version) as committed now."""
    row = session.execute(_VERSIONS).one()
    return int(row[0]), int(row[1])


# The writes every vacancy write makes, on the tables: the ORM's bulk update keeps objects in the
# session in step with it, and there are none (a third of a vacancy write's time, measured).
_SERVICE_STATE = cast(Table, ServiceState.__table__)
_VACANCIES = cast(Table, VacancyRow.__table__)
_BUMP_CATALOG = (
    update(_SERVICE_STATE)
    .where(_SERVICE_STATE.c.id == 1)
    .values(catalog_version=_SERVICE_STATE.c.catalog_version + 1)
    .returning(_SERVICE_STATE.c.catalog_version)
)


def _bump_catalog(session: Session) -> int:
    """Take the write lock on the counters and move the catalog on; first statement of a write."""
    version = session.execute(_BUMP_CATALOG).scalar_one()
    return int(version)


# ---------------------------------------------------------------- candidates


def _candidate_id() -> str:
    return f"c-{secrets.token_hex(6)}"


def get_candidate(session: Session, *, candidate_id: str) -> Candidate | None:
    text = get_candidate_text(session, candidate_id=candidate_id)
    return None if text is None else Candidate.model_validate_json(text)


def get_candidate_text(session: Session, *, candidate_id: str) -> str | None:
    """The stored JSON as text, unvalidated; None if there is no such person."""
    text = session.execute(_CANDIDATE_TEXT, {"candidate_id": candidate_id}).scalar_one_or_none()
    return None if text is None else str(text)


@dataclass(frozen=True)
class CandidateFilter:
    """Which people a list shows; every filter given must hold (AND). Text is compared folded
    as `accentless` folds it: letter case and accents aside, in any script."""

    postcode: str | None = None
    skill: str | None = None
    """A phrase in any language: a person matches when one of their skills or occupations
    reads as the concept it reads as (the same text, folded, when it reads as none)."""
    coach: str | None = None
    q: str | None = None
    """Free text found inside the person's id or display name."""

    def matching(self, people: Iterable[Candidate]) -> list[Candidate]:
        test = self._test()
        return [person for person in people if test(person)]

    def _test(self) -> Callable[[Candidate], bool]:
        tests: list[Callable[[Candidate], bool]] = []
        if self.postcode is not None:
            postcode = self.postcode
            tests.append(lambda c: c.home.postcode == postcode)
        if self.coach is not None:
            coach = accentless(self.coach)
            tests.append(lambda c: c.coach is not None and accentless(c.coach) == coach)
        if self.q is not None:
            text = accentless(self.q)
            tests.append(
                lambda c: (
                    text in accentless(str(c.id))
                    or (c.display_name is not None and text in accentless(c.display_name))
                )
            )
        if self.skill is not None:
            tests.append(_has_skill(self.skill))
        return lambda c: all(test(c) for test in tests)


def _has_skill(phrase: str) -> Callable[[Candidate], bool]:
    vocabulary = default_vocabulary()
    concept = vocabulary.read(phrase).concept_id
    if concept is None:
        text = normalise(phrase)
        return lambda c: any(normalise(s) == text for s in (*c.skill_labels, *c.occupations))
    # The engine has read these labels already (readings are cached), so this costs little.
    return lambda c: any(
        vocabulary.read(s).concept_id == concept for s in (*c.skill_labels, *c.occupations)
    )


def candidates_with_ids(session: Session, *, ids: Sequence[str]) -> list[Candidate]:
    """The candidates with these ids that exist, in id order (one query)."""
    rows = session.execute(
        select(CandidateRow.data).where(CandidateRow.id.in_(ids)).order_by(CandidateRow.id)
    ).scalars()
    return [Candidate.model_validate(d) for d in rows]


def candidate_texts(session: Session) -> list[tuple[str, str, str]]:
    """(id, stage, stored JSON as text) of every candidate, in id order: the text tells a
    process whether the person it validated before is still the same, without decoding."""
    rows = session.execute(
        select(CandidateRow.id, CandidateRow.stage, _CANDIDATE_JSON).order_by(CandidateRow.id)
    )
    return [(str(i), str(stage), str(text)) for i, stage, text in rows]


def create_candidate(session: Session, *, candidate: Candidate) -> Candidate:
    if candidate.id is None:
        candidate = candidate.model_copy(update={"id": _candidate_id()})
    now = utcnow()
    # A duplicate id fails the whole transaction (the session rolls it back), so no savepoint.
    try:
        session.execute(
            insert(CandidateRow).values(
                id=candidate.id,
                stage=candidate.stage,
                data=candidate.model_dump(mode="json"),
                created_at=now,
                updated_at=now,
            )
        )
    except IntegrityError as error:
        raise AlreadyExists(f"a candidate with id '{candidate.id}' exists already") from error
    _record_stage(session, candidate_id=str(candidate.id), stage=candidate.stage, on=date.today())
    return candidate


def replace_candidate(session: Session, *, candidate: Candidate) -> Candidate:
    return _rewrite_candidate(session, candidate_id=str(candidate.id), change=lambda _: candidate)


def patch_candidate(
    session: Session, *, candidate_id: str, change: Callable[[dict[str, Any]], Candidate]
) -> Candidate:
    """Store `change(stored JSON)` over the person, as replace_candidate stores a new profile:
    the stored document is read under the row's write lock, so no concurrent write is lost."""
    return _rewrite_candidate(session, candidate_id=candidate_id, change=change)


def _rewrite_candidate(
    session: Session, *, candidate_id: str, change: Callable[[dict[str, Any]], Candidate]
) -> Candidate:
    """The one write of an existing person: NotFound if there is none; a new stage is recorded."""
    # An UPDATE first takes the write lock (the row's on PostgreSQL, the file's on SQLite, where
    # a SELECT before it would run outside the transaction): the row read next stays current.
    locked = session.execute(
        update(CandidateRow)
        .where(CandidateRow.id == candidate_id)
        .values(updated_at=CandidateRow.updated_at)
    )
    if locked.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no candidate with id '{candidate_id}'")
    before_stage, stored = session.execute(
        select(CandidateRow.stage, CandidateRow.data).where(CandidateRow.id == candidate_id)
    ).one()
    candidate = change(stored).model_copy(update={"id": candidate_id})
    session.execute(
        update(CandidateRow)
        .where(CandidateRow.id == candidate_id)
        .values(stage=candidate.stage, data=candidate.model_dump(mode="json"), updated_at=utcnow())
    )
    if candidate.stage != before_stage:
        _record_stage(session, candidate_id=candidate_id, stage=candidate.stage, on=date.today())
    return candidate


@dataclass(frozen=True)
class ImportCounts:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def import_candidates(session: Session, *, candidates: Sequence[Candidate]) -> ImportCounts:
    """Store a sheet's people in the caller's transaction: a person whose id is stored already
    is replaced by the sheet's profile (left alone when it is the same), the others created."""
    ids = [str(c.id) for c in candidates if c.id is not None]
    stored = {str(c.id): c for c in candidates_with_ids(session, ids=ids)} if ids else {}
    counts = ImportCounts([], [], [])
    for candidate in candidates:
        before = stored.get(str(candidate.id)) if candidate.id is not None else None
        if before is None:
            counts.created.append(str(create_candidate(session, candidate=candidate).id))
        elif before == candidate:
            counts.unchanged.append(str(candidate.id))
        else:
            counts.updated.append(str(replace_candidate(session, candidate=candidate).id))
    return counts


def candidate_names(session: Session) -> dict[tuple[str, str], str]:
    """(display name folded as `accentless` folds it, postcode) -> id, of the people stored with
    a display name: how an import tells a person already stored under another id."""
    found: dict[tuple[str, str], str] = {}
    for ident, data in session.execute(select(CandidateRow.id, CandidateRow.data)):
        name, postcode = data.get("display_name"), (data.get("home") or {}).get("postcode")
        if name and postcode:
            found.setdefault((accentless(name), postcode), str(ident))
    return found


def delete_candidate(session: Session, *, candidate_id: str, by: Principal) -> None:
    """The person and everything about them: applications (with notes), stage history and
    follow-ups (with notes); the erasures log says who erased someone and when, not whom.

    The erasure counter moves in the same transaction, so every process sees that someone left.
    It is taken first, as vacancy writes take the counters row first: no lock-order deadlock.
    """
    session.execute(
        update(ServiceState).where(ServiceState.id == 1).values(erasures=ServiceState.erasures + 1)
    )
    session.execute(delete(ApplicationRow).where(ApplicationRow.candidate_id == candidate_id))
    session.execute(delete(FollowUpRow).where(FollowUpRow.candidate_id == candidate_id))
    session.execute(delete(StageChangeRow).where(StageChangeRow.candidate_id == candidate_id))
    result = session.execute(delete(CandidateRow).where(CandidateRow.id == candidate_id))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no candidate with id '{candidate_id}'")
    session.add(ErasureRow(account_id=by.account_id, erased_by=by.actor, role=by.role))


@dataclass(frozen=True)
class ErasureRecord:
    erased_at: datetime
    account_id: str
    erased_by: str
    role: Role


def erasures(session: Session) -> list[ErasureRecord]:
    """Every erasure, newest first: who did it and when."""
    rows = session.execute(select(ErasureRow).order_by(ErasureRow.id.desc())).scalars()
    return [
        ErasureRecord(_aware(r.erased_at), r.account_id, r.erased_by, cast(Role, r.role))
        for r in rows
    ]


_ERASURES = select(_STATE.erasures).where(_STATE.id == 1)  # built once: read 4 times a second


def erasure_count(session: Session) -> int:
    """How many erasures were ever committed (the counter every process compares)."""
    return int(session.execute(_ERASURES).scalar_one())


def existing_candidate_ids(session: Session, *, ids: Iterable[str]) -> set[str]:
    """Which of these ids are people still in the database."""
    wanted, found = sorted(ids), set[str]()
    for start in range(0, len(wanted), 500):  # bounded IN lists
        chunk = wanted[start : start + 500]
        found.update(
            session.execute(select(CandidateRow.id).where(CandidateRow.id.in_(chunk))).scalars()
        )
    return found


def _record_stage(session: Session, *, candidate_id: str, stage: str, on: date) -> None:
    session.execute(
        insert(StageChangeRow).values(
            candidate_id=candidate_id, stage=stage, on=on, recorded_at=utcnow()
        )
    )


def stage_changes(session: Session, *, candidate_id: str | None = None) -> list[StageChange]:
    """The stage history, oldest first (of one candidate, or of everyone)."""
    query = select(StageChangeRow.candidate_id, StageChangeRow.stage, StageChangeRow.on)
    if candidate_id is not None:
        query = query.where(StageChangeRow.candidate_id == candidate_id)
    rows = session.execute(query.order_by(StageChangeRow.on, StageChangeRow.id))
    return [StageChange(candidate_id=r[0], stage=r[1], on=r[2]) for r in rows]


# ---------------------------------------------------------------- vacancies


def _vacancy_id() -> str:
    return f"v-{secrets.token_hex(6)}"


def vacancy_not_found(vacancy_id: str) -> NotFound:
    """The one answer for a vacancy that is missing and for one an employer key may not see, so
    that a key cannot tell another employer's vacancy from no vacancy at all."""
    return NotFound(f"no vacancy with id '{vacancy_id}'")


def _is_retired(session: Session, vacancy_id: str) -> bool:
    found = session.execute(
        select(RetiredVacancyId.id).where(RetiredVacancyId.id == vacancy_id)
    ).scalar_one_or_none()
    return found is not None


def _new_vacancy_id(session: Session) -> str:
    """A random id that no vacancy, live or deleted, ever had (under the counters' lock)."""
    while True:
        candidate = _vacancy_id()
        live = session.execute(select(VacancyRow.id).where(VacancyRow.id == candidate)).first()
        if live is None and not _is_retired(session, candidate):
            return candidate


@dataclass(frozen=True)
class Near:
    """Within `km` kilometres (great-circle, matcher.travel.geo) of a point."""

    lat: float
    lon: float
    km: float

    def box(self) -> ColumnElement[bool]:
        """A latitude and longitude box holding the circle: what SQL narrows rows to, on the
        indexed point columns, before the exact distance is measured."""
        dlat = math.degrees(self.km / EARTH_RADIUS_KM)
        farthest = min(89.0, abs(self.lat) + dlat)  # the box is widest at its far-pole edge
        dlon = min(180.0, dlat / max(math.cos(math.radians(farthest)), 1e-9))
        slack = 1e-6  # degrees: a point on the circle's edge is not cut off by rounding
        return and_(
            VacancyRow.lat.between(self.lat - dlat - slack, self.lat + dlat + slack),
            VacancyRow.lon.between(self.lon - dlon - slack, self.lon + dlon + slack),
        )

    def holds(self, lats: NDArray[np.float64], lons: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Which of these points are within the distance."""
        return np.asarray(haversine_km(self.lat, self.lon, lats, lons) <= self.km, dtype=np.bool_)


@dataclass(frozen=True)
class VacancyFilter:
    """Which vacancies a list shows; every filter given must hold (AND)."""

    employer: str | None = None
    status: str | None = None
    language_light: bool | None = None
    postcode: str | None = None
    title: str | None = None
    """Text found inside the title, letter case and accents aside."""
    near: Near | None = None

    def where(self) -> ColumnElement[bool]:
        clauses: list[ColumnElement[bool]] = [true()]
        if self.employer is not None:
            clauses.append(VacancyRow.employer == self.employer)
        if self.status is not None:
            clauses.append(VacancyRow.status == self.status)
        if self.language_light is not None:
            clauses.append(VacancyRow.language_light == self.language_light)
        if self.postcode is not None:
            clauses.append(VacancyRow.postcode == self.postcode)
        if self.title is not None:
            clauses.append(VacancyRow.title_key.contains(accentless(self.title), autoescape=True))
        if self.near is not None:
            clauses.append(self.near.box())
        return and_(*clauses)


def get_vacancy(session: Session, *, vacancy_id: str) -> Vacancy | None:
    data = session.execute(
        select(VacancyRow.data).where(VacancyRow.id == vacancy_id)
    ).scalar_one_or_none()
    return None if data is None else Vacancy.model_validate(data)


def list_vacancies(
    session: Session, *, where: VacancyFilter, limit: int, offset: int
) -> tuple[list[Vacancy], int]:
    """A page of the vacancies matching, by id, and how many match: only the page's rows are
    decoded (a distance filter reads the point columns of the rows in its box, no more)."""
    clause = where.where()
    if where.near is None:
        total = session.execute(select(func.count()).select_from(VacancyRow).where(clause)).scalar()
        rows = session.execute(
            select(VacancyRow.data)
            .where(clause)
            .order_by(VacancyRow.id)
            .limit(limit)
            .offset(offset)
        ).scalars()
        return [Vacancy.model_validate(d) for d in rows], int(total or 0)
    boxed = session.execute(
        select(VacancyRow.id, VacancyRow.lat, VacancyRow.lon).where(clause).order_by(VacancyRow.id)
    ).all()
    lats = np.array([row[1] for row in boxed], dtype=np.float64)
    lons = np.array([row[2] for row in boxed], dtype=np.float64)
    inside = where.near.holds(lats, lons)
    ids = [str(row[0]) for row, keep in zip(boxed, inside, strict=True) if keep]
    page = ids[offset : offset + limit]
    if not page:
        return [], len(ids)
    rows = session.execute(
        select(VacancyRow.data).where(VacancyRow.id.in_(page)).order_by(VacancyRow.id)
    ).scalars()
    return [Vacancy.model_validate(d) for d in rows], len(ids)


def open_vacancy_rows(session: Session) -> list[tuple[str, int, dict[str, Any]]]:
    """(id, revision, data) of every open vacancy, by id."""
    rows = session.execute(
        select(VacancyRow.id, VacancyRow.revision, VacancyRow.data)
        .where(VacancyRow.status == "open")
        .order_by(VacancyRow.id)
    )
    return [(r[0], int(r[1]), r[2]) for r in rows]


@dataclass(frozen=True)
class VacancyChanges:
    """What the catalog's vacancy writes after some version left behind."""

    rows: list[tuple[str, dict[str, Any]]]
    """(id, data) of every vacancy written since, whatever its status now."""
    deleted: list[str]
    """The ids of the vacancies deleted since (and not there now)."""


def vacancy_changes(session: Session, *, since: int) -> VacancyChanges:
    """The vacancies written or deleted after catalog version `since`, for a fitted engine to
    splice in: rows at a newer revision, and retired ids deleted at a newer one."""
    # Sorted here, not by SQL: ordered by id, the database scanned the whole table by its
    # primary key rather than looking the few rows up by their revision.
    rows = sorted(
        (r[0], r[1])
        for r in session.execute(
            select(VacancyRow.id, VacancyRow.data).where(VacancyRow.revision > since)
        )
    )
    present = {ident for ident, _ in rows}
    deleted = session.execute(
        select(RetiredVacancyId.id).where(RetiredVacancyId.revision > since)
    ).scalars()
    return VacancyChanges(rows=rows, deleted=sorted(i for i in deleted if i not in present))


def _vacancy_values(vacancy: Vacancy, revision: int) -> dict[str, Any]:
    """A vacancy row's columns: the document and the copies of its fields lists filter on."""
    lat, lon = vacancy.location.coordinates
    return {
        "employer": vacancy.employer,
        "status": vacancy.status,
        "language_light": vacancy.language.language_light,
        "postcode": vacancy.location.postcode,
        "lat": lat,
        "lon": lon,
        "title_key": accentless(vacancy.title),
        "revision": revision,
        "data": vacancy.model_dump(mode="json"),
        "updated_at": utcnow(),
    }


def create_vacancy(session: Session, *, vacancy: Vacancy) -> Vacancy:
    """Store a new vacancy: AlreadyExists if its id is taken, RetiredId if it was taken once.

    A deleted vacancy's applications stay on record under its id, so handing the id to a new
    vacancy would show them as the new one's (to another employer, even).
    """
    revision = _bump_catalog(session)
    vacancy = _closed_if_past(vacancy, today=date.today())
    if vacancy.id is None:
        vacancy = vacancy.model_copy(update={"id": _new_vacancy_id(session)})
    elif _is_retired(session, vacancy.id):
        raise RetiredId(
            f"vacancy id '{vacancy.id}' was used by a deleted vacancy; ids are never reused"
            " (leave id out to get a new one)"
        )
    values = _vacancy_values(vacancy, revision)
    _record_employer(session, name=vacancy.employer)
    try:
        session.execute(
            insert(VacancyRow).values(id=vacancy.id, created_at=values["updated_at"], **values)
        )
    except IntegrityError as error:
        raise AlreadyExists(f"a vacancy with id '{vacancy.id}' exists already") from error
    return vacancy


def replace_vacancy(session: Session, *, vacancy: Vacancy, owner: str | None = None) -> Vacancy:
    """Replace a vacancy; with `owner`, only if it is that employer's (else NotFound, as for
    a missing one)."""
    return _rewrite_vacancy(
        session, vacancy_id=str(vacancy.id), change=lambda _: vacancy, owner=owner
    )


def patch_vacancy(
    session: Session,
    *,
    vacancy_id: str,
    change: Callable[[dict[str, Any]], Vacancy],
    owner: str | None = None,
) -> Vacancy:
    """Store `change(stored JSON)` over the vacancy, as replace_vacancy stores a new one; the
    stored document is read under the counters' write lock, so no concurrent write is lost."""
    return _rewrite_vacancy(session, vacancy_id=vacancy_id, change=change, owner=owner)


def _rewrite_vacancy(
    session: Session,
    *,
    vacancy_id: str,
    change: Callable[[dict[str, Any]], Vacancy],
    owner: str | None,
) -> Vacancy:
    """The one write of an existing vacancy: the catalog moves on, `owner` as replace_vacancy's."""
    revision = _bump_catalog(session)
    _check_owner(session, vacancy_id=vacancy_id, owner=owner)
    stored = session.execute(
        select(VacancyRow.data).where(VacancyRow.id == vacancy_id)
    ).scalar_one()
    vacancy = _closed_if_past(change(stored), today=date.today())
    vacancy = vacancy.model_copy(update={"id": vacancy_id})
    _record_employer(session, name=vacancy.employer)
    session.execute(
        update(_VACANCIES)
        .where(_VACANCIES.c.id == vacancy_id)
        .values(**_vacancy_values(vacancy, revision))
    )
    return vacancy


def delete_vacancy(session: Session, *, vacancy_id: str, owner: str | None = None) -> bool:
    """Remove a vacancy, or archive it when it has a history; returns whether it was archived.

    A vacancy with applications is closed and kept, so the record of what was proposed (and
    where people were hired) keeps its title and employer. One without is deleted and its id
    retired, with the catalog version of the deletion (so a fitted engine can tell which
    vacancies left since it was fitted). `owner` as for replace_vacancy.
    """
    revision = _bump_catalog(session)
    employer = _check_owner(session, vacancy_id=vacancy_id, owner=owner)
    history = session.execute(
        select(ApplicationRow.id).where(ApplicationRow.vacancy_id == vacancy_id).limit(1)
    ).first()
    if history is not None:
        _set_vacancy_status(session, vacancy_id=vacancy_id, status="closed", revision=revision)
        return True
    session.execute(delete(VacancyRow).where(VacancyRow.id == vacancy_id))
    session.execute(
        insert(RetiredVacancyId).values(
            id=vacancy_id, employer=employer, revision=revision, retired_at=utcnow()
        )
    )
    return False


def _set_vacancy_status(session: Session, *, vacancy_id: str, status: str, revision: int) -> None:
    """Change a stored vacancy's status, as a write of the catalog at `revision`."""
    data = session.execute(
        select(VacancyRow.data).where(VacancyRow.id == vacancy_id)
    ).scalar_one_or_none()
    if data is None:
        return
    vacancy = Vacancy.model_validate({**data, "status": status})
    session.execute(
        update(VacancyRow)
        .where(VacancyRow.id == vacancy_id)
        .values(**_vacancy_values(vacancy, revision))
    )


def _closed_if_past(vacancy: Vacancy, *, today: date) -> Vacancy:
    """An open vacancy past its closes_on is stored closed: written so, it never shows open."""
    if vacancy.status == "open" and vacancy.closes_on is not None and vacancy.closes_on < today:
        return vacancy.model_copy(update={"status": "closed"})
    return vacancy


def _expired_vacancy_ids(session: Session, *, today: date) -> list[str]:
    # closes_on lives in the document only: the open rows are few (hundreds) and this runs
    # every few minutes, so reading them beats a column and a migration.
    rows = session.execute(
        select(VacancyRow.id, VacancyRow.data).where(VacancyRow.status == "open")
    )
    return sorted(
        str(ident)
        for ident, data in rows
        if data.get("closes_on") and date.fromisoformat(data["closes_on"]) < today
    )


def close_expired_vacancies(session: Session, *, today: date) -> list[str]:
    """Close every open vacancy whose closes_on is before `today`; returns their ids.

    One catalog write for all of them (so every process's engine splices them out), and none
    when nothing expired: a sweep every few minutes must not move the catalog for nothing.
    """
    if not _expired_vacancy_ids(session, today=today):
        return []
    revision = _bump_catalog(session)
    expired = _expired_vacancy_ids(session, today=today)  # again, under the write lock
    for vacancy_id in expired:
        _set_vacancy_status(session, vacancy_id=vacancy_id, status="closed", revision=revision)
    return expired


def _fill_if_all_hired(session: Session, *, vacancy_id: str, revision: int) -> None:
    """An open vacancy whose hires reach its positions becomes `filled`, leaving shortlists."""
    data = session.execute(
        select(VacancyRow.data).where(VacancyRow.id == vacancy_id)
    ).scalar_one_or_none()
    if data is None or data.get("status") != "open":
        return
    hires = session.execute(
        select(func.count())
        .select_from(ApplicationRow)
        .where(ApplicationRow.vacancy_id == vacancy_id, ApplicationRow.status == "hired")
    ).scalar()
    if int(hires or 0) >= int(data.get("positions", 1)):
        _set_vacancy_status(session, vacancy_id=vacancy_id, status="filled", revision=revision)


def _check_owner(session: Session, *, vacancy_id: str | None, owner: str | None) -> str:
    """The vacancy's employer, if `owner` (when given) is it; inside the write transaction
    (after the counters' lock), so the answer stays true."""
    employer = session.execute(
        select(VacancyRow.employer).where(VacancyRow.id == vacancy_id)
    ).scalar_one_or_none()
    if employer is None or (owner is not None and employer != owner):
        raise vacancy_not_found(str(vacancy_id))
    return str(employer)


def import_vacancies(
    session: Session, *, vacancies: Sequence[Vacancy], owner: str | None = None
) -> ImportCounts:
    """Store a sheet's vacancies in the caller's transaction, as import_candidates stores
    people: one whose id is stored already is replaced (left alone when the same, as it would
    be stored: closed once past its closing day), the others created. `owner` as for
    replace_vacancy."""
    ids = [str(v.id) for v in vacancies if v.id is not None]
    stored = {
        str(ident): Vacancy.model_validate(data)
        for ident, data in session.execute(
            select(VacancyRow.id, VacancyRow.data).where(VacancyRow.id.in_(ids))
        )
    }
    today = date.today()
    counts = ImportCounts([], [], [])
    for vacancy in vacancies:
        before = stored.get(str(vacancy.id)) if vacancy.id is not None else None
        if before is None:
            counts.created.append(str(create_vacancy(session, vacancy=vacancy).id))
        elif before == _closed_if_past(vacancy, today=today):
            counts.unchanged.append(str(vacancy.id))
        else:
            counts.updated.append(str(replace_vacancy(session, vacancy=vacancy, owner=owner).id))
    return counts


@dataclass(frozen=True)
class VacancyIds:
    """What an import must know of the ids a sheet gives: whose vacancies they are, and which
    were deleted (and so are never given again)."""

    employers: dict[str, str]
    """id -> employer of the live vacancies among them."""
    retired: set[str]


def vacancy_ids(session: Session, *, ids: Sequence[str]) -> VacancyIds:
    if not ids:
        return VacancyIds({}, set())
    live = session.execute(select(VacancyRow.id, VacancyRow.employer).where(VacancyRow.id.in_(ids)))
    retired = session.execute(select(RetiredVacancyId.id).where(RetiredVacancyId.id.in_(ids)))
    return VacancyIds({str(i): str(e) for i, e in live}, {str(i) for i in retired.scalars()})


def vacancy_keys(
    session: Session, *, employer: str | None = None
) -> list[tuple[str, str, str, str]]:
    """(id, employer, title folded as `accentless` folds it, postcode) of every stored vacancy
    with a postcode (only `employer`'s, if given): how an import tells a vacancy stored
    already under another id."""
    query = select(VacancyRow.id, VacancyRow.employer, VacancyRow.title_key, VacancyRow.postcode)
    if employer is not None:
        query = query.where(VacancyRow.employer == employer)
    return [
        (str(i), str(e), str(t), str(p))
        for i, e, t, p in session.execute(query)
        if t is not None and p is not None
    ]


# ---------------------------------------------------------------- applications


def _application_id() -> str:
    return f"a-{secrets.token_hex(6)}"


def _application(row: ApplicationRow) -> Application:
    return Application.model_validate(
        {
            "id": row.id,
            "candidate_id": row.candidate_id,
            "vacancy_id": row.vacancy_id,
            "jobhunter": row.jobhunter,
            "steps": row.steps,
            "snapshot": row.snapshot,
        }
    )


def _application_values(application: Application) -> dict[str, Any]:
    return {
        "status": application.status,
        "hired_on": application.reached("hired"),
        "steps": [s.model_dump(mode="json") for s in application.steps],
        "updated_at": utcnow(),
    }


def create_application(
    session: Session, *, application: Application, employer: str, again: bool = False
) -> Application:
    """Store a new application for a vacancy of `employer`; its candidate must exist (the caller
    checks, for a clear 404). The application stays that employer's, whatever becomes of the
    vacancy.

    One pair, one story: with an application in progress for this person and vacancy, a new one
    is refused (ApplicationExists); after one ended (rejected, withdrawn, hired) only `again`.
    """
    # The person's row lock first, so two proposals of the same pair at once queue up and the
    # second sees the first.
    session.execute(
        select(CandidateRow.id).where(CandidateRow.id == application.candidate_id).with_for_update()
    )
    _refuse_a_second_story(session, application=application, again=again)
    if application.id is None:
        application = application.model_copy(update={"id": _application_id()})
    values = _application_values(application)
    try:
        session.execute(
            insert(ApplicationRow).values(
                id=application.id,
                candidate_id=application.candidate_id,
                vacancy_id=application.vacancy_id,
                jobhunter=application.jobhunter,
                employer=employer,
                proposed_on=application.proposed_on,
                snapshot=(
                    None
                    if application.snapshot is None
                    else application.snapshot.model_dump(mode="json")
                ),
                created_at=values["updated_at"],
                **values,
            )
        )
    except IntegrityError as error:
        raise AlreadyExists(f"an application with id '{application.id}' exists already") from error
    return application


def _refuse_a_second_story(session: Session, *, application: Application, again: bool) -> None:
    rows = session.execute(
        select(ApplicationRow)
        .where(
            ApplicationRow.candidate_id == application.candidate_id,
            ApplicationRow.vacancy_id == application.vacancy_id,
        )
        .order_by(ApplicationRow.proposed_on.desc(), ApplicationRow.id.desc())
    ).scalars()
    for row in rows:
        before = _application(row)
        last = before.steps[-1]
        pair = f"'{application.candidate_id}' and vacancy '{application.vacancy_id}'"
        if last.status not in FINAL_STATUSES:
            raise ApplicationExists(
                f"application '{before.id}' for candidate {pair} is in progress ({last.status}"
                f" since {last.on}): record its next step instead",
                application_id=str(before.id),
            )
        if not again:
            why = f", reason {last.reason}" if last.reason else ""
            raise ApplicationExists(
                f"application '{before.id}' for candidate {pair} ended ({last.status} on"
                f' {last.on}{why}): send "again": true to propose it once more',
                application_id=str(before.id),
            )


def get_application(session: Session, *, application_id: str) -> Application | None:
    row = session.get(ApplicationRow, application_id)
    return None if row is None else _application(row)


def add_step(
    session: Session, *, application_id: str, step: ApplicationStep, employer: str | None = None
) -> Application:
    """Append a step (ValueError if it cannot follow the last one); a hire places the person and
    fills a position of the vacancy (the last one fills the vacancy). With `employer`, only to an
    application made to that employer's vacancy (NotFound otherwise, as for a missing one)."""
    # A hire may change the vacancy, a write of the catalog: its counters' lock comes first, as
    # in every vacancy write and erasure, so none of them can deadlock with this one.
    revision = _bump_catalog(session) if step.status == "hired" else None
    # The update first takes the row's write lock, so concurrent steps queue up, none lost.
    # By the employer stored with the application (what was proposed to one employer's
    # vacancy stays that employer's), in the same statement that takes the row's lock.
    mine = ApplicationRow.employer == employer if employer is not None else true()
    touched = session.execute(
        update(ApplicationRow)
        .where(ApplicationRow.id == application_id, mine)
        .values(updated_at=utcnow())
    )
    if touched.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no application with id '{application_id}'")
    row = session.get(ApplicationRow, application_id, populate_existing=True)
    assert row is not None
    try:
        application = _application(row).with_step(step)
    except ValueError as error:
        raise ImpossibleStep(str(error)) from None
    session.execute(
        update(ApplicationRow)
        .where(ApplicationRow.id == application_id)
        .values(**_application_values(application))
    )
    session.expire(row)
    hired = application.reached("hired")
    if step.status == "hired" and hired is not None:
        # A hire places the person (in the stage history with the hire's day).
        _move_stage(session, candidate_id=application.candidate_id, stage="placed", on=hired)
        assert revision is not None
        _fill_if_all_hired(session, vacancy_id=application.vacancy_id, revision=revision)
    return application


def _move_stage(session: Session, *, candidate_id: str, stage: str, on: date) -> None:
    """Set a person's stage as a step of their record did, and note it in the stage history."""
    data = session.execute(
        select(CandidateRow.data).where(CandidateRow.id == candidate_id).with_for_update()
    ).scalar_one_or_none()
    if data is None or data.get("stage") == stage:
        return
    session.execute(
        update(CandidateRow)
        .where(CandidateRow.id == candidate_id)
        .values(stage=stage, data={**data, "stage": stage}, updated_at=utcnow())
    )
    _record_stage(session, candidate_id=candidate_id, stage=stage, on=on)


def candidate_with_record(session: Session, *, candidate_id: str) -> tuple[str, str] | None:
    """The stored JSON as text and the record key (each application's id:vacancy:status, ""
    for none) in one statement; None if there is no such person."""
    row = session.execute(_CANDIDATE_AND_RECORD, {"candidate_id": candidate_id}).one_or_none()
    return None if row is None else (str(row[0]), str(row[1] or ""))


def pair_histories_of(session: Session, *, candidate_id: str) -> dict[str, PairHistory]:
    """Per vacancy, the person's latest application to it."""
    return pair_histories(applications(session, candidate_id=candidate_id))


def vacancy_histories(session: Session, *, vacancy_id: str) -> dict[str, PairHistory]:
    """Per person, their latest application to this vacancy."""
    found: dict[str, list[Application]] = {}
    for application in applications(session, vacancy_id=vacancy_id):
        found.setdefault(application.candidate_id, []).append(application)
    return {who: pair_histories(apps)[vacancy_id] for who, apps in found.items()}


def applications(
    session: Session,
    *,
    candidate_id: str | None = None,
    vacancy_id: str | None = None,
    employer: str | None = None,
) -> list[Application]:
    """Applications oldest first (of a candidate, of a vacancy, of an employer, or all).

    `employer` is the one stored with each application when it was proposed, not the employer
    of whatever vacancy has that id now.
    """
    query = select(ApplicationRow)
    if candidate_id is not None:
        query = query.where(ApplicationRow.candidate_id == candidate_id)
    if vacancy_id is not None:
        query = query.where(ApplicationRow.vacancy_id == vacancy_id)
    if employer is not None:
        query = query.where(ApplicationRow.employer == employer)
    rows = session.execute(query.order_by(ApplicationRow.proposed_on, ApplicationRow.id))
    return [_application(r) for r in rows.scalars()]


def vacancy_employer(session: Session, *, vacancy_id: str) -> str | None:
    return session.execute(
        select(VacancyRow.employer).where(VacancyRow.id == vacancy_id)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class FollowUp:
    candidate_id: str
    hired_on: date
    due_on: date


def followups_due(session: Session, *, on: date) -> list[FollowUp]:
    """Placed people whose latest hire is two calendar months or more before `on`.

    The hire's day comes from their applications, or else from when they were set `placed`.
    """
    placed = select(CandidateRow.id).where(CandidateRow.stage == "placed")
    hired: dict[str, date] = {}
    rows = session.execute(
        select(ApplicationRow.candidate_id, func.max(ApplicationRow.hired_on))
        .where(ApplicationRow.candidate_id.in_(placed), ApplicationRow.hired_on.is_not(None))
        .group_by(ApplicationRow.candidate_id)
    )
    hired.update((who, day) for who, day in rows if day is not None)
    rows = session.execute(
        select(StageChangeRow.candidate_id, func.max(StageChangeRow.on))
        .where(StageChangeRow.candidate_id.in_(placed), StageChangeRow.stage == "placed")
        .group_by(StageChangeRow.candidate_id)
    )
    for who, day in rows:
        if day is not None:
            hired.setdefault(who, day)
    due = [FollowUp(who, day, follow_up_due(day)) for who, day in hired.items()]
    return sorted((f for f in due if f.due_on <= on), key=lambda f: (f.due_on, f.candidate_id))


@dataclass(frozen=True)
class FollowUpRecord:
    candidate_id: str
    on: date
    outcome: str
    reason: str | None
    note: str | None
    recorded_by: str
    stage: str
    """The person's stage after it."""


def record_followup(
    session: Session, *, candidate_id: str, outcome: FollowUpOutcome, recorded_by: str
) -> FollowUpRecord:
    """Store what a follow-up found and move the person's stage as its outcome says.

    Only for people in work (NotInWork otherwise): a follow-up is of a hire.
    """
    stage = session.execute(
        select(CandidateRow.stage).where(CandidateRow.id == candidate_id).with_for_update()
    ).scalar_one_or_none()
    if stage is None:
        raise NotFound(f"no candidate with id '{candidate_id}' (body.candidate_id)")
    if stage not in IN_WORK:
        raise NotInWork(
            f"candidate '{candidate_id}' is at stage '{stage}': a follow-up is of a hire, for"
            " people placed or already followed up"
        )
    on = outcome.on or date.today()
    session.execute(
        insert(FollowUpRow).values(
            candidate_id=candidate_id,
            on=on,
            outcome=outcome.outcome,
            reason=outcome.reason,
            note=outcome.note,
            recorded_by=recorded_by,
            recorded_at=utcnow(),
        )
    )
    after = STAGE_AFTER_FOLLOW_UP[outcome.outcome]
    _move_stage(session, candidate_id=candidate_id, stage=after, on=on)
    return FollowUpRecord(
        candidate_id, on, outcome.outcome, outcome.reason, outcome.note, recorded_by, after
    )


def followups(session: Session, *, candidate_id: str) -> list[FollowUpRecord]:
    """A person's follow-ups, oldest first, each with the stage it moved them to."""
    rows = session.execute(
        select(FollowUpRow)
        .where(FollowUpRow.candidate_id == candidate_id)
        .order_by(FollowUpRow.on, FollowUpRow.id)
    ).scalars()
    return [
        FollowUpRecord(
            r.candidate_id,
            r.on,
            r.outcome,
            r.reason,
            r.note,
            r.recorded_by,
            STAGE_AFTER_FOLLOW_UP[r.outcome],
        )
        for r in rows
    ]


def vacancy_statuses(session: Session, *, ids: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """(status, title, employer) of the vacancies with these ids that exist (deleted ones are
    missing)."""
    wanted = sorted(set(ids))
    found: dict[str, tuple[str, str, str]] = {}
    for first in range(0, len(wanted), 500):  # bounded IN lists
        rows = session.execute(
            select(VacancyRow.id, VacancyRow.status, VacancyRow.data).where(
                VacancyRow.id.in_(wanted[first : first + 500])
            )
        )
        for ident, status, data in rows:
            found[str(ident)] = (str(status), str(data["title"]), str(data["employer"]))
    return found


def candidate_stages(session: Session) -> dict[str, str]:
    return {str(i): str(s) for i, s in session.execute(select(CandidateRow.id, CandidateRow.stage))}


# ---------------------------------------------------------------- weights


@dataclass(frozen=True)
class WeightsRecord:
    weights: Weights
    changed_by: str
    changed_at: datetime


def _record(row: WeightsRow) -> WeightsRecord:
    weights = Weights(version=row.version, weights=row.weights, note=row.note)
    return WeightsRecord(weights, row.changed_by, _aware(row.changed_at))


def _aware(when: datetime) -> datetime:
    """SQLite gives naive datetimes back; they were written in UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def get_weights(session: Session, *, version: int) -> WeightsRecord:
    row = session.get(WeightsRow, version)
    if row is None:
        raise NotFound(f"no weights with version {version}")
    return _record(row)


def weights_history(session: Session, *, limit: int, offset: int) -> list[WeightsRecord]:
    rows = session.execute(
        select(WeightsRow).order_by(WeightsRow.version.desc()).limit(limit).offset(offset)
    ).scalars()
    return [_record(r) for r in rows]


def set_weights(
    session: Session,
    *,
    weights: dict[str, float],
    note: str | None,
    changed_by: str,
    expected_version: int | None = None,
) -> WeightsRecord:
    """Store a new version of the weights; `expected_version`, if given, must be the next one."""
    version = session.execute(
        update(ServiceState)
        .where(ServiceState.id == 1)
        .values(weights_version=ServiceState.weights_version + 1)
        .returning(ServiceState.weights_version)
    ).scalar_one()
    if expected_version is not None and expected_version != version:
        raise VersionConflict(
            f"the next weights version is {version}, not {expected_version}: someone changed"
            " them since you read them; GET /weights and try again"
        )
    validated = Weights(version=version, weights=weights, note=note)
    row = WeightsRow(
        version=version,
        weights=validated.weights,
        note=note,
        changed_by=changed_by,
        changed_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _record(row)


# ---------------------------------------------------------------- the programme


@dataclass(frozen=True)
class ProgrammeRecord:
    programme: Programme
    changed_by: str
    changed_at: datetime


def get_programme(session: Session) -> ProgrammeRecord:
    """The programme's span and targets (stored at first start, so always there)."""
    row = session.get(ProgrammeRow, 1)
    if row is None:
        raise NotFound("the programme is not set up yet: start the service once")
    programme = Programme(
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        target_people=row.target_people,
        target_placed=row.target_placed,
    )
    return ProgrammeRecord(programme, row.changed_by, _aware(row.changed_at))


def set_programme(session: Session, *, programme: Programme, changed_by: str) -> ProgrammeRecord:
    values = {**programme.model_dump(), "changed_by": changed_by, "changed_at": utcnow()}
    touched = session.execute(update(ProgrammeRow).where(ProgrammeRow.id == 1).values(**values))
    if touched.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(insert(ProgrammeRow).values(id=1, **values))
    return get_programme(session)


def set_excluded(session: Session, *, candidate_id: str, excluded: bool) -> None:
    """Leave a person out of the programme's figures (a test or intake record), or back in."""
    touched = session.execute(
        update(CandidateRow).where(CandidateRow.id == candidate_id).values(excluded=excluded)
    )
    if touched.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no candidate with id '{candidate_id}'")


def excluded_ids(session: Session) -> set[str]:
    rows = session.execute(select(CandidateRow.id).where(CandidateRow.excluded.is_(True)))
    return {str(ident) for ident in rows.scalars()}


def _default_programme(session: Session, *, target_people: int, target_placed: int) -> None:
    """At first start: a programme of the usual length from the earliest stage on record."""
    if session.get(ProgrammeRow, 1) is not None:
        return
    first = session.execute(select(func.min(StageChangeRow.on))).scalar()
    programme = Programme.starting(
        first or date.today(),
        target_people=target_people,
        target_placed=min(target_placed, target_people),
    )
    set_programme(session, programme=programme, changed_by="system (first start)")


# ---------------------------------------------------------------- employers


@dataclass(frozen=True)
class EmployerRecord:
    id: str
    name: str
    contact: Contact | None
    created_at: datetime


class UnknownEmployer(ValueError):
    """No employer record by this name; the message names the close ones."""


def _employer_record(row: EmployerRow) -> EmployerRecord:
    contact = None if row.contact is None else Contact.model_validate(row.contact)
    return EmployerRecord(row.id, row.name, contact, _aware(row.created_at))


def create_employer(
    session: Session, *, name: str, contact: Contact | None = None
) -> EmployerRecord:
    """A new employer record: AlreadyExists if the name is taken."""
    # Under the counters' write lock, as vacancy writes (which record their employer's name),
    # so the two never race to insert the same name.
    _bump_catalog(session)
    if _employer_row(session, name=name) is not None:
        raise AlreadyExists(f"an employer named '{name}' exists already")
    row = EmployerRow(
        id=f"e-{secrets.token_hex(6)}",
        name=name,
        contact=None if contact is None else contact.model_dump(mode="json"),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _employer_record(row)


def _employer_row(session: Session, *, name: str) -> EmployerRow | None:
    return session.execute(select(EmployerRow).where(EmployerRow.name == name)).scalar_one_or_none()


def list_employers(session: Session) -> list[EmployerRecord]:
    rows = session.execute(select(EmployerRow).order_by(EmployerRow.name)).scalars()
    return [_employer_record(row) for row in rows]


def employer_names(session: Session) -> tuple[dict[str, str], set[str]]:
    """The employers known: records (id -> name), and the names stored vacancies give (those
    loaded with the fixtures have no record until a vacancy of theirs is written)."""
    records = {str(i): str(n) for i, n in session.execute(select(EmployerRow.id, EmployerRow.name))}
    named = set(session.execute(select(VacancyRow.employer).distinct()).scalars())
    return records, {*records.values(), *named}


def check_employer_known(session: Session, *, name: str) -> None:
    """UnknownEmployer, naming the close matches, unless an employer record has this name."""
    if _employer_row(session, name=name) is not None:
        return
    names = list(session.execute(select(EmployerRow.name)).scalars())
    close = [
        match
        for match, _, _ in process.extract(
            name,
            names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=3,
            score_cutoff=70,
        )
    ]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownEmployer(
        f"no employer named '{name}'{hint} (an employer is created with POST /employers)"
    )


def _record_employer(session: Session, *, name: str) -> None:
    """Every employer a vacancy names is a record (called under the counters' write lock)."""
    if _employer_row(session, name=name) is None:
        session.add(
            EmployerRow(
                id=f"e-{secrets.token_hex(6)}", name=name, contact=None, created_at=utcnow()
            )
        )
        session.flush()


# ---------------------------------------------------------------- accounts

PASSWORD_MIN = 10
PASSWORD_MAX = 1024
"""Long enough that guessing is slow even before the rate limit; short enough that hashing one
cannot be made to take long."""
_HASHER = PasswordHasher()  # argon2id, RFC 9106's low-memory profile


@cache
def _no_password() -> str:
    """Checked against when an e-mail has no password to check, so a sign-in takes as long
    whether or not the e-mail is known (made on first use: a hash takes a tenth of a second)."""
    return _HASHER.hash(secrets.token_urlsafe(16))


class NotAllowed(Exception):
    """The caller may not do this to that account (the message says why)."""


@dataclass(frozen=True)
class AccountRecord:
    """An account as shown: never its password hash."""

    id: str
    name: str
    email: str | None
    role: Role
    employer: str | None
    language: str | None
    can_sign_in: bool
    """Whether it has an e-mail and a password, and is not disabled."""
    created_at: datetime
    disabled_at: datetime | None


def _account_record(row: AccountRow) -> AccountRecord:
    return AccountRecord(
        id=row.id,
        name=row.name,
        email=row.email,
        role=cast(Role, row.role),
        employer=row.employer,
        language=row.language,
        can_sign_in=None not in (row.email, row.password_hash) and row.disabled_at is None,
        created_at=_aware(row.created_at),
        disabled_at=None if row.disabled_at is None else _aware(row.disabled_at),
    )


def email_key(email: str) -> str:
    """An e-mail as compared: spaces around it dropped, folded to lower case."""
    return email.strip().lower()


EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+")
EMAIL_MAX = 254


def check_email(email: str) -> None:
    """ValueError unless this looks like an e-mail address (something@somewhere, no spaces)."""
    too_long = max(len(email.strip()), len(email_key(email))) > EMAIL_MAX
    if too_long or not EMAIL_PATTERN.fullmatch(email.strip()):
        raise ValueError(f"'{email}' is not an e-mail address (something@somewhere)")
    if "\x00" in email:
        raise ValueError("an e-mail address has no NUL character")


def check_password(password: str) -> None:
    """ValueError saying why a password will not do."""
    if len(password) < PASSWORD_MIN:
        raise ValueError(f"a password needs at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise ValueError(f"a password has at most {PASSWORD_MAX} characters")


def new_password() -> str:
    """A password to hand to someone once: 16 characters, 96 random bits."""
    return secrets.token_urlsafe(12)


def _check_role(role: str, employer: str | None) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (role == "employer") != (employer is not None):
        raise ValueError("an employer account needs the employer's name; other roles take none")


def check_name(name: str) -> None:
    """ValueError unless the name has 1 to 200 characters besides the spaces around it."""
    if not 1 <= len(name.strip()) <= 200:
        raise ValueError("a name has 1 to 200 characters")


def _account_row(session: Session, account_id: str) -> AccountRow:
    row = session.get(AccountRow, account_id)
    if row is None:
        raise NotFound(f"no account with id '{account_id}'")
    return row


def _refuse_taken_email(session: Session, email: str, *, but: str | None = None) -> None:
    found = session.execute(
        select(AccountRow.id).where(AccountRow.email_key == email_key(email))
    ).scalar_one_or_none()
    if found is not None and found != but:
        raise AlreadyExists(f"an account with the e-mail '{email}' exists already")


def create_account(
    session: Session,
    *,
    name: str,
    role: Role,
    email: str | None,
    employer: str | None = None,
    password: str | None = None,
) -> AccountRecord:
    """A new account (AlreadyExists if the e-mail is taken); an employer account's employer must
    be a record (UnknownEmployer otherwise). Without a password it cannot sign in yet."""
    _check_role(role, employer)
    check_name(name)
    if employer is not None:
        check_employer_known(session, name=employer)
    if email is not None:
        check_email(email)
        _refuse_taken_email(session, email)
    if password is not None:
        check_password(password)
    return _insert_account(
        session, name=name, role=role, email=email, employer=employer, password=password
    )


def _insert_account(
    session: Session,
    *,
    name: str,
    role: Role,
    email: str | None,
    employer: str | None,
    password: str | None,
) -> AccountRecord:
    row = AccountRow(
        id=f"u-{secrets.token_hex(6)}",
        name=name,
        email=None if email is None else email.strip(),
        email_key=None if email is None else email_key(email),
        role=role,
        employer=employer,
        password_hash=None if password is None else _HASHER.hash(password),
        language=None,
        created_at=utcnow(),
        disabled_at=None,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:  # the same e-mail, written at the same moment
        raise AlreadyExists(f"an account with the e-mail '{email}' exists already") from error
    return _account_record(row)


def get_account(session: Session, *, account_id: str) -> AccountRecord | None:
    row = session.get(AccountRow, account_id)
    return None if row is None else _account_record(row)


def account_by_email(session: Session, *, email: str) -> AccountRecord | None:
    row = session.execute(
        select(AccountRow).where(AccountRow.email_key == email_key(email))
    ).scalar_one_or_none()
    return None if row is None else _account_record(row)


def list_accounts(session: Session) -> list[AccountRecord]:
    rows = session.execute(select(AccountRow).order_by(AccountRow.name, AccountRow.id)).scalars()
    return [_account_record(r) for r in rows]


_UNCHANGED: Any = object()


def update_account(
    session: Session,
    *,
    account_id: str,
    name: str | None = None,
    email: str | None = _UNCHANGED,
    role: Role | None = None,
    employer: str | None = _UNCHANGED,
    disabled: bool | None = None,
) -> AccountRecord:
    """Change what is given. Its keys take its new role and employer; disabling it stops its keys
    and ends its sessions at once; e-mail None removes it (it can no longer sign in)."""
    row = _account_row(session, account_id)
    new_role = role if role is not None else row.role
    new_employer = row.employer if employer is _UNCHANGED else employer
    if role is not None and role != "employer" and employer is _UNCHANGED:
        new_employer = None  # leaving the employer role leaves the employer
    _check_role(new_role, new_employer)
    if new_employer is not None and new_employer != row.employer:
        check_employer_known(session, name=new_employer)
    if email is not _UNCHANGED:
        if email is not None:
            check_email(email)
            _refuse_taken_email(session, email, but=account_id)
        row.email = None if email is None else email.strip()
        row.email_key = None if email is None else email_key(email)
    if name is not None:
        check_name(name)
        row.name = name
    if (new_role, new_employer) != (row.role, row.employer):
        row.role, row.employer = new_role, new_employer
        session.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.account_id == account_id)
            .values(role=new_role, employer=new_employer)
        )
    if disabled is True and row.disabled_at is None:
        row.disabled_at = utcnow()
        end_sessions(session, account_id=account_id)
    elif disabled is False:
        row.disabled_at = None
    session.flush()
    return _account_record(row)


def set_password(session: Session, *, account_id: str, password: str) -> None:
    """Its new password (ValueError if it will not do); every session of it ends."""
    check_password(password)
    row = _account_row(session, account_id)
    row.password_hash = _HASHER.hash(password)
    end_sessions(session, account_id=account_id)
    session.flush()


def set_language(session: Session, *, account_id: str, language: str) -> None:
    _account_row(session, account_id).language = language
    session.flush()


def check_sign_in(session: Session, *, email: str, password: str) -> AccountRecord | None:
    """The account these open, or None: an unknown e-mail, no password set, a wrong one, or a
    disabled account all look the same (and take as long)."""
    row = session.execute(
        select(AccountRow).where(AccountRow.email_key == email_key(email))
    ).scalar_one_or_none()
    stored = row.password_hash if row is not None and row.password_hash else _no_password()
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.password_hash is None or row.disabled_at is not None:
        return None
    if _HASHER.check_needs_rehash(row.password_hash):  # stored with older parameters
        row.password_hash = _HASHER.hash(password)
        session.flush()
    return _account_record(row)


def first_account(session: Session, *, email: str, name: str) -> str | None:
    """When no account can sign in, a coordinator account with this e-mail that can (made, or
    given a new password and enabled if it exists): its password, shown once. None when some
    account can sign in already."""
    # The counters' write lock: two processes starting together make one account, not two.
    session.execute(
        update(ServiceState)
        .where(ServiceState.id == 1)
        .values(catalog_version=ServiceState.catalog_version)
    )
    someone = session.execute(
        select(AccountRow.id)
        .where(
            AccountRow.email_key.is_not(None),
            AccountRow.password_hash.is_not(None),
            AccountRow.disabled_at.is_(None),
        )
        .limit(1)
    ).scalar_one_or_none()
    if someone is not None:
        return None
    password = new_password()
    existing = account_by_email(session, email=email)
    if existing is None:
        create_account(session, name=name, role="coordinator", email=email, password=password)
    else:
        set_password(session, account_id=existing.id, password=password)
        update_account(session, account_id=existing.id, disabled=False)
    return password


# ---------------------------------------------------------------- sessions and sign-in failures


@dataclass(frozen=True)
class SignedIn:
    """A signed-in browser's account, and the token its forms must carry."""

    account: AccountRecord
    csrf_token: str
    expires_at: datetime


_SEEN_EVERY = timedelta(minutes=1)
"""How stale `last_seen_at` may be: a page view writes it at most this often."""


def start_session(session: Session, *, account_id: str, lifetime: timedelta) -> str:
    """A new session for the account; returns the cookie's token (only its sha256 is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        SessionRow(
            token_hash=hash_key(token),
            account_id=account_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    # Sessions that ended by themselves go now and then, so the table does not grow forever.
    session.execute(delete(SessionRow).where(SessionRow.expires_at <= now))
    session.flush()
    return token


def find_session(session: Session, *, token: str) -> SignedIn | None:
    """The session this cookie token opens: not expired, its account not disabled."""
    now = utcnow()
    found = session.execute(
        select(SessionRow, AccountRow)
        .join(AccountRow, AccountRow.id == SessionRow.account_id)
        .where(
            SessionRow.token_hash == hash_key(token),
            SessionRow.expires_at > now,
            AccountRow.disabled_at.is_(None),
        )
    ).one_or_none()
    if found is None:
        return None
    row, account = found
    if _aware(row.last_seen_at) < now - _SEEN_EVERY:
        row.last_seen_at = now
        session.flush()
    return SignedIn(_account_record(account), row.csrf_token, _aware(row.expires_at))


def end_session(session: Session, *, token: str) -> None:
    session.execute(delete(SessionRow).where(SessionRow.token_hash == hash_key(token)))


def end_sessions(session: Session, *, account_id: str) -> None:
    session.execute(delete(SessionRow).where(SessionRow.account_id == account_id))


def sign_in_wait(
    session: Session,
    *,
    email: str,
    address: str,
    window: timedelta,
    per_email: int,
    per_address: int,
) -> int | None:
    """Seconds until this e-mail and this address may try again, or None if they may now: at
    most `per_email` failures for an e-mail, `per_address` from an address, in any `window`."""
    now = utcnow()
    waits = []
    for column, value, limit in (
        (SignInFailureRow.email_key, email_key(email), per_email),
        (SignInFailureRow.address, address, per_address),
    ):
        times = list(
            session.execute(
                select(SignInFailureRow.at)
                .where(column == value, SignInFailureRow.at > now - window)
                .order_by(SignInFailureRow.at.desc())
                .limit(limit)
            ).scalars()
        )
        if len(times) >= limit:
            # Another try once the oldest of the last `limit` failures is out of the window.
            waits.append((_aware(times[-1]) + window - now).total_seconds())
    return max(1, math.ceil(max(waits))) if waits else None


def record_sign_in_failure(
    session: Session, *, email: str, address: str, window: timedelta
) -> None:
    now = utcnow()
    session.add(SignInFailureRow(email_key=email_key(email)[:254], address=address, at=now))
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.at <= now - window))
    session.flush()


def clear_sign_in_failures(session: Session, *, email: str) -> None:
    """A sign-in that succeeded wipes its e-mail's failures (not its address's)."""
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.email_key == email_key(email)))


# ---------------------------------------------------------------- API keys


@dataclass(frozen=True)
class Principal:
    """Who is calling: their account (its id and name), role and (for employers) employer, and
    the API key they called with (None for a signed-in browser)."""

    account_id: str
    account_name: str
    role: Role
    employer: str | None
    key_id: str | None = None
    key_name: str | None = None

    @property
    def actor(self) -> str:
        """How the record names them as the one who proposed, followed up or set the weights."""
        return self.account_name

    @property
    def label(self) -> str:
        return self.account_name

    @classmethod
    def of(cls, account: AccountRecord) -> Principal:
        """A signed-in browser's account as the caller."""
        return cls(account.id, account.name, account.role, account.employer)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeyRecord:
    id: str
    role: Role
    employer: str | None
    name: str | None
    created_at: datetime
    account_id: str


def _key_record(row: ApiKeyRow) -> KeyRecord:
    return KeyRecord(
        row.id,
        cast(Role, row.role),
        row.employer,
        row.name,
        _aware(row.created_at),
        row.account_id,
    )


def create_key(
    session: Session,
    *,
    role: Role,
    employer: str | None = None,
    name: str | None = None,
    account_id: str | None = None,
) -> tuple[KeyRecord, str]:
    """A new key and its record; the key itself is not stored, only its sha256. It belongs to
    `account_id` (whose role and employer it must have), or, without one, to an account made for
    it as migration 0008 made them for the keys before it (named after the key, no password)."""
    _check_role(role, employer)
    key_id = f"k-{secrets.token_hex(4)}"
    if account_id is None:
        # Its employer is as checked (or not) as the key's: by the caller, as before accounts.
        account_id = _insert_account(
            session,
            name=name or f"{role} key {key_id}",
            role=role,
            email=None,
            employer=employer,
            password=None,
        ).id
    else:
        owner = _account_row(session, account_id)
        if (owner.role, owner.employer) != (role, employer):
            of = f" of {owner.employer}" if owner.employer else ""
            raise ValueError(
                f"the account '{owner.name}' is a {owner.role} account{of}: its keys are too"
            )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKeyRow(
        id=key_id,
        key_hash=hash_key(key),
        role=role,
        employer=employer,
        name=name,
        created_at=utcnow(),
        account_id=account_id,
    )
    session.add(row)
    session.flush()
    return _key_record(row), key


def find_key(session: Session, *, key: str) -> Principal | None:
    """Who calls with this key: None for an unknown or revoked key, or a disabled account's."""
    row = session.execute(_KEY_BY_HASH, {"key_hash": hash_key(key)}).one_or_none()
    if row is None:
        return None
    key_id, key_name, account_id, account_name, role, employer = row
    return Principal(account_id, account_name, cast(Role, role), employer, key_id, key_name)


def list_keys(session: Session) -> list[KeyRecord]:
    rows = session.execute(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id))
    return [_key_record(r) for r in rows.scalars()]


def delete_key(session: Session, *, key_id: str) -> None:
    result = session.execute(delete(ApiKeyRow).where(ApiKeyRow.id == key_id))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no API key with id '{key_id}'")


# ---------------------------------------------------------------- first start


def counts(session: Session) -> dict[str, int]:
    def count(stmt: Any) -> int:
        return int(session.execute(stmt).scalar() or 0)

    return {
        "candidates": count(select(func.count()).select_from(CandidateRow)),
        "vacancies": count(select(func.count()).select_from(VacancyRow)),
        "open_vacancies": count(
            select(func.count()).select_from(VacancyRow).where(VacancyRow.status == "open")
        ),
    }


def initialize(
    session: Session,
    *,
    fixtures: Callable[[], tuple[Iterable[Candidate], Iterable[Vacancy]]] | None,
    history: Callable[[], History | None] | None = None,
    target_people: int = 400,
    target_placed: int = 160,
) -> bool:
    """Store the default weights if there are none and, once, `fixtures()` into an empty database
    with `history()`, their past applications and stage changes, if it gives any; and the
    programme's span and targets if none are stored (the targets given here, from the start of
    the earliest stage on record).

    Returns whether the fixtures were loaded now.
    """
    # The write lock first, so two processes starting agree; an unchanged catalog keeps its
    # version, so a worker (re)starting does not make the running ones refit.
    session.execute(
        update(ServiceState)
        .where(ServiceState.id == 1)
        .values(catalog_version=ServiceState.catalog_version)
    )
    state = session.get(ServiceState, 1, populate_existing=True)
    assert state is not None
    _backfill_application_employers(session)
    if state.weights_version == 0:
        set_weights(
            session,
            weights=default_weights().weights,
            note=default_weights().note,
            changed_by="system (matcher/weights.json)",
        )
    loaded = False
    if fixtures is not None and not state.fixtures_loaded:
        existing = counts(session)
        if existing["candidates"] == 0 and existing["vacancies"] == 0:
            catalog = _bump_catalog(session)
            candidates, vacancies = fixtures()
            now = utcnow()
            people = [
                {
                    "id": c.id,
                    "stage": c.stage,
                    "data": c.model_dump(mode="json"),
                    "created_at": now,
                    "updated_at": now,
                }
                for c in candidates
            ]
            # Ids are never reused, not even by the fixtures (possible only if vacancies were
            # posted and all deleted before fixtures were first switched on).
            retired = set(session.execute(select(RetiredVacancyId.id)).scalars())
            offered = list(vacancies)
            jobs = [
                {"id": v.id, "created_at": now, **_vacancy_values(v, catalog)}
                for v in offered
                if v.id not in retired
            ]
            if len(jobs) < len(offered):
                logger.warning(
                    "fixtures: skipped %d vacancies whose ids were retired",
                    len(offered) - len(jobs),
                )
            if people:
                session.execute(insert(CandidateRow), people)
            if jobs:
                session.execute(insert(VacancyRow), jobs)
            past = history() if history is not None else None
            if past is not None:
                _load_history(
                    session,
                    past,
                    known={str(p["id"]) for p in people},
                    employers={str(j["id"]): str(j["employer"]) for j in jobs},
                )
            loaded = True
        state.fixtures_loaded = True
    _default_programme(session, target_people=target_people, target_placed=target_placed)
    return loaded


def _backfill_application_employers(session: Session) -> None:
    """Applications stored without their employer (by a version that did not record it, after
    migration 0003 filled in the older ones) get their vacancy's, as the migration did; those
    whose vacancy is gone stay without, so no employer key sees them."""
    owner = (
        select(VacancyRow.employer)
        .where(VacancyRow.id == ApplicationRow.vacancy_id)
        .scalar_subquery()
    )
    session.execute(
        update(ApplicationRow)
        .where(
            ApplicationRow.employer.is_(None),
            ApplicationRow.vacancy_id.in_(select(VacancyRow.id)),
        )
        .values(employer=owner)
    )


def _load_history(
    session: Session, history: History, *, known: set[str], employers: dict[str, str]
) -> None:
    """Past applications and stage changes of the people just loaded (others are skipped); each
    application keeps its vacancy's employer from `employers` (vacancy id to employer)."""
    now = utcnow()
    changes = [
        {**c.model_dump(), "recorded_at": now}
        for c in history.stage_changes
        if c.candidate_id in known
    ]
    rows = []
    for a in history.applications:
        if a.candidate_id not in known:
            continue
        rows.append(
            {
                "id": a.id or _application_id(),
                "candidate_id": a.candidate_id,
                "vacancy_id": a.vacancy_id,
                "jobhunter": a.jobhunter,
                "employer": employers.get(a.vacancy_id),
                "proposed_on": a.proposed_on,
                "snapshot": None if a.snapshot is None else a.snapshot.model_dump(mode="json"),
                "created_at": now,
                **_application_values(a),
            }
        )
    if changes:
        session.execute(insert(StageChangeRow), changes)
    if rows:
        session.execute(insert(ApplicationRow), rows)
    skipped = len(history.stage_changes) + len(history.applications) - len(changes) - len(rows)
    if skipped:
        logger.warning("history: skipped %d rows of candidates not in the fixtures", skipped)
