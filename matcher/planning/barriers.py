"""Barriers: which single change to a person's situation would unlock the most vacancies.

A coach can work on a Dutch course, a bike and cycling lessons, a public transport pass, a
driving licence or a car, childcare that covers early or late shifts, or a longer commute. Each
of these is a *variant* of the candidate (`Candidate.model_copy`); the original and its variants
are scored with `Engine.score`, a few rows per call so that memory stays bounded at any number
of vacancies, and compared row against row with numpy, so the answer costs about as much as one
shortlist per variant, never a loop over pairs.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.engine import SCORE_DECIMALS, Engine, Scores, SkillCredits, rank_order
from matcher.features.language import DUTCH
from matcher.models import LEVELS, MINUTES_PER_DAY, Candidate, TimeWindow, level_rank
from matcher.planning.planner import SCORE_PAIRS
from matcher.reasons import DEFAULT_LANGUAGE, Language, Reason, translator
from matcher.schedule import format_clock

__all__ = [
    "CHANGE_CODES",
    "BarrierReport",
    "BarrierStats",
    "Change",
    "ChangeEffect",
    "ChangeStats",
    "TopEntry",
    "analyse_barriers",
    "barrier_stats",
    "candidate_changes",
    "format_barriers",
    "scored_rows",
]

CHANGE_CODES: tuple[str, ...] = (
    "dutch_up_1",
    "dutch_up_2",
    "bike",
    "public_transport",
    "driving_licence",
    "car",
    "care_early",
    "care_late",
    "care_full_day",
    "available_any_time",
    "commute_plus_15",
    "commute_plus_30",
)
"""Every change's stable code, in the order ties are listed. Its words come from the message
catalogue: `programme_change.<code>` for programme-wide counts, `change.<code>` for a person's
own change, which says more ("Dutch to B1 (one level up)")."""


def _label(code: str, params: dict[str, Any] | None = None, *, variant: str = "") -> Reason:
    """A change's words, written out in the reader's language when shown."""
    return Reason("change", params or {}, variant=code + variant)


EARLY_START = 6 * 60
"""Childcare from this minute of the day (06:00), for the early shifts of the port and cleaning."""
LATE_END = 22 * 60
"""Childcare until this minute of the day (22:00), for late shifts."""
COMMUTE_STEPS = (15, 30)
MAX_COMMUTE = 240
"""The model's upper bound on `max_commute_minutes`."""
_HIGHEST_COURSE_LEVEL = LEVELS.index("C2") + 1  # a course can take Dutch to C2, not to native


@dataclass(frozen=True)
class Change:
    """One thing a coach could change, and the candidate as they would be after it."""

    code: str
    label: Reason
    params: dict[str, Any]
    candidate: Candidate


@dataclass(frozen=True)
class TopEntry:
    """A vacancy that a change brings into the person's top list."""

    vacancy_id: str | None
    title: str
    employer: str
    score: float
    """The score with the change."""
    score_before: float
    blocked_before: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "vacancy_id": self.vacancy_id,
            "title": self.title,
            "employer": self.employer,
            "score": round(self.score, SCORE_DECIMALS),
            "score_before": round(self.score_before, SCORE_DECIMALS),
            "blocked_before": self.blocked_before,
        }


@dataclass(frozen=True)
class ChangeEffect:
    """What one change does for one person."""

    code: str
    label: Reason
    params: dict[str, Any]
    unblocked: int
    """Vacancies blocked now and not blocked with the change."""
    new_in_top: list[TopEntry]
    """Vacancies in the top list with the change that are not in it now, best first."""

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label.render(language),
            "params": self.params,
            "unblocked": self.unblocked,
            "new_in_top": [e.as_dict() for e in self.new_in_top],
        }


@dataclass(frozen=True)
class BarrierReport:
    """A person's changes, the most useful first: most vacancies unblocked, then top gains."""

    candidate_id: str | None
    weights_version: int
    open_vacancies: int
    blocked: int
    """Open vacancies blocked for the person as they are now."""
    top: int
    changes: list[ChangeEffect]

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "candidate_id": self.candidate_id,
            "weights_version": self.weights_version,
            "open_vacancies": self.open_vacancies,
            "blocked": self.blocked,
            "top": self.top,
            "changes": [c.as_dict(language) for c in self.changes],
        }


