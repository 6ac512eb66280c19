"""Bodies of the HTTP contract besides the engine's own Candidate and Vacancy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, Self, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from matcher import Candidate, Vacancy, Weights
from matcher.models import Contact, Identifier, ShortText, Stage
from matcher.outcomes.applications import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    Note,
    PairHistory,
    PastDay,
    ShortlistSnapshot,
)
from matcher.travel.estimate import Mode
from matcher.weights import FEATURES
from service.store import Role


class RequestBody(BaseModel):
    """A body the service reads: no unknown fields, no NaN or infinities."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Message(BaseModel):
    """An error: FastAPI's `{"detail": ...}`."""

    detail: str


class ImportRefused(BaseModel):
    """422 of a sheet's import: a sentence and the report (every problem by row and column)
    when the sheet was read but has errors, or FastAPI's list of errors when the request itself
    cannot be read (no file, not a spreadsheet: each naming its field)."""

    model_config = ConfigDict(extra="allow")

    detail: str | list[dict[str, Any]]


Item = TypeVar("Item", bound=BaseModel)


class Page(BaseModel, Generic[Item]):
    """One page of a list: `data` in id order and `count`, the total matching the filters."""

    data: list[Item]
    count: int
    limit: int
    offset: int


CandidatePage = Page[Candidate]
VacancyPage = Page[Vacancy]


class Reason(BaseModel):
    code: str = Field(description="Stable, for clients that write their own words")
    message: str = Field(
        description="The reason in the reader's language (?lang=, else Accept-Language: en, nl,"
        " uk or ru; English by default; the response's Content-Language says which)"
    )
    params: dict[str, Any] = Field(description="The same in every language")


class Feature(BaseModel):
    score: float = Field(ge=0, le=1)
    blocking: bool
    reasons: list[Reason]


class Commute(Feature):
    minutes: int
    mode: Mode = Field(
        description="How the trip is made; employer_transport when the employer"
        " fetches the person (a vacancy with transport_provided)"
    )


class Features(BaseModel):
    skills: Feature
    language: Feature
    commute: Commute
    childcare: Feature


class VacancyMatch(BaseModel):
    vacancy_id: str
    title: str
    employer: str
    score: float = Field(ge=0, le=1)
    blocked: bool
    blocked_by: list[str] = Field(
        default_factory=list, description="The features that block it (empty when not blocked)"
    )
    features: Features
    history: PairHistory | None = Field(
        default=None,
        description="What already happened between this person and vacancy (null: nothing);"
        " such pairs are left out unless include_history=true, but an expired rejection",
    )


class CandidateMatch(BaseModel):
    candidate_id: str
    title: str
    employer: str
    score: float = Field(ge=0, le=1)
    blocked: bool
    blocked_by: list[str] = Field(
        default_factory=list, description="The features that block it (empty when not blocked)"
    )
    features: Features
    history: PairHistory | None = Field(
        default=None,
        description="What already happened between this person and vacancy (null: nothing);"
        " such pairs are left out unless include_history=true, but an expired rejection",
    )


class CandidateShortlist(BaseModel):
    """Open vacancies for one candidate: unblocked first, then score descending, then id."""

    candidate_id: str
    weights_version: int
    stage: Stage | None = Field(default=None, description="The person's stage")
    withheld: str | None = Field(
        default=None,
        description="Why there are no results: the person is not looking for work (placed,"
        " follow_up or closed) and any_stage=true was not given",
    )
    left_out: int = Field(
        default=0,
        description="Open vacancies left out because the person's record already has them"
        " (include_history=true lists them, marked)",
    )
    results: list[VacancyMatch]
    near_misses: list[VacancyMatch] | None = Field(
        default=None,
        description="With include_blocked=true: the best blocked vacancies by score (up to 5),"
        " each with what blocks it, wherever results has them",
    )


class VacancyShortlist(BaseModel):
    """Candidates for one vacancy, in the same order as a candidate's shortlist."""

    vacancy_id: str
    weights_version: int
    results: list[CandidateMatch]
    near_misses: list[CandidateMatch] | None = Field(
        default=None,
        description="With include_blocked=true: the best blocked people by score (up to 5),"
        " each with what blocks them, wherever results has them",
    )


class WeightsIn(RequestBody):
    """New weights; `version`, if given, must be the next version (else 409: someone was first)."""

    weights: dict[str, float] = Field(
        examples=[{"skills": 0.4, "language": 0.25, "commute": 0.2, "childcare": 0.15}],
        # One weight per feature, each 0 to 100 (as Weights checks; at least one above zero).
        json_schema_extra={
            "properties": {f: {"type": "number", "minimum": 0, "maximum": 100} for f in FEATURES},
            "required": list(FEATURES),
            "additionalProperties": False,
        },
    )
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(default=None, ge=1)

    @field_validator("weights")
    @classmethod
    def _the_engines_rules(cls, value: dict[str, float]) -> dict[str, float]:
        try:
            return Weights(weights=value).weights
        except ValidationError as error:
            messages = (e["msg"].removeprefix("Value error, ") for e in error.errors())
            raise ValueError("; ".join(messages)) from None


class WeightsOut(BaseModel):
    version: int
    weights: dict[str, float]
    note: str | None
    changed_by: str
    changed_at: datetime


