"""Applications: jobhunters record proposals and each step after; hires place people; follow-ups.

Debrief notes are personal: they are stored and returned to jobhunters and coordinators, never
shown to employers and never logged.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from matcher import Candidate, Vacancy
from matcher.engine import SCORE_DECIMALS
from matcher.outcomes.applications import (
    EARLIEST_DAY,
    LATEST_DAY,
    Application,
    ApplicationStep,
    Day,
    NewStep,
    ShortlistSnapshot,
)
from matcher.reasons import translator
from service import store
from service.catalog import Catalog
from service.deps import CatalogDep, PeopleReader, ReaderLanguage, SessionDep, VacancyUser
from service.documents import respond, tables
from service.examples import STEPS
from service.formats import VARY, DocumentKind, document_responses
from service.routers import ApplicationId, CandidateId, VacancyId, errors, location
from service.schemas import ApplicationIn, ApplicationOut, EmployerApplication, FollowUpDue
from service.store import Principal

router = APIRouter(tags=["applications"])

StepBody = Annotated[NewStep, Body(openapi_examples=STEPS)]
_DOCUMENTS = document_responses("csv", "xlsx", "pdf")


def _snapshot(
    session: Session, catalog: Catalog, candidate: Candidate, vacancy: Vacancy
) -> ShortlistSnapshot:
    """The candidate's shortlist line for this vacancy, with the weights in use now."""
    # The pair alone (a closed vacancy as if open): the same scores as its shortlist line.
    engine = catalog.current(session).engine.for_vacancy(vacancy)
    with catalog.scoring:
        scores = engine.score([candidate])
    return ShortlistSnapshot(
        weights_version=engine.weights.version,
        score=round(float(scores.score[0, 0]), SCORE_DECIMALS),
        blocked=bool(scores.blocked[0, 0]),
        features={
            name: round(float(f.score[0, 0]), SCORE_DECIMALS) for name, f in scores.features.items()
        },
    )


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 403, 404, 409, 413),
)
def propose(
    session: SessionDep,
    principal: PeopleReader,
    catalog: CatalogDep,
    body: ApplicationIn,
    response: Response,
) -> ApplicationOut:
    """Record that a vacancy was proposed to a candidate. The server adds who proposed it (the
    key's name) and the shortlist line it came from: weights version, score, blocked, features."""
    created = propose_application(session, catalog, principal, body)
    response.headers["Location"] = location("applications", str(created.id))
    return created


def propose_application(
    session: Session, catalog: Catalog, principal: Principal, body: ApplicationIn
) -> ApplicationOut:
    """The proposal recorded with its snapshot, by `principal` (the coach's "propose" button
    records the same)."""
    candidate = store.get_candidate(session, candidate_id=body.candidate_id)
    if candidate is None:
        raise store.NotFound(f"no candidate with id '{body.candidate_id}' (body.candidate_id)")
    vacancy = store.get_vacancy(session, vacancy_id=body.vacancy_id)
    if vacancy is None:
        raise store.NotFound(f"no vacancy with id '{body.vacancy_id}' (body.vacancy_id)")
    proposed_on = body.on or date.today()
    if vacancy.status != "open" and proposed_on >= date.today():
        # A proposal made before it closed may be recorded late, with its day; a new one not.
        raise store.VacancyNotOpen(
            f"vacancy '{body.vacancy_id}' is {vacancy.status}: it takes no new proposals"
            " (body.vacancy_id; one made before it closed is recorded with its day in body.on)"
        )
    application = Application(
        id=body.id,
        candidate_id=body.candidate_id,
        vacancy_id=body.vacancy_id,
        jobhunter=principal.actor,
        steps=[ApplicationStep(status="proposed", on=proposed_on, note=body.note)],
        snapshot=_snapshot(session, catalog, candidate, vacancy),
    )
    created = store.create_application(
        session, application=application, employer=vacancy.employer, again=body.again
    )
    return ApplicationOut.of(created, vacancy=(vacancy.title, vacancy.employer))


@router.get("/applications/{application_id}", responses=errors(401, 403, 404))
def get_application(
    session: SessionDep, _: PeopleReader, application_id: ApplicationId
) -> ApplicationOut:
    application = store.get_application(session, application_id=application_id)
    if application is None:
        raise store.NotFound(f"no application with id '{application_id}'")
    return with_vacancies(session, [application])[0]


EMPLOYER_STEPS: tuple[str, ...] = ("applied", "interview", "hired", "rejected")
"""What an employer may record of a proposal to its vacancy; withdrawing is the person's."""


def _employer_may_record(step: NewStep) -> None:
    """422 naming the field for what an employer may not record (the debrief is the coach's)."""
    refused = []
    if step.status not in EMPLOYER_STEPS:
        refused.append(
            {
                "type": "value_error",
                "loc": ["body", "status"],
                "msg": f"an employer records {', '.join(EMPLOYER_STEPS)}, not {step.status}",
            }
        )
    if step.note is not None:
        refused.append(
            {
                "type": "value_error",
                "loc": ["body", "note"],
                "msg": "notes are the jobhunters' debriefs; an employer records no note",
            }
        )
    if refused:
        raise RequestValidationError(refused)


