"""The programme's figures: people per stage, activity over time, placements against the target."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Self, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from matcher.models import Candidate, Identifier, Stage
from matcher.outcomes.applications import (
    LATEST_DAY,
    OPEN_STATUSES,
    Application,
    Day,
    Note,
    PastDay,
    RejectionReason,
    months_later,
)

STAGES: tuple[str, ...] = get_args(Stage)
REJECTION_REASONS: tuple[str, ...] = get_args(RejectionReason)
_M = TypeVar("_M", bound=BaseModel)
FOLLOW_UP_MONTHS = 2
"""The programme follows a person up this many calendar months after they start work."""
UNKNOWN_JOBHUNTER = "(unknown)"
"""Stands in for applications recorded without a jobhunter's name."""


class StageChange(BaseModel):
    """A candidate entered a stage on a day (kept so that durations can be measured)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    candidate_id: Identifier
    stage: Stage
    on: date


PROGRAMME_MONTHS = 15
"""A programme runs this many months unless its coordinator sets its end."""


class Programme(BaseModel):
    """The programme as a record: when it runs and what it means to reach."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    starts_on: Day = Field(description="Its first day")
    ends_on: Day = Field(description="Its last day")
    target_people: int = Field(ge=1, le=1_000_000, description="People it means to reach")
    target_placed: int = Field(ge=1, le=1_000_000, description="People it means to place in work")

    @model_validator(mode="after")
    def _a_real_span(self) -> Self:
        if self.ends_on <= self.starts_on:
            raise ValueError(f"ends_on {self.ends_on} must come after starts_on {self.starts_on}")
        if self.target_placed > self.target_people:
            raise ValueError(
                f"target_placed {self.target_placed} is more than target_people "
                f"{self.target_people}: nobody can be placed who was not reached"
            )
        return self

    @classmethod
    def starting(cls, on: date, *, target_people: int, target_placed: int) -> Programme:
        """A programme of the usual length from `on`."""
        return cls(
            starts_on=on,
            ends_on=add_months(on, PROGRAMME_MONTHS),
            target_people=target_people,
            target_placed=target_placed,
        )


class _Figures(BaseModel):
    model_config = ConfigDict(frozen=True)


class Activity(_Figures):
    """Applications proposed, reaching an interview, and ending in a hire, counted by the day
    each of those steps happened."""

    proposals: int = 0
    interviews: int = 0
    hires: int = 0


class MonthActivity(Activity):
    month: str = Field(description="YYYY-MM", examples=["2026-01"])


class TimeToHire(_Figures):
    """Days from a person's first `ready` to their first hire, over people with both dates."""

    count: int
    median_days: float | None
    mean_days: float | None


class Placements(_Figures):
    placed: int = Field(description="People hired at least once")
    target_placed: int
    target_people: int
    people: int = Field(description="People in the programme now (all stages)")
    share_of_target: float = Field(description="placed / target_placed")


class Pace(_Figures):
    """Placements against a straight line from nobody at the start to the target at the end."""

    starts_on: date
    ends_on: date
    days_elapsed: int = Field(description="Days from the start to `as_of` (0 before it starts)")
    days_total: int
    expected_by_now: float = Field(
        description="Placements a straight line to the target reaches by `as_of`"
    )
    placed: int = Field(description="People placed by `as_of` (their first hire)")
    projected_at_end: float | None = Field(
        description="Placements at the end if they go on at the pace so far (null before the"
        " first day)"
    )
    on_track: bool = Field(description="placed >= expected_by_now")