@dataclass
class ChangeStats:
    """One change over many people."""

    code: str
    applicable: int = 0
    """People to whom the change applies (not for someone who has a bike already)."""
    people: int = 0
    """People for whom it unblocks at least one vacancy."""
    unblocked: int = 0
    """Vacancies unblocked, summed over people."""
    best_for: int = 0
    """People for whom it is the change that unblocks the most (ties: the earlier code)."""

    def label(self, language: Language = DEFAULT_LANGUAGE) -> str:
        return Reason("programme_change", variant=self.code).render(language)

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label(language),
            "applicable": self.applicable,
            "people": self.people,
            "unblocked": self.unblocked,
            "best_for": self.best_for,
        }


@dataclass
class BarrierStats:
    """Which change unblocks the most, over a group of people (e.g. everyone `ready`)."""

    candidates: int = 0
    open_vacancies: int = 0
    blocked: int = 0
    """(person, vacancy) pairs blocked now, summed over people."""
    changes: dict[str, ChangeStats] = field(
        default_factory=lambda: {c: ChangeStats(c) for c in CHANGE_CODES}
    )

    def merge(self, other: BarrierStats) -> BarrierStats:
        """Counts of two disjoint groups of people, added (to score a large group in parts)."""
        merged = BarrierStats(
            candidates=self.candidates + other.candidates,
            open_vacancies=max(self.open_vacancies, other.open_vacancies),
            blocked=self.blocked + other.blocked,
        )
        for code, mine in self.changes.items():
            theirs = other.changes[code]
            merged.changes[code] = ChangeStats(
                code,
                applicable=mine.applicable + theirs.applicable,
                people=mine.people + theirs.people,
                unblocked=mine.unblocked + theirs.unblocked,
                best_for=mine.best_for + theirs.best_for,
            )
        return merged

    def ranked(self) -> list[ChangeStats]:
        """Most people helped first, then most vacancies unblocked, then code order."""
        order = list(CHANGE_CODES)
        return sorted(
            self.changes.values(), key=lambda s: (-s.people, -s.unblocked, order.index(s.code))
        )

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "candidates": self.candidates,
            "open_vacancies": self.open_vacancies,
            "blocked": self.blocked,
            "changes": [s.as_dict(language) for s in self.ranked()],
        }


def candidate_changes(candidate: Candidate) -> list[Change]:
    """The changes that apply to this person, in `CHANGE_CODES` order.

    Changes that would change nothing are left out: Dutch for someone at C2 or native, a bike
    for someone who has one, childcare for someone available at any time. A car counts only with
    a driving licence (as in the commute feature), so "car" brings both, and "driving_licence"
    alone matters for vacancies that need one (a company van) and for people who list a car.
    """
    c = candidate
    changes: list[Change] = []

    dutch = level_rank(c.languages.get(DUTCH))
    seen_levels: set[int] = set()
    for step in (1, 2):
        to = min(dutch + step, _HIGHEST_COURSE_LEVEL)
        if to <= dutch or to in seen_levels:
            continue
        seen_levels.add(to)
        level = LEVELS[to - 1]
        params = {"language": DUTCH, "from": LEVELS[dutch - 1] if dutch else None, "to": level}
        changes.append(
            Change(
                f"dutch_up_{step}",
                _label(f"dutch_up_{step}", params),
                params,
                c.model_copy(update={"languages": {**c.languages, DUTCH: level}}),
            )
        )

    for mode in ("bike", "public_transport"):
        if mode not in c.transport:
            changes.append(
                Change(
                    mode,
                    _label(mode),
                    {"transport": mode},
                    c.model_copy(update={"transport": [*c.transport, mode]}),
                )
            )

    has_car = "car" in c.transport
    if not c.driving_licence:
        changes.append(
            Change(
                "driving_licence",
                _label("driving_licence"),
                {"driving_licence": True},
                c.model_copy(update={"driving_licence": True}),
            )
        )
    if not has_car:
        changes.append(
            Change(
                "car",
                _label("car", variant="" if c.driving_licence else ".with_licence"),
                {"transport": "car", "driving_licence": True},
                c.model_copy(update={"transport": [*c.transport, "car"], "driving_licence": True}),
            )
        )

    if c.availability is not None:
        windows = {
            "care_early": _widened(c.availability, start=EARLY_START),
            "care_late": _widened(c.availability, end=LATE_END),
            "care_full_day": _widened(c.availability, start=EARLY_START, end=LATE_END),
        }
        for code, widened in windows.items():
            if widened != c.availability:
                changes.append(
                    Change(
                        code,
                        _label(code),
                        {"availability": [w.model_dump(mode="json") for w in widened]},
                        c.model_copy(update={"availability": widened}),
                    )
                )
        changes.append(
            Change(
                "available_any_time",
                _label("available_any_time"),
                {"availability": None},
                c.model_copy(update={"availability": None}),
            )
        )

    seen_limits: set[int] = set()
    for step in COMMUTE_STEPS:
        limit = min(c.max_commute_minutes + step, MAX_COMMUTE)
        if limit <= c.max_commute_minutes or limit in seen_limits:
            continue
        seen_limits.add(limit)
        changes.append(
            Change(
                f"commute_plus_{step}",
                _label(f"commute_plus_{step}", {"max_commute_minutes": limit, "step": step}),
                {"max_commute_minutes": limit},
                c.model_copy(update={"max_commute_minutes": limit}),
            )
        )
    return changes


