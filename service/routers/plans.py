"""Plans: a week's proposals for many candidates at once, spread so no vacancy drowns."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from matcher import Candidate, Engine, plan_proposals, top_k_proposals
from matcher.models import Identifier
from matcher.planning.planner import (
    DEFAULT_CROWDING,
    KEEP_PER_PROPOSAL,
    MAX_SOLVE_PAIRS,
    PlanTooLarge,
    Preferences,
    UnderWay,
)
from matcher.runtime import release_memory
from service import record, store
from service.catalog import Catalog
from service.deps import CatalogDep, PeopleReader, SessionDep
from service.routers import errors

router = APIRouter(prefix="/plans", tags=["plans"])

PLAN_PAIRS = 24_000_000
"""Most (person, open vacancy) pairs one plan scores: under 5 s on one idle core (measured: 290
people x 101,500 vacancies, 29.4 million pairs, took 6.0 s), so at 100,000 vacancies a plan is
for at most some 236 people (422 beyond, naming that number); the fixtures' 290 x 1,500 are 0.4
million. Memory
does not grow with it: people are scored a few at a time and only each person's best vacancies
are kept (`matcher.planning.planner.Preferences`)."""


def plan_pair_limit() -> int:
    """A dependency, so that tests can lower the bound (`app.dependency_overrides`)."""
    return PLAN_PAIRS


PlanPairLimit = Annotated[int, Depends(plan_pair_limit)]


def _too_large(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["body", "candidate_ids"], "msg": message, "type": "value_error"}],
    )


class PlanIn(BaseModel):
    """How many proposals are reasonable, and for whom (default: every `ready` candidate)."""

    model_config = ConfigDict(extra="forbid")

    per_candidate: int = Field(default=3, ge=1, le=20, description="Proposals per candidate")
    per_position: int = Field(
        default=2, ge=1, le=20, description="Proposals per open position of a vacancy"
    )
    min_score: float = Field(default=0.0, ge=0, le=1, description="Propose only from this score")
    crowding: float = Field(
        default=DEFAULT_CROWDING,
        ge=0,
        le=1,
        description="Score the k-th proposal to a vacancy with p positions gives up: "
        "crowding x (k - 1) / p; 0 maximises the total score alone",
    )
    candidate_ids: list[Identifier] | None = Field(
        default=None, max_length=500, description="These candidates (any stage) instead"
    )


class Proposal(BaseModel):
    vacancy_id: str
    title: str
    employer: str
    score: float = Field(ge=0, le=1)


class CandidateProposals(BaseModel):
    candidate_id: str
    proposals: list[Proposal] = Field(description="Best first")


class PlanMetrics(BaseModel):
    proposals: int
    total_score: float
    max_per_vacancy: int = Field(description="Proposals on the most-proposed vacancy")
    gini: float = Field(description="Gini of proposals over all open vacancies, zeros included")
    gini_reachable: float = Field(
        description="The same over vacancies at least one of the candidates is eligible for"
    )
    coverage: float = Field(description="Share of open vacancies with at least one proposal")
    coverage_reachable: float
    over_capacity: int = Field(description="Vacancies over per_position x positions")
    candidates_without: int


class PlanSummary(BaseModel):
    planner: PlanMetrics
    top_k: PlanMetrics = Field(description="Each candidate's best per_candidate, to compare")


class PlanOut(BaseModel):
    """Proposals per candidate (in id order), and how they spread compared with plain top-k."""

    weights_version: int
    per_candidate: int
    per_position: int
    min_score: float
    crowding: float
    candidates: list[CandidateProposals]
    summary: PlanSummary


@router.post(
    "",
    response_model=PlanOut,
    responses={
        **errors(400, 401, 403, 404, 413),
        422: {"description": "A bad field, or too many people to plan for at once"},
    },
)
def make_plan(
    session: SessionDep,
    _: PeopleReader,
    catalog: CatalogDep,
    limit: PlanPairLimit,
    body: PlanIn | None = None,
) -> dict[str, Any]:
    """Choose proposals that maximise the total score, less a cost for crowding, while each
    candidate gets at most `per_candidate` and each vacancy at most `per_position` per open
    position; only unblocked pairs are proposed. Nothing is stored. More people than the
    service scores at once against the open vacancies get 422: name fewer in `candidate_ids`."""
    return plan_for(session, catalog, body or PlanIn(), limit=limit)


def plan_for(
    session: Session, catalog: Catalog, body: PlanIn, *, limit: int = PLAN_PAIRS
) -> dict[str, Any]:
    """POST /plans's answer; `matcher plan` calls this too."""
    people: list[Candidate]
    if body.candidate_ids is None:
        people = catalog.candidates_at(session, stages=["ready"])
    else:
        wanted = list(dict.fromkeys(body.candidate_ids))
        people = store.candidates_with_ids(session, ids=wanted)
        found = {c.id for c in people}
        missing = [i for i in wanted if i not in found]
        if missing:
            shown = ", ".join(f"'{i}'" for i in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise store.NotFound(f"candidate_ids: no candidate with id {shown}{more}")
    engine = catalog.current(session).engine
    n_open = len(engine.vacancies_)
    if len(people) * n_open > limit:
        fits = max(limit // max(n_open, 1), 1)
        raise _too_large(
            f"{len(people)} people against {n_open} open vacancies are "
            f"{len(people) * n_open} pairs to score, more than this service scores for one "
            f"plan ({limit}); name at most {fits} people in candidate_ids"
        )
    try:
        return _plan(catalog, engine, people, body, record.under_way(session))
    except PlanTooLarge as error:
        raise _too_large(str(error)) from None
    finally:
        release_memory()


def _plan(
    catalog: Catalog,
    engine: Engine,
    people: list[Candidate],
    body: PlanIn,
    under_way: UnderWay,
) -> dict[str, Any]:
    per_candidate, per_position = body.per_candidate, body.per_position
    preferences = Preferences(
        engine,
        people,
        keep=KEEP_PER_PROPOSAL * per_candidate,
        min_score=body.min_score,
        gate=catalog.scoring,  # one person's turn at a time, so shortlists are not held up
        under_way=under_way,
    )
    plan = plan_proposals(
        engine,
        people,
        per_candidate=per_candidate,
        per_position=per_position,
        min_score=body.min_score,
        crowding=body.crowding,
        preferences=preferences,
        max_pairs=MAX_SOLVE_PAIRS,
        under_way=under_way,
    )
    naive = top_k_proposals(
        engine,
        people,
        per_candidate=per_candidate,
        per_position=per_position,
        min_score=body.min_score,
        preferences=preferences,
        under_way=under_way,
    )
    return {
        "weights_version": engine.weights.version,
        "per_candidate": per_candidate,
        "per_position": per_position,
        "min_score": body.min_score,
        "crowding": body.crowding,
        "candidates": [
            {"candidate_id": ident, "proposals": [p.as_dict() for p in proposals]}
            for ident, proposals in plan.by_candidate().items()
        ],
        "summary": {"planner": plan.metrics.as_dict(), "top_k": naive.metrics.as_dict()},
    }