class ProgrammeFigures(_Figures):
    """What coordinators follow; every count is as of `as_of` (later events are left out)."""

    as_of: date
    candidates_per_stage: dict[str, int]
    per_month: list[MonthActivity] = Field(
        description="Every month from the first event to `as_of`, zeros included"
    )
    per_jobhunter: dict[str, Activity]
    time_to_first_hire: TimeToHire
    rejection_reasons: dict[str, int]
    placements: Placements
    pace: Pace | None = Field(
        default=None, description="Against the programme's span (when it has one)"
    )

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def programme_figures(
    candidates: Iterable[Candidate | Mapping[str, Any]],
    applications: Iterable[Application | Mapping[str, Any]],
    stage_changes: Iterable[StageChange | Mapping[str, Any]],
    *,
    target_placed: int = 160,
    target_people: int = 400,
    today: date | None = None,
    programme: Programme | None = None,
) -> ProgrammeFigures:
    """The programme's figures from its people, their applications and their stage history.

    Dicts are accepted wherever models are (as read from JSON). Steps and stage changes after
    `today` (default: the real today) are ignored, so past figures can be reproduced. With a
    `programme`, the figures also give the pace against its span and target_placed.
    """
    if target_placed < 1 or target_people < 1:
        raise ValueError("targets must be at least 1")
    as_of = today or date.today()
    people = [_as(Candidate, c) for c in candidates]
    changes = [s for s in (_as(StageChange, s) for s in stage_changes) if s.on <= as_of]
    apps = [a for a in (_until(_as(Application, a), as_of) for a in applications) if a]

    per_stage: Counter[str] = Counter(p.stage for p in people)
    months: dict[str, Counter[str]] = {}
    jobhunters: dict[str, Counter[str]] = {}
    reasons: Counter[str] = Counter()
    first_hire: dict[str, date] = {}
    for app in apps:
        who = jobhunters.setdefault(app.jobhunter or UNKNOWN_JOBHUNTER, Counter())
        events = [("proposals", app.proposed_on)]
        for status, name in (("interview", "interviews"), ("hired", "hires")):
            on = app.reached(status)
            if on is not None:
                events.append((name, on))
        for name, on in events:
            months.setdefault(_month(on), Counter())[name] += 1
            who[name] += 1
        hired = app.reached("hired")
        if hired is not None:
            known = first_hire.get(app.candidate_id)
            first_hire[app.candidate_id] = hired if known is None else min(known, hired)
        for step in app.steps:
            if step.reason is not None:
                reasons[step.reason] += 1

    first_ready: dict[str, date] = {}
    for change in changes:
        if change.stage == "ready":
            known = first_ready.get(change.candidate_id)
            first_ready[change.candidate_id] = change.on if known is None else min(known, change.on)
    waits = [
        (hired - first_ready[who]).days
        for who, hired in first_hire.items()
        if who in first_ready and first_ready[who] <= hired
    ]
    placed = len(first_hire)
    return ProgrammeFigures(
        as_of=as_of,
        candidates_per_stage={stage: per_stage[stage] for stage in STAGES},
        per_month=[
            MonthActivity(month=m, **months.get(m, Counter())) for m in _months(months, as_of)
        ],
        per_jobhunter={name: Activity(**counts) for name, counts in sorted(jobhunters.items())},
        time_to_first_hire=TimeToHire(
            count=len(waits),
            median_days=float(statistics.median(waits)) if waits else None,
            mean_days=round(statistics.fmean(waits), 2) if waits else None,
        ),
        rejection_reasons={reason: reasons[reason] for reason in REJECTION_REASONS},
        placements=Placements(
            placed=placed,
            target_placed=target_placed,
            target_people=target_people,
            people=len(people),
            share_of_target=round(placed / target_placed, 4),
        ),
        pace=None if programme is None else pace(programme, first_hire.values(), as_of=as_of),
    )


def pace(programme: Programme, first_hires: Iterable[date], *, as_of: date) -> Pace:
    """Where the placements stand against a straight line to the target, and where they head."""
    total = (programme.ends_on - programme.starts_on).days
    elapsed = min(max((as_of - programme.starts_on).days, 0), total)
    placed = sum(1 for day in first_hires if programme.starts_on <= day <= as_of)
    expected = round(programme.target_placed * elapsed / total, 2)
    return Pace(
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        days_elapsed=elapsed,
        days_total=total,
        expected_by_now=expected,
        placed=placed,
        # Too early to extrapolate from nothing: one hire on day one is not 450 by the end.
        projected_at_end=round(placed * total / elapsed, 1) if elapsed > 0 else None,
        on_track=placed >= expected,
    )


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or that month's last day), never past LATEST_DAY."""
    return min(months_later(day, months), LATEST_DAY)


def follow_up_due(hired_on: date, *, months: int = FOLLOW_UP_MONTHS) -> date:
    """The day a follow-up is due: the same day `months` later (or that month's last day).

    A day past the calendar's end is `date.max` (before its start, `date.min`): the service
    refuses such hires now, but a database may hold one from before, and one stored row must not
    break the follow-up list for everyone.
    """
    return months_later(hired_on, months)


def _as(model: type[_M], value: _M | Mapping[str, Any]) -> _M:
    return value if isinstance(value, model) else model.model_validate(value)


def _until(app: Application, as_of: date) -> Application | None:
    """The application as it stood on `as_of`, or None if it was not proposed yet."""
    steps = [s for s in app.steps if s.on <= as_of]
    if not steps:
        return None
    return app if len(steps) == len(app.steps) else app.model_copy(update={"steps": steps})


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months(seen: Mapping[str, object], as_of: date) -> list[str]:
    if not seen:
        return []
    year, month = (int(part) for part in min(seen).split("-"))
    result = []
    while (year, month) <= (as_of.year, as_of.month):
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


# ---------------------------------------------------------------- what needs attention