def _widened(
    windows: Sequence[TimeWindow], *, start: int | None = None, end: int | None = None
) -> list[TimeWindow]:
    """Each window starting no later than `start` and ending no earlier than `end` (minutes of
    the day), on the same days; a window that already crosses midnight keeps its end."""
    out: list[TimeWindow] = []
    for w in windows:
        first = w.start_minute
        last = first + w.duration_minutes  # past 1440 when it crosses midnight
        if start is not None:
            first = min(first, start)
        if end is not None and last <= MINUTES_PER_DAY:
            last = max(last, end)
        if last - first >= MINUTES_PER_DAY:
            out.append(TimeWindow(days=w.days, start="00:00", end="24:00"))
        elif (first, last) == (w.start_minute, w.start_minute + w.duration_minutes):
            out.append(w)
        else:
            stop = "24:00" if last == MINUTES_PER_DAY else format_clock(last)
            out.append(TimeWindow(days=w.days, start=format_clock(first), end=stop))
    return out


def analyse_barriers(
    engine: Engine, candidate: Candidate, *, top: int = 10, pairs_per_call: int = SCORE_PAIRS
) -> BarrierReport:
    """Every applicable change for one person, scored with the original, a few rows per engine
    call (so memory stays bounded however many vacancies are open).

    `unblocked` counts vacancies that are blocked now and not with the change; `new_in_top`
    lists the vacancies that enter the top `top` (unblocked, ranked as the shortlist ranks them)
    with the change: newly unblocked ones, or ones whose score rises enough.
    """
    changes = candidate_changes(candidate)
    rows = _rows(candidate, changes)
    ranks = engine.vacancy_rank_
    n_open = len(engine.vacancies_)
    blocked = np.zeros((len(rows), n_open), dtype=np.bool_)
    score_now = np.zeros(n_open)
    # Per row, its top list and the scores there: all that is kept of its (V,) scores.
    tops: list[tuple[NDArray[np.int64], NDArray[np.float64]]] = []
    for first, part in _scored(engine, rows, pairs_per_call):
        blocked[first : first + len(part.blocked)] = part.blocked
        if first == 0:
            score_now = part.score[0].copy()
        for score, flags in zip(part.score, part.blocked, strict=True):
            best = (
                rank_order(score, flags, ranks, top=top, include_blocked=False)
                if n_open
                else np.zeros(0, dtype=np.int64)
            )
            tops.append((best, score[best]))
    before = set(tops[0][0].tolist())
    unblocked = (blocked[:1] & ~blocked[1:]).sum(axis=1)
    effects: list[ChangeEffect] = []
    for k, change in enumerate(changes, start=1):
        best, best_score = tops[k]
        entries = [
            TopEntry(
                vacancy_id=engine.vacancies_[j].id,
                title=engine.vacancies_[j].title,
                employer=engine.vacancies_[j].employer,
                score=value,
                score_before=float(score_now[j]),
                blocked_before=bool(blocked[0, j]),
            )
            for j, value in zip(best.tolist(), best_score.tolist(), strict=True)
            if j not in before
        ]
        effects.append(
            ChangeEffect(change.code, change.label, change.params, int(unblocked[k - 1]), entries)
        )
    order = list(CHANGE_CODES)
    effects.sort(key=lambda e: (-e.unblocked, -len(e.new_in_top), order.index(e.code)))
    return BarrierReport(
        candidate_id=candidate.id,
        weights_version=engine.weights.version,
        open_vacancies=n_open,
        blocked=int(blocked[0].sum()),
        top=top,
        changes=effects,
    )


def scored_rows(candidates: Sequence[Candidate]) -> int:
    """Rows `barrier_stats` scores for these people: each person and each of their changes."""
    return sum(1 + len(candidate_changes(person)) for person in candidates)


