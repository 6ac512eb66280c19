"""What needs attention: proposals gone quiet or to vacancies that closed, follow-ups due, and
ready people nobody has proposed anything to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from matcher.outcomes.applications import OPEN_STATUSES, Application, Day
from matcher.outcomes.programme import Attention, needs_attention
from service import store
from service.deps import PeopleReader, ReaderLanguage, SessionDep
from service.documents import respond, tables
from service.formats import DocumentKind, document_responses
from service.routers import errors
from service.schemas import FollowUpDue
from service.settings import Settings
from service.store import FollowUp, Principal

router = APIRouter(tags=["attention"])


class ProposalLine(BaseModel):
    """An application in progress, as the attention list names it."""

    application_id: str
    candidate_id: str
    vacancy_id: str
    title: str | None = Field(description="The vacancy's title (null if it was deleted)")
    employer: str | None
    status: str
    jobhunter: str | None


class QuietProposal(ProposalLine):
    last_step_on: date
    days_without_step: int


class ProposalToClosedVacancy(ProposalLine):
    vacancy_status: str = Field(description="closed, filled or deleted")


class WaitingPerson(BaseModel):
    candidate_id: str
    ready_since: date
    days_ready: int


class AttentionOut(BaseModel):
    """Each list most urgent first. A jobhunter's key sees the proposals and follow-ups of the
    hires it recorded; everyone sees the ready people nobody proposed anything to."""

    as_of: date
    stale_days: int
    ready_days: int
    quiet_proposals: list[QuietProposal] = Field(
        description="Proposals in progress with no step for stale_days or more"
    )
    proposals_to_closed_vacancies: list[ProposalToClosedVacancy] = Field(
        description="Proposals in progress whose vacancy closed, filled or was deleted"
    )
    followups_due: list[FollowUpDue]
    ready_without_proposal: list[WaitingPerson] = Field(
        description="People ready for ready_days or more with nothing proposed since"
    )


@router.get(
    "/attention",
    response_model=AttentionOut,
    responses={**document_responses("csv", "xlsx", "pdf"), **errors(401, 403)},
)
def attention(
    request: Request,
    session: SessionDep,
    principal: PeopleReader,
    kind: DocumentKind,
    language: ReaderLanguage,
    on: Annotated[Day | None, Query(description="As of this day (default today)")] = None,
) -> AttentionOut | Response:
    """What a jobhunter (their own) or a coordinator (everyone's) should act on now; with
    `?format=csv|xlsx|pdf` (or Accept: text/csv, ...) the four lists as one table, each line
    saying which list it is on."""
    found = attention_for(session, request.app.state.settings, principal, as_of=on or date.today())
    if kind is None:
        return found
    return respond(tables.attention(found.model_dump(mode="json"), language), kind)


@dataclass(frozen=True)
class AttentionBasis:
    """What the attention list is worked out from, for every reader alike: the whole record
    read and judged once (some 120 ms on the fixtures), each reader's list a filter of it."""

    jobhunters: dict[str | None, str | None]
    """Who proposed each application (by id): what a reader's list is filtered by. Not the
    applications themselves: kept, the whole record was most of what the cycle collector
    walked on every full pass (26 ms)."""
    hires: tuple[tuple[str | None, str], ...]
    """(jobhunter, candidate) of each application that reached a hire."""
    found: Attention
    vacancies: dict[str, tuple[str, str, str]]
    followups: list[FollowUp]


def attention_basis(session: Session, settings: Settings, *, as_of: date) -> AttentionBasis:
    everything = store.applications(session)
    in_progress = {a.vacancy_id for a in everything if a.status in OPEN_STATUSES}
    vacancies = store.vacancy_statuses(session, ids=in_progress)
    found = needs_attention(
        everything,
        store.stage_changes(session),
        stages=store.candidate_stages(session),
        vacancy_status={ident: v[0] for ident, v in vacancies.items()},
        as_of=as_of,
        stale_days=settings.attention_stale_days,
        ready_days=settings.attention_ready_days,
    )
    return AttentionBasis(
        jobhunters={a.id: a.jobhunter for a in everything},
        hires=tuple(
            (a.jobhunter, a.candidate_id) for a in everything if a.reached("hired") is not None
        ),
        found=found,
        vacancies=vacancies,
        followups=store.followups_due(session, on=as_of),
    )


def attention_for(
    session: Session,
    settings: Settings,
    principal: Principal,
    *,
    as_of: date,
    basis: AttentionBasis | None = None,
) -> AttentionOut:
    """The attention list as `principal` sees it (the coaches' caseload page shows the same),
    from `basis` when the caller kept one for this day."""
    if basis is None:
        basis = attention_basis(session, settings, as_of=as_of)
    found, vacancies = basis.found, basis.vacancies
    everyone = principal.role == "coordinator"
    own = {ident for ident, by in basis.jobhunters.items() if everyone or by == principal.actor}
    hires_of_mine = {c for by, c in basis.hires if everyone or by == principal.actor}

    def line(application: Application) -> dict[str, Any]:
        """The fields every proposal line shows, its vacancy's title and employer included."""
        known = vacancies.get(application.vacancy_id)
        return {
            "application_id": str(application.id),
            "candidate_id": application.candidate_id,
            "vacancy_id": application.vacancy_id,
            "title": known[1] if known else None,
            "employer": known[2] if known else None,
            "status": application.status,
            "jobhunter": application.jobhunter,
        }

    return AttentionOut(
        as_of=as_of,
        stale_days=settings.attention_stale_days,
        ready_days=settings.attention_ready_days,
        quiet_proposals=[
            QuietProposal(
                **line(s.application),
                last_step_on=s.last_step_on,
                days_without_step=s.days_without_step,
            )
            for s in found.stale_proposals
            if s.application.id in own
        ],
        proposals_to_closed_vacancies=[
            ProposalToClosedVacancy(**line(app), vacancy_status=vacancy_status)
            for app, vacancy_status in found.proposals_to_closed_vacancies
            if app.id in own
        ],
        followups_due=[
            FollowUpDue(candidate_id=f.candidate_id, hired_on=f.hired_on, due_on=f.due_on)
            for f in basis.followups
            if principal.role == "coordinator" or f.candidate_id in hires_of_mine
        ],
        ready_without_proposal=[
            WaitingPerson(
                candidate_id=w.candidate_id, ready_since=w.ready_since, days_ready=w.days_ready
            )
            for w in found.ready_without_proposal
        ],
    )