def one_role_one_employer(schema: dict[str, Any]) -> None:
    """The rule the validators keep, said in the schema so that clients (and the fuzzer) can
    know it: an employer key or account names its employer, the others none."""
    schema["anyOf"] = [
        {
            "properties": {"role": {"const": "employer"}, "employer": {"type": "string"}},
            "required": ["role", "employer"],
        },
        {
            "properties": {
                "role": {"enum": [r for r in get_args(Role) if r != "employer"]},
                "employer": {"type": "null"},
            }
        },
    ]


class KeyIn(RequestBody):
    model_config = ConfigDict(json_schema_extra=one_role_one_employer)

    role: Role
    employer: str | None = Field(default=None, min_length=1, max_length=200)
    """Required for (and only for) employer keys: the vacancies' `employer` this key owns."""
    name: str | None = Field(default=None, min_length=1, max_length=200)
    """Who holds the key, shown as who changed the weights."""
    account_id: str | None = Field(default=None, min_length=1, max_length=200)
    """The account the key acts for (it must have the key's role and employer): the record then
    names that person. Without it, an account is made for the key alone, named after it."""

    @model_validator(mode="after")
    def _employer_for_employer_keys(self) -> Self:
        if self.role == "employer" and self.employer is None:
            raise ValueError("employer is required for an employer key (the vacancies it owns)")
        if self.role != "employer" and self.employer is not None:
            raise ValueError(f"employer is only for employer keys, not {self.role} keys")
        return self


class KeyOut(BaseModel):
    id: str
    role: Role
    employer: str | None
    name: str | None
    created_at: datetime
    account_id: str
    """The account the key acts for: what it does is recorded under that account's name."""


class NewKey(KeyOut):
    key: str = Field(description="The API key; shown this once, only its hash is stored.")


class TimetableHealth(BaseModel):
    feeds: list[str]
    digest: str = ""
    """Identifies the build's feeds: a new build in the folder is taken up without a restart."""
    week: str
    """The Monday of the week whose timetable shifts are judged on."""
    first_day: str
    last_day: str
    expired: bool
    warning: str | None = None


class Health(BaseModel):
    status: Literal["ok"]
    candidates: int
    vacancies: int
    open_vacancies: int
    catalog_version: int
    weights_version: int
    timetable: TimetableHealth | None = None
    """The public transport timetable in use (MATCHER_TRANSIT), or null for the estimate."""


class ApplicationIn(RequestBody):
    """A vacancy proposed to a candidate; the server adds who proposed it and the shortlist line."""

    candidate_id: Identifier
    vacancy_id: Identifier
    id: Identifier | None = Field(default=None, description="Assigned by the server if absent")
    on: PastDay | None = Field(
        default=None, description="The day it was proposed, not after today (default today)"
    )
    note: Note | None = Field(default=None, description="The jobhunter's note, free text")
    again: bool = Field(
        default=False,
        description="Propose a pair once more whose earlier application ended (rejected, withdrawn"
        " or hired); without it that is 409, as is any pair with an application in progress",
    )


class ApplicationOut(BaseModel):
    """An application with every step, its debrief notes and the shortlist line it came from."""

    id: str
    candidate_id: str
    vacancy_id: str
    jobhunter: str | None
    status: ApplicationStatus
    proposed_on: date
    updated_on: date = Field(description="The day of the latest step")
    steps: list[ApplicationStep]
    snapshot: ShortlistSnapshot | None = Field(
        description="Weights version, score and feature scores when it was proposed (null if it"
        " was recorded without one)"
    )

    title: str | None = Field(
        default=None, description="The vacancy's title (null only if it was deleted long ago)"
    )
    employer: str | None = Field(default=None, description="The vacancy's employer")

    @classmethod
    def of(cls, application: Application, *, vacancy: tuple[str, str] | None = None) -> Self:
        """`vacancy` is its (title, employer), where known."""
        return cls(
            title=vacancy[0] if vacancy else None,
            employer=vacancy[1] if vacancy else None,
            id=str(application.id),
            candidate_id=application.candidate_id,
            vacancy_id=application.vacancy_id,
            jobhunter=application.jobhunter,
            status=application.steps[-1].status,
            proposed_on=application.proposed_on,
            updated_on=application.steps[-1].on,
            steps=application.steps,
            snapshot=application.snapshot,
        )


class StepDay(BaseModel):
    status: ApplicationStatus
    on: date


class EmployerApplication(BaseModel):
    """What an employer sees of a proposal to its own vacancy: no person, no reasons, no notes."""

    id: str
    vacancy_id: str
    status: ApplicationStatus
    proposed_on: date
    updated_on: date
    steps: list[StepDay]

    @classmethod
    def of(cls, application: Application) -> Self:
        return cls(
            id=str(application.id),
            vacancy_id=application.vacancy_id,
            status=application.steps[-1].status,
            proposed_on=application.proposed_on,
            updated_on=application.steps[-1].on,
            steps=[StepDay(status=s.status, on=s.on) for s in application.steps],
        )


class FollowUpDue(BaseModel):
    candidate_id: str
    hired_on: date = Field(description="The day of their latest hire")
    due_on: date = Field(description="Two calendar months after the hire")


class EmployerIn(RequestBody):
    name: ShortText = Field(description="As vacancies and employer keys name it; unique")
    contact: Contact | None = None


class Employer(BaseModel):
    id: str
    name: str
    contact: Contact | None
    created_at: datetime
