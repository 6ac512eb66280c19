"""Follow-ups after a hire: what they found, recorded with the coach's notes, moving the stage."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from matcher.models import Identifier, Stage
from matcher.outcomes.programme import FollowUpOutcome
from service import store
from service.deps import PeopleReader, SessionDep
from service.routers import CandidateId, errors, location

router = APIRouter(tags=["followups"])


class FollowUpIn(FollowUpOutcome):
    """The follow-up of a person in work; their stage moves: still working or a problem reported
    to `follow_up`, stopped to `ready` (looking again)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {"candidate_id": "c-0002", "outcome": "still_working"},
                {"candidate_id": "c-0002", "outcome": "stopped", "reason": "childcare"},
            ]
        },
    )

    candidate_id: Identifier


class FollowUpOut(BaseModel):
    candidate_id: str
    on: date
    outcome: str
    reason: str | None
    note: str | None
    recorded_by: str = Field(description="Who recorded it")
    stage: Stage = Field(description="The person's stage after it")

    @classmethod
    def of(cls, record: store.FollowUpRecord) -> FollowUpOut:
        return cls(**vars(record))


@router.post(
    "/followups",
    status_code=status.HTTP_201_CREATED,
    responses={
        **errors(400, 401, 403, 404, 413),
        409: {"description": "The person is not in work (placed or follow_up)"},
    },
)
def record_followup(
    session: SessionDep, principal: PeopleReader, body: FollowUpIn, response: Response
) -> FollowUpOut:
    """Record what the follow-up found; the person leaves the follow-ups due list."""
    outcome = FollowUpOutcome.model_validate(body.model_dump(exclude={"candidate_id"}))
    record = store.record_followup(
        session, candidate_id=body.candidate_id, outcome=outcome, recorded_by=principal.actor
    )
    response.headers["Location"] = location("candidates", body.candidate_id) + "/followups"
    return FollowUpOut.of(record)


@router.get("/candidates/{candidate_id}/followups", responses=errors(401, 403, 404))
def candidate_followups(
    session: SessionDep, _: PeopleReader, candidate_id: CandidateId
) -> list[FollowUpOut]:
    """A person's follow-ups, oldest first, with the coach's notes."""
    if store.get_candidate_text(session, candidate_id=candidate_id) is None:
        raise store.NotFound(f"no candidate with id '{candidate_id}'")
    return [FollowUpOut.of(r) for r in store.followups(session, candidate_id=candidate_id)]
