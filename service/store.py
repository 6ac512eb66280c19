"""Data access: candidates, vacancies, weights and API keys in the database, as engine models."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, cast, get_args

from sqlalchemy import (
    ColumnElement,
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
from matcher.history import History
from matcher.outcomes import Application, ApplicationStep
from matcher.programme import StageChange, follow_up_due
from service.tables import (
    ApiKeyRow,
    ApplicationRow,
    CandidateRow,
    RetiredVacancyId,
    ServiceState,
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


class NotOwner(Exception):
    """The vacancy belongs to another employer than the key's."""


class ImpossibleStep(ValueError):
    """The step cannot follow the application's last one (the message says why)."""


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
_KEYS = ApiKeyRow.__table__.c
_KEY_BY_HASH = select(_KEYS.id, _KEYS.role, _KEYS.employer, _KEYS.name).where(
    _KEYS.key_hash == bindparam("key_hash")
)


# ---------------------------------------------------------------- counters


def versions(session: Session) -> tuple[int, int]:
    """(catalog version, weights version) as committed now."""
    row = session.execute(_VERSIONS).one()
    return int(row[0]), int(row[1])


def _bump_catalog(session: Session) -> int:
    """Take the write lock on the counters and move the catalog on; first statement of a write."""
    version = session.execute(
        update(ServiceState)
        .where(ServiceState.id == 1)
        .values(catalog_version=ServiceState.catalog_version + 1)
        .returning(ServiceState.catalog_version)
    ).scalar_one()
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


def list_candidates(
    session: Session, *, stages: Sequence[str] | None = None, limit: int, offset: int
) -> tuple[list[Candidate], int]:
    where = CandidateRow.stage.in_(stages) if stages else true()
    total = session.execute(select(func.count()).select_from(CandidateRow).where(where)).scalar()
    rows = session.execute(
        select(CandidateRow.data).where(where).order_by(CandidateRow.id).limit(limit).offset(offset)
    ).scalars()
    return [Candidate.model_validate(d) for d in rows], int(total or 0)


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
    before = session.execute(
        select(CandidateRow.stage).where(CandidateRow.id == candidate.id).with_for_update()
    ).scalar_one_or_none()
    if before is None:
        raise NotFound(f"no candidate with id '{candidate.id}'")
    session.execute(
        update(CandidateRow)
        .where(CandidateRow.id == candidate.id)
        .values(stage=candidate.stage, data=candidate.model_dump(mode="json"), updated_at=utcnow())
    )
    if candidate.stage != before:
        _record_stage(
            session, candidate_id=str(candidate.id), stage=candidate.stage, on=date.today()
        )
    return candidate


def delete_candidate(session: Session, *, candidate_id: str) -> None:
    """The person and everything about them: applications (with notes) and stage history."""
    session.execute(delete(ApplicationRow).where(ApplicationRow.candidate_id == candidate_id))
    session.execute(delete(StageChangeRow).where(StageChangeRow.candidate_id == candidate_id))
    result = session.execute(delete(CandidateRow).where(CandidateRow.id == candidate_id))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no candidate with id '{candidate_id}'")


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


@dataclass(frozen=True)
class VacancyFilter:
    employer: str | None = None
    status: str | None = None
    language_light: bool | None = None

    def where(self) -> ColumnElement[bool]:
        clauses: list[ColumnElement[bool]] = [true()]
        if self.employer is not None:
            clauses.append(VacancyRow.employer == self.employer)
        if self.status is not None:
            clauses.append(VacancyRow.status == self.status)
        if self.language_light is not None:
            clauses.append(VacancyRow.language_light == self.language_light)
        return and_(*clauses)


def get_vacancy(session: Session, *, vacancy_id: str) -> Vacancy | None:
    data = session.execute(
        select(VacancyRow.data).where(VacancyRow.id == vacancy_id)
    ).scalar_one_or_none()
    return None if data is None else Vacancy.model_validate(data)