def barrier_stats(
    engine: Engine,
    candidates: Sequence[Candidate],
    *,
    batch_rows: int = 512,
    pairs_per_call: int = SCORE_PAIRS,
) -> BarrierStats:
    """For a group of people: per change, whom it helps and how many vacancies it unblocks.

    People are taken with their variants about `batch_rows` rows at a time (about a dozen rows
    per person), fewer when many vacancies are open, and scored `pairs_per_call` (row, vacancy)
    pairs per engine call: memory stays bounded whatever the sizes, and only the blocking flags
    of one group are kept.
    """
    n_open = len(engine.vacancies_)
    stats = BarrierStats(open_vacancies=n_open)
    batch_rows = max(1, min(batch_rows, pairs_per_call // max(n_open, 1)))
    for batch in _batches(candidates, batch_rows):
        rows = [row for person, changes in batch for row in _rows(person, changes)]
        blocked = np.zeros((len(rows), n_open), dtype=np.bool_)
        for first, part in _scored(engine, rows, pairs_per_call):
            blocked[first : first + len(part.blocked)] = part.blocked
        at = 0
        for _, changes in batch:
            now = blocked[at]
            unblocked = (now[None, :] & ~blocked[at + 1 : at + 1 + len(changes)]).sum(axis=1)
            stats.candidates += 1
            stats.blocked += int(now.sum())
            best: tuple[int, str] | None = None
            for change, count in zip(changes, unblocked.tolist(), strict=True):
                entry = stats.changes[change.code]
                entry.applicable += 1
                if count > 0:
                    entry.people += 1
                    entry.unblocked += count
                    if best is None or count > best[0]:
                        best = (count, change.code)
            if best is not None:
                stats.changes[best[1]].best_for += 1
            at += 1 + len(changes)
    return stats


def _scored(
    engine: Engine, rows: Sequence[Candidate], pairs_per_call: int
) -> Iterator[tuple[int, Scores]]:
    """The rows scored about `pairs_per_call` pairs per call, each part with its first index."""
    step = max(1, pairs_per_call // max(len(engine.vacancies_), 1))
    # No change touches skills: a person and their variants earn alike, worked out once.
    earned: dict[tuple[tuple[str, ...], tuple[str, ...]], SkillCredits] = {}

    def credits(row: Candidate) -> SkillCredits:
        key = (tuple(row.skill_labels), tuple(row.occupations))
        if key not in earned:
            earned[key] = engine.skill_credits(row)
        return earned[key]

    for first in range(0, len(rows), step):
        part = rows[first : first + step]
        yield first, engine.score(part, credits=[credits(row) for row in part])


def _rows(person: Candidate, changes: Sequence[Change]) -> list[Candidate]:
    return [person, *(change.candidate for change in changes)]


def _batches(
    candidates: Sequence[Candidate], batch_rows: int
) -> Iterator[list[tuple[Candidate, list[Change]]]]:
    """People with their changes, grouped so each group has about `batch_rows` rows to score."""
    batch: list[tuple[Candidate, list[Change]]] = []
    rows = 0
    for person in candidates:
        changes = candidate_changes(person)
        if batch and rows + 1 + len(changes) > batch_rows:
            yield batch
            batch, rows = [], 0
        batch.append((person, changes))
        rows += 1 + len(changes)
    if batch:
        yield batch


def format_barriers(
    report: BarrierReport,
    *,
    width: int = 100,
    examples: int = 3,
    language: Language = DEFAULT_LANGUAGE,
) -> str:
    """A table for a coach: per change, what it unblocks, and the best vacancies it brings in."""
    t = translator(language)
    head = {
        "candidate_id": report.candidate_id,
        "version": report.weights_version,
        "blocked": report.blocked,
        "open": report.open_vacancies,
    }
    lines = [t.fill("cli.barriers.head", head), ""]
    if not report.changes:
        lines.append(t.text("cli.barriers.none"))
        return "\n".join(lines)
    unblocks = t.text("cli.barriers.unblocks")
    top = t.fill("cli.barriers.new_in_top", {"top": report.top})
    first, second = max(8, len(unblocks)), max(14, len(top))
    lines.append(f"{unblocks:>{first}}  {top:>{second}}  {t.text('cli.barriers.change')}")
    indent = " " * (first + second + 4)
    for effect in report.changes:
        label = effect.label.render(language)
        lines.append(f"{effect.unblocked:>{first}}  {len(effect.new_in_top):>{second}}  {label}")
        for entry in effect.new_in_top[:examples]:
            if entry.blocked_before:
                now = t.text("cli.barriers.now_blocked")
            else:
                now = t.fill("cli.barriers.now", {"score": t.decimal(entry.score_before)})
            text = f"{t.decimal(entry.score)}  {entry.title}, {entry.employer} ({now})"
            short = textwrap.shorten(
                text, width=max(40, width - len(indent) - 2), placeholder="..."
            )
            lines.append(f"{indent}+ {short}")
    return "\n".join(lines)
