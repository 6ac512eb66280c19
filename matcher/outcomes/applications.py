"""What happened to a proposal: each step from proposed to hired (or not), and its origin."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import MAXYEAR, MINYEAR, date
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from matcher.models import EARLIEST_DAY as EARLIEST_DAY
from matcher.models import LATEST_DAY as LATEST_DAY
from matcher.models import Identifier, ShortText, _Model
from matcher.weights import FEATURES

ApplicationStatus = Literal["proposed", "applied", "interview", "hired", "rejected", "withdrawn"]
RejectionReason = Literal[
    "language", "experience", "schedule", "commute", "no_response", "candidate_declined", "other"
]
FINAL_STATUSES: frozenset[str] = frozenset({"hired", "rejected", "withdrawn"})
OPEN_STATUSES: frozenset[str] = frozenset({"proposed", "applied", "interview"})
"""An application in progress: something is still expected to happen."""
_FORWARD: tuple[str, ...] = ("proposed", "applied", "interview", "hired")
"""The way forward; a step may skip ahead (proposed straight to interview) but never go back."""

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]

Day = Annotated[
    date,
    Field(
        ge=EARLIEST_DAY,
        le=LATEST_DAY,
        description=f"A day from {EARLIEST_DAY} to {LATEST_DAY}",
    ),
]
"""A day as the service takes it (in a query, say "as of")."""


def _not_after_today(day: date) -> date:
    # The server's day: a client's clock or time zone cannot make tomorrow acceptable.
    today = date.today()
    if day > today:
        raise ValueError(
            f"{day} is in the future: a step is recorded once it happened (today is {today})"
        )
    return day


PastDay = Annotated[Day, AfterValidator(_not_after_today)]
"""The day something happened, as a client sends it: from EARLIEST_DAY to today."""


def _check_reason(status: str, reason: str | None) -> None:
    if status == "rejected" and reason is None:
        raise ValueError(
            "reason is required for a rejection: language, experience, schedule, commute, "
            "no_response, candidate_declined or other"
        )
    if status != "rejected" and reason is not None:
        raise ValueError(f"reason is only for rejections, not for '{status}'")


class ApplicationStep(_Model):
    """One step, with the day it happened; rejections say why.

    Stored steps are read back as they are: the bounds on a new step's day are `NewStep`'s.
    """

    status: ApplicationStatus
    on: date = Field(description="The day it happened")
    reason: RejectionReason | None = Field(
        default=None, description="Why, for a rejection (required then, not allowed otherwise)"
    )
    note: Note | None = Field(default=None, description="The jobhunter's debrief, free text")

    @model_validator(mode="after")
    def _reason_only_for_rejections(self) -> Self:
        _check_reason(self.status, self.reason)
        return self


class NewStep(_Model):
    """A step as a client records it: its day is not in the future, and defaults to today."""

    status: ApplicationStatus
    on: PastDay | None = Field(
        default=None,
        description=f"The day it happened, from {EARLIEST_DAY} to today (default today)",
    )
    reason: RejectionReason | None = Field(
        default=None, description="Why, for a rejection (required then, not allowed otherwise)"
    )
    note: Note | None = Field(default=None, description="The jobhunter's debrief, free text")

    @model_validator(mode="after")
    def _reason_only_for_rejections(self) -> Self:
        _check_reason(self.status, self.reason)
        return self

    def step(self) -> ApplicationStep:
        """The step to store, dated today if the client gave no day."""
        return ApplicationStep(
            status=self.status, on=self.on or date.today(), reason=self.reason, note=self.note
        )


class ShortlistSnapshot(_Model):
    """The shortlist line the proposal came from, kept to learn which weights work."""

    weights_version: int = Field(ge=1)
    score: float = Field(ge=0, le=1)
    blocked: bool = False
    features: dict[str, float] = Field(
        description="Each feature's score in [0, 1]", examples=[{"skills": 0.8, "language": 1.0}]
    )

    @model_validator(mode="after")
    def _known_features(self) -> Self:
        unknown = sorted(set(self.features) - set(FEATURES))
        if unknown:
            raise ValueError(f"unknown features {unknown}; the features are {list(FEATURES)}")
        outside = sorted(f for f, s in self.features.items() if not 0 <= s <= 1)
        if outside:
            raise ValueError(f"feature scores must lie in [0, 1]: {outside}")
        return self


class Application(_Model):
    """A vacancy proposed to a candidate, and every step since."""

    id: Identifier | None = None
    candidate_id: Identifier
    vacancy_id: Identifier
    jobhunter: ShortText | None = Field(default=None, description="Who proposed it")
    steps: list[ApplicationStep] = Field(min_length=1, max_length=50)
    snapshot: ShortlistSnapshot | None = None

    @model_validator(mode="after")
    def _a_possible_journey(self) -> Self:
        check_journey(self.steps)
        return self

    @property
    def status(self) -> str:
        return self.steps[-1].status

    @property
    def proposed_on(self) -> date:
        return self.steps[0].on

    def reached(self, status: str) -> date | None:
        """The day this application reached a status, if it did."""
        return next((s.on for s in self.steps if s.status == status), None)

    def with_step(self, step: ApplicationStep) -> Application:
        """The application with one more step; ValueError if that step is not possible."""
        return self.model_copy(update={"steps": check_journey([*self.steps, step])})


def check_journey(steps: list[ApplicationStep]) -> list[ApplicationStep]:
    """Starts with proposed, dates never go back, no step after a final one, no going back."""
    if steps[0].status != "proposed":
        raise ValueError("the first step must be 'proposed'")
    for before, after in zip(steps, steps[1:], strict=False):
        if before.status in FINAL_STATUSES:
            raise ValueError(f"'{before.status}' is final: no step can follow it")
        if after.on < before.on:
            raise ValueError(
                f"'{after.status}' on {after.on} is before '{before.status}' on {before.on}"
            )
        if after.status in _FORWARD and _FORWARD.index(after.status) <= _FORWARD.index(
            before.status
        ):
            raise ValueError(f"cannot go from '{before.status}' to '{after.status}'")
    return steps


# ---------------------------------------------------------------- what a pair already went through

HistoryCode = Literal[
    "previously_proposed", "previously_rejected", "previously_withdrawn", "hired_here"
]
_HISTORY_CODES: dict[str, HistoryCode] = {
    "proposed": "previously_proposed",
    "applied": "previously_proposed",
    "interview": "previously_proposed",
    "rejected": "previously_rejected",
    "withdrawn": "previously_withdrawn",
    "hired": "hired_here",
}


class PairHistory(_Model):
    """The latest application of one person to one vacancy, as a shortlist line shows it."""

    code: HistoryCode = Field(
        description="previously_proposed (in progress), previously_rejected, "
        "previously_withdrawn or hired_here"
    )
    application_id: str
    status: ApplicationStatus
    on: date = Field(description="The day of its latest step (the rejection's day, say)")
    reason: RejectionReason | None = Field(default=None, description="Why it was rejected")
    expired: bool = Field(
        default=False,
        description="A rejection older than the programme's expiry: offered again, still marked",
    )

    @classmethod
    def of(cls, application: Application) -> PairHistory:
        last = application.steps[-1]
        return cls(
            code=_HISTORY_CODES[last.status],
            application_id=str(application.id),
            status=last.status,
            on=last.on,
            reason=last.reason,
        )

    def as_of(self, today: date, *, rejection_expires_months: int | None) -> PairHistory:
        """This history with `expired` set when a rejection is older than the expiry."""
        if self.code != "previously_rejected" or rejection_expires_months is None:
            return self
        expires = months_later(self.on, rejection_expires_months)
        return self.model_copy(update={"expired": today >= expires})

    @property
    def withholds(self) -> bool:
        """Whether the vacancy is left out of the person's shortlist unless history is asked for:
        anything in progress or ended, but an expired rejection."""
        return not self.expired


def pair_histories(applications: Iterable[Application]) -> dict[str, PairHistory]:
    """Per vacancy, the person's latest application to it (by its first day, then id)."""
    latest: dict[str, Application] = {}
    for application in applications:
        known = latest.get(application.vacancy_id)
        if known is None or (application.proposed_on, str(application.id)) >= (
            known.proposed_on,
            str(known.id),
        ):
            latest[application.vacancy_id] = application
    return {vacancy: PairHistory.of(a) for vacancy, a in latest.items()}


def months_later(day: date, months: int) -> date:
    """The same day `months` later (or that month's last day); `date.max`/`date.min` beyond the
    calendar's ends rather than an overflow (a database may hold a day from before the bounds)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    if year > MAXYEAR:
        return date.max
    if year < MINYEAR:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