def list_vacancies(
    session: Session, *, where: VacancyFilter, limit: int, offset: int
) -> tuple[list[Vacancy], int]:
    clause = where.where()
    total = session.execute(select(func.count()).select_from(VacancyRow).where(clause)).scalar()
    rows = session.execute(
        select(VacancyRow.data).where(clause).order_by(VacancyRow.id).limit(limit).offset(offset)
    ).scalars()
    return [Vacancy.model_validate(d) for d in rows], int(total or 0)


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
    rows = [
        (r[0], r[1])
        for r in session.execute(
            select(VacancyRow.id, VacancyRow.data)
            .where(VacancyRow.revision > since)
            .order_by(VacancyRow.id)
        )
    ]
    present = {ident for ident, _ in rows}
    deleted = session.execute(
        select(RetiredVacancyId.id)
        .where(RetiredVacancyId.revision > since)
        .order_by(RetiredVacancyId.id)
    ).scalars()
    return VacancyChanges(rows=rows, deleted=[i for i in deleted if i not in present])


def _vacancy_values(vacancy: Vacancy, revision: int) -> dict[str, Any]:
    return {
        "employer": vacancy.employer,
        "status": vacancy.status,
        "language_light": vacancy.language.language_light,
        "revision": revision,
        "data": vacancy.model_dump(mode="json"),
        "updated_at": utcnow(),
    }


def create_vacancy(session: Session, *, vacancy: Vacancy) -> Vacancy:
    revision = _bump_catalog(session)
    if vacancy.id is None:
        vacancy = vacancy.model_copy(update={"id": _vacancy_id()})
    values = _vacancy_values(vacancy, revision)
    try:
        session.execute(
            insert(VacancyRow).values(id=vacancy.id, created_at=values["updated_at"], **values)
        )
    except IntegrityError as error:
        raise AlreadyExists(f"a vacancy with id '{vacancy.id}' exists already") from error
    return vacancy


def replace_vacancy(session: Session, *, vacancy: Vacancy, owner: str | None = None) -> Vacancy:
    """Replace a vacancy; with `owner`, only if it is that employer's (else NotOwner)."""
    revision = _bump_catalog(session)
    _check_owner(session, vacancy_id=vacancy.id, owner=owner)
    session.execute(
        update(VacancyRow)
        .where(VacancyRow.id == vacancy.id)
        .values(**_vacancy_values(vacancy, revision))
    )
    return vacancy


def delete_vacancy(session: Session, *, vacancy_id: str, owner: str | None = None) -> None:
    revision = _bump_catalog(session)
    _check_owner(session, vacancy_id=vacancy_id, owner=owner)
    employer = session.execute(
        select(VacancyRow.employer).where(VacancyRow.id == vacancy_id)
    ).scalar_one()
    session.execute(delete(VacancyRow).where(VacancyRow.id == vacancy_id))
    # At the revision the delete bumped to, so that every process's engine drops the vacancy.
    session.execute(delete(RetiredVacancyId).where(RetiredVacancyId.id == vacancy_id))
    session.execute(
        insert(RetiredVacancyId).values(
            id=vacancy_id, employer=employer, revision=revision, retired_at=utcnow()
        )
    )


def _check_owner(session: Session, *, vacancy_id: str | None, owner: str | None) -> None:
    """Inside the write transaction (after the counters' lock), so the answer stays true."""
    employer = session.execute(
        select(VacancyRow.employer).where(VacancyRow.id == vacancy_id)
    ).scalar_one_or_none()
    if employer is None:
        raise NotFound(f"no vacancy with id '{vacancy_id}'")
    if owner is not None and employer != owner:
        raise NotOwner(
            f"vacancy '{vacancy_id}' belongs to another employer than this key's ('{owner}')"
        )


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