STALE_DAYS = 14
"""A proposal with no step for this many days needs someone to ask what became of it."""
READY_DAYS = 30
"""A person ready this long without a proposal is being left behind."""

FollowUpOutcomeName = Literal["still_working", "stopped", "problem_reported"]
StopReason = Literal[
    "contract_ended", "quit", "dismissed", "health", "childcare", "commute", "moved", "other"
]
STAGE_AFTER_FOLLOW_UP: Mapping[str, Stage] = {
    "still_working": "follow_up",
    "problem_reported": "follow_up",
    # Out of work again: back to the people jobhunters propose vacancies to.
    "stopped": "ready",
}
"""The stage a follow-up's outcome moves the person to."""
IN_WORK: frozenset[str] = frozenset({"placed", "follow_up"})
"""The stages at which a follow-up can be recorded."""


class FollowUpOutcome(BaseModel):
    """What the follow-up two months after a hire found."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: FollowUpOutcomeName = Field(
        description="still_working; stopped (with a reason); problem_reported (with a note)"
    )
    on: PastDay | None = Field(default=None, description="The day of the follow-up (default today)")
    reason: StopReason | None = Field(
        default=None, description="Why they stopped (required for, and only for, stopped)"
    )
    note: Note | None = Field(default=None, description="The coach's notes, free text")

    @model_validator(mode="after")
    def _what_each_outcome_needs(self) -> Self:
        if (self.outcome == "stopped") != (self.reason is not None):
            raise ValueError(
                "reason is required when they stopped, and only then: "
                + ", ".join(get_args(StopReason))
            )
        if self.outcome == "problem_reported" and not self.note:
            raise ValueError("note is required for a reported problem: say what it is")
        return self


@dataclass(frozen=True)
class StaleProposal:
    application: Application
    last_step_on: date
    days_without_step: int


@dataclass(frozen=True)
class ReadyWithoutProposal:
    candidate_id: str
    ready_since: date
    days_ready: int


@dataclass(frozen=True)
class Attention:
    """What a jobhunter or coordinator should act on, each list most urgent first."""

    stale_proposals: list[StaleProposal]
    proposals_to_closed_vacancies: list[tuple[Application, str]]
    """Open applications whose vacancy is no longer open, with that vacancy's status."""
    ready_without_proposal: list[ReadyWithoutProposal]


def needs_attention(
    applications: Iterable[Application],
    stage_changes: Iterable[StageChange],
    *,
    stages: Mapping[str, str],
    vacancy_status: Mapping[str, str],
    as_of: date,
    stale_days: int = STALE_DAYS,
    ready_days: int = READY_DAYS,
) -> Attention:
    """Proposals gone quiet, proposals to vacancies that closed, and ready people left waiting.

    `stages` maps each person to their stage now, `vacancy_status` each vacancy to its status
    (a vacancy missing from it was deleted).
    """
    apps = list(applications)
    stale: list[StaleProposal] = []
    closed: list[tuple[Application, str]] = []
    for app in apps:
        if app.status not in OPEN_STATUSES:
            continue
        status = vacancy_status.get(app.vacancy_id, "deleted")
        if status != "open":
            closed.append((app, status))
        quiet = (as_of - app.steps[-1].on).days
        if quiet >= stale_days:
            stale.append(StaleProposal(app, app.steps[-1].on, quiet))
    ready_since: dict[str, date] = {}
    for change in sorted(stage_changes, key=lambda c: c.on):
        if change.on <= as_of:
            # The start of their current spell at `ready`: a later stage ends it.
            if change.stage == "ready":
                ready_since.setdefault(change.candidate_id, change.on)
            else:
                ready_since.pop(change.candidate_id, None)
    last_proposed: dict[str, date] = {}
    for app in apps:
        known = last_proposed.get(app.candidate_id)
        if known is None or app.proposed_on > known:
            last_proposed[app.candidate_id] = app.proposed_on
    waiting = []
    for who, since in ready_since.items():
        if stages.get(who) != "ready":
            continue
        proposed = last_proposed.get(who)
        if proposed is not None and proposed >= since:
            continue
        days = (as_of - since).days
        if days >= ready_days:
            waiting.append(ReadyWithoutProposal(who, since, days))
    return Attention(
        stale_proposals=sorted(stale, key=lambda s: (-s.days_without_step, str(s.application.id))),
        proposals_to_closed_vacancies=sorted(closed, key=lambda c: str(c[0].id)),
        ready_without_proposal=sorted(waiting, key=lambda w: (-w.days_ready, w.candidate_id)),
    )


NOT_LOOKING: frozenset[str] = frozenset({"placed", "follow_up", "closed"})
"""Stages of people not looking for work: in work, followed up, or out of the programme. They get
a shortlist only when it is asked for explicitly."""