@router.patch(
    "/applications/{application_id}",
    response_model=ApplicationOut | EmployerApplication,
    responses={
        **errors(400, 401, 403, 404, 413),
        422: {"description": "Not a step that can follow the last one (the message says why)"},
    },
)
def add_step(
    session: SessionDep, principal: VacancyUser, application_id: ApplicationId, step: StepBody
) -> Response:
    """The next step: applied, interview, hired, rejected (with a reason) or withdrawn, with its
    day (default today, never in the future) and an optional debrief. Steps go forward only; a
    hire moves the person to `placed`.

    An employer key records applied, interview, hired or rejected (with a reason, no note) for
    applications made to its own vacancies (any other is as missing, 404), and gets its view
    back (`EmployerApplication`: no person, no notes)."""
    changed = record_step(session, principal, application_id, step)
    return JSONResponse(changed.model_dump(mode="json"))


def record_step(
    session: Session, principal: Principal, application_id: str, step: NewStep
) -> ApplicationOut | EmployerApplication:
    """The step added, as the caller may see the application: an employer records only what
    EMPLOYER_STEPS allow (RequestValidationError naming the field), on applications made to its
    own vacancies (store.NotFound otherwise), and gets its view back."""
    if principal.role == "employer":
        _employer_may_record(step)
        changed = store.add_step(
            session,
            application_id=application_id,
            step=step.step(),
            employer=principal.employer,
        )
        return EmployerApplication.of(changed)
    changed = store.add_step(session, application_id=application_id, step=step.step())
    return with_vacancies(session, [changed])[0]


@router.get(
    "/candidates/{candidate_id}/applications",
    response_model=list[ApplicationOut],
    responses={**_DOCUMENTS, **errors(401, 403, 404)},
)
def candidate_applications(
    session: SessionDep,
    _: PeopleReader,
    candidate_id: CandidateId,
    kind: DocumentKind,
    language: ReaderLanguage,
) -> list[ApplicationOut] | Response:
    """Everything proposed to this person, oldest first; with `?format=csv|xlsx|pdf` (or
    Accept: text/csv, ...) as a sheet or a printed page, without the debrief notes."""
    if store.get_candidate_text(session, candidate_id=candidate_id) is None:
        raise store.NotFound(f"no candidate with id '{candidate_id}'")
    found = with_vacancies(session, store.applications(session, candidate_id=candidate_id))
    if kind is None:
        return found
    title = translator(language).fill(
        "document.applications.candidate", {"candidate": candidate_id}
    )
    document = tables.applications(
        [a.model_dump(mode="json") for a in found],
        title=title,
        filename=f"applications-{candidate_id}",
        language=language,
    )
    return respond(document, kind)


@router.get(
    "/vacancies/{vacancy_id}/applications",
    response_model=list[ApplicationOut | EmployerApplication],
    responses={**_DOCUMENTS, **errors(401, 403, 404)},
)
def vacancy_applications(
    session: SessionDep,
    principal: VacancyUser,
    vacancy_id: VacancyId,
    kind: DocumentKind,
    language: ReaderLanguage,
) -> Response:
    """Everything proposed for this vacancy, oldest first. An employer key sees only applications
    made to its own vacancies (deleted ones included), and of them only ids, status and days
    (`EmployerApplication`); another employer's vacancy is as missing to it (404) as no vacancy.
    With `?format=csv|xlsx|pdf` (or Accept: text/csv, ...) the same as a sheet or a printed
    page, without the debrief notes."""
    found = [a.model_dump(mode="json") for a in applications_to(session, principal, vacancy_id)]
    if kind is None:
        return JSONResponse(found, headers={"Vary": VARY})
    title = translator(language).fill("document.applications.vacancy", {"vacancy": vacancy_id})
    document = tables.applications(
        found, title=title, filename=f"applications-{vacancy_id}", language=language
    )
    return respond(document, kind)


def applications_to(
    session: Session, principal: Principal, vacancy_id: str
) -> list[ApplicationOut] | list[EmployerApplication]:
    """The applications to a vacancy as the caller may see them (store.NotFound if they may
    not see the vacancy): an employer only those made to its own, without the person."""
    employer = store.vacancy_employer(session, vacancy_id=vacancy_id)
    if principal.role == "employer":
        # By the employer stored with each application, not the vacancy's now: what was
        # proposed to one employer's vacancy stays that employer's.
        found = store.applications(session, vacancy_id=vacancy_id, employer=principal.employer)
        if not found and employer != principal.employer:
            raise store.vacancy_not_found(vacancy_id)
        return [EmployerApplication.of(a) for a in found]
    found = store.applications(session, vacancy_id=vacancy_id)
    if employer is None and not found:  # a deleted vacancy's applications stay on record
        raise store.vacancy_not_found(vacancy_id)
    return with_vacancies(session, found)


def with_vacancies(session: Session, found: list[Application]) -> list[ApplicationOut]:
    """The applications as the API shows them, each with its vacancy's title and employer (one
    query for all; closed and filled vacancies keep theirs)."""
    known = store.vacancy_statuses(session, ids=(a.vacancy_id for a in found))
    return [
        ApplicationOut.of(
            a,
            vacancy=(known[a.vacancy_id][1], known[a.vacancy_id][2])
            if a.vacancy_id in known
            else None,
        )
        for a in found
    ]


@router.get("/followups/due", responses=errors(401, 403))
def followups_due(
    session: SessionDep,
    _: PeopleReader,
    on: Annotated[
        Day | None,
        Query(description=f"As of this day, from {EARLIEST_DAY} to {LATEST_DAY} (default today)"),
    ] = None,
) -> list[FollowUpDue]:
    """Placed people whose latest hire was two calendar months ago or more, earliest due first;
    set them to `follow_up` (PUT /candidates/{id}) once followed up."""
    due = store.followups_due(session, on=on or date.today())
    return [
        FollowUpDue(candidate_id=f.candidate_id, hired_on=f.hired_on, due_on=f.due_on) for f in due
    ]