def create_application(session: Session, *, application: Application) -> Application:
    """Store a new application; its candidate must exist (the caller checks, for a clear 404)."""
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


def get_application(session: Session, *, application_id: str) -> Application | None:
    row = session.get(ApplicationRow, application_id)
    return None if row is None else _application(row)


def add_step(session: Session, *, application_id: str, step: ApplicationStep) -> Application:
    """Append a step (ValueError if it cannot follow the last one); a hire places the person."""
    # The update first takes the row's write lock, so concurrent steps queue up, none lost.
    touched = session.execute(
        update(ApplicationRow)
        .where(ApplicationRow.id == application_id)
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
        _place(session, candidate_id=application.candidate_id, on=hired)
    return application


def _place(session: Session, *, candidate_id: str, on: date) -> None:
    """A hire moves the person to `placed` (recorded in the stage history with the hire's day)."""
    data = session.execute(
        select(CandidateRow.data).where(CandidateRow.id == candidate_id).with_for_update()
    ).scalar_one_or_none()
    if data is None or data.get("stage") == "placed":
        return
    session.execute(
        update(CandidateRow)
        .where(CandidateRow.id == candidate_id)
        .values(stage="placed", data={**data, "stage": "placed"}, updated_at=utcnow())
    )
    _record_stage(session, candidate_id=candidate_id, stage="placed", on=on)


def applications(
    session: Session, *, candidate_id: str | None = None, vacancy_id: str | None = None
) -> list[Application]:
    """Applications oldest first (of a candidate, of a vacancy, or all)."""
    query = select(ApplicationRow)
    if candidate_id is not None:
        query = query.where(ApplicationRow.candidate_id == candidate_id)
    if vacancy_id is not None:
        query = query.where(ApplicationRow.vacancy_id == vacancy_id)
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


# ---------------------------------------------------------------- API keys


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key's id, role and (for employers) employer."""

    key_id: str
    role: Role
    employer: str | None
    name: str | None

    @property
    def label(self) -> str:
        who = f"{self.name} " if self.name else ""
        return f"{who}(key {self.key_id}, {self.role})"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeyRecord:
    id: str
    role: Role
    employer: str | None
    name: str | None
    created_at: datetime


def _key_record(row: ApiKeyRow) -> KeyRecord:
    return KeyRecord(row.id, row.role, row.employer, row.name, _aware(row.created_at))  # type: ignore[arg-type]


def create_key(
    session: Session, *, role: Role, employer: str | None = None, name: str | None = None
) -> tuple[KeyRecord, str]:
    """A new key and its record; the key itself is not stored, only its sha256."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (role == "employer") != (employer is not None):
        raise ValueError("an employer key needs the employer's name; other roles take none")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKeyRow(
        id=f"k-{secrets.token_hex(4)}",
        key_hash=hash_key(key),
        role=role,
        employer=employer,
        name=name,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _key_record(row), key


def find_key(session: Session, *, key: str) -> Principal | None:
    row = session.execute(_KEY_BY_HASH, {"key_hash": hash_key(key)}).one_or_none()
    if row is None:
        return None
    return Principal(key_id=row[0], role=cast(Role, row[1]), employer=row[2], name=row[3])


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
) -> bool:
    """Store the default weights if there are none and, once, `fixtures()` into an empty database
    with `history()`, their past applications and stage changes, if it gives any.

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
            jobs = [
                {"id": v.id, "created_at": now, **_vacancy_values(v, catalog)} for v in vacancies
            ]
            if people:
                session.execute(insert(CandidateRow), people)
            if jobs:
                session.execute(insert(VacancyRow), jobs)
            past = history() if history is not None else None
            if past is not None:
                _load_history(session, past, known={str(p["id"]) for p in people})
            loaded = True
        state.fixtures_loaded = True
    return loaded


def _load_history(session: Session, history: History, *, known: set[str]) -> None:
    """Past applications and stage changes of the people just loaded (others are skipped)."""
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
