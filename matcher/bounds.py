"""Cheap upper bounds on one person's score for every fitted vacancy, so that a shortlist scores
exactly only the vacancies that could enter it.

Each bound is at least the real score, and a vacancy is taken as surely blocked only where the
real scoring blocks it too; the engine scores the most promising vacancies exactly, and stops
once no vacancy left out could be listed before the last line it has (`Engine.shortlist`). The
bounds therefore decide only how much work a shortlist takes, never what it says.

What makes them cheap: most of what a vacancy asks comes in few distinct kinds. Its language
requirement, weekly hours and shifts (a "profile") are scored per person once per distinct
profile and gathered; the skills are one weighted sum over the concepts the person has; the
commute is the quickest mode as the crow flies, in float32, with public transport only where it
runs at the shifts' starts and ends. A shift widened by no commute at all is the least it can
overflow the person's free hours. For a shortlist without blocked ones, the commute is bounded
so only where a vacancy could be among the most promising, found from every 16th vacancy
(`VacancyBounds.listed`): the other features alone rule most out.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from matcher.features.childcare import unavailable_prefix
from matcher.features.commute import candidate_modes
from matcher.models import MINUTES_PER_DAY, Candidate
from matcher.schedule import MINUTES_PER_WEEK, ShiftTable, group_starts
from matcher.travel.estimate import KM_PER_DEGREE, MODES, EstimatedTravelTimes, Mode
from matcher.travel.geo import ANTWERP_CENTRE
from matcher.weights import FEATURES

if TYPE_CHECKING:
    from matcher.engine import Engine

SLACK = 1e-5
"""Added to every bound: they are summed in float32 and in another order than the scores, so
they may round below the real score, by far less than this."""
_KM_SHRINK = 1e-5
"""Relative slack on float32 distances (their rounding is well under 1e-6)."""
_KM_SLACK = 1e-3
"""Absolute slack on float32 distances, in km: coordinates are kept relative to Antwerp, where
float32 resolves a degree to about 1e-7, a centimetre."""


_DENSE_KEYS = 1 << 22
"""Up to this many possible keys, distinct rows are found by marking them in an array."""


def _distinct_rows(rows: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The distinct rows of a matrix of integers, and for each row the number of the one it
    equals: as `np.unique(rows, axis=0)`, but on one integer per row where the values fit in
    one (sorting rows as such was most of working the bounds out, 0.6 s for 100,000)."""
    low = rows.min(axis=0, initial=0)
    radix = rows.max(axis=0, initial=0) - low + 1
    if float(np.prod(radix.astype(np.float64))) >= 2.0**62:
        distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        return distinct, inverse.reshape(-1).astype(np.int64)
    place = np.cumprod(np.concatenate([[1], radix[:0:-1]]))[::-1].astype(np.int64)
    keys = (rows - low) @ place
    span = int(place[0] * radix[0]) if len(radix) else 1
    if span <= _DENSE_KEYS:  # few possible keys: counted in an array, not sorted
        present = np.zeros(span, dtype=np.bool_)
        present[keys] = True
        unique_keys = np.flatnonzero(present).astype(np.int64)
        inverse = (np.cumsum(present) - 1)[keys]
    else:
        unique_keys, inverse = np.unique(keys, return_inverse=True)
    distinct = (unique_keys[:, None] // place) % radix + low
    return distinct.astype(np.int64), inverse.reshape(-1).astype(np.int64)


class _Schedules:
    """The distinct shifts (start, length, weekdays), and the distinct ways vacancies combine
    them: each vacancy's shifts, judged on the worst or (pick-one with a choice) on one."""

    def __init__(self, shifts: ShiftTable) -> None:
        bits = shifts.days.astype(np.int64) @ (1 << np.arange(7, dtype=np.int64))
        rows = np.stack([shifts.start, shifts.duration, bits], axis=1)
        distinct, self.shift_kind_ = _distinct_rows(rows)
        self.start_ = distinct[:, 0]
        self.end_ = distinct[:, 0] + distinct[:, 1]
        kind, day = np.nonzero((distinct[:, 2:3] >> np.arange(7)) & 1)
        # Each distinct shift's days, from the middle week of a busy prefix (unavailable_prefix).
        self.day_start_ = (MINUTES_PER_WEEK + day * MINUTES_PER_DAY + self.start_[kind]).astype(
            np.int64
        )
        self.day_end_ = self.day_start_ + (self.end_ - self.start_)[kind]
        self.first_day_ = group_starts(kind.astype(np.int64), len(distinct))
        # Each vacancy's shift kinds, padded with -1, and whether it is judged on one of them.
        vacancies = len(shifts.first_shift)
        counts = np.bincount(shifts.vacancy, minlength=vacancies)
        width = int(counts.max(initial=1))
        padded = np.full((vacancies, width + 1), -1, dtype=np.int64)
        place = np.arange(len(shifts.vacancy)) - shifts.first_shift[shifts.vacancy]
        padded[shifts.vacancy, place] = self.shift_kind_
        padded[:, width] = ~shifts.pattern_all & (counts > 1)
        combos, self.vacancy_schedule_ = _distinct_rows(padded)
        self.kinds_ = combos[:, :width]
        self.choice_ = combos[:, width].astype(np.bool_)

    def least_overflow(self, candidate: Candidate) -> NDArray[np.float64]:
        """Per distinct schedule, the fewest minutes it can fall outside the person's free
        hours: each shift as it is, widened by no commute."""
        if candidate.availability is None:
            return np.zeros(len(self.choice_))
        busy = unavailable_prefix([candidate])[0]
        by_day = busy.take(self.day_end_).astype(np.int64) - busy.take(self.day_start_)
        by_kind = np.maximum.reduceat(by_day, self.first_day_)
        worst = np.where(self.kinds_ >= 0, by_kind[np.maximum(self.kinds_, 0)], -1)
        best = np.where(self.kinds_ >= 0, by_kind[np.maximum(self.kinds_, 0)], MINUTES_PER_WEEK)
        least: NDArray[np.float64] = np.where(
            self.choice_, best.min(axis=1), worst.max(axis=1)
        ).astype(np.float64)
        return least

    def may_run(self, engine: Engine, mode: Mode) -> NDArray[np.bool_]:
        """Per distinct schedule, whether the mode could work at its hours at all: it has to
        run at a shift's start and end, whatever the trip (at every shift for the worst)."""
        run = engine.commute_.travel.running
        runs = run(mode, self.start_) & run(mode, self.end_)
        ok = np.where(self.kinds_ >= 0, runs[np.maximum(self.kinds_, 0)], ~self.choice_[:, None])
        return np.where(self.choice_, ok.any(axis=1), ok.all(axis=1))


@dataclass(frozen=True)
class ScoreBounds:
    """Per vacancy: at least the score, and blocked where the score surely blocks."""

    score: NDArray[np.float32]
    blocked: NDArray[np.bool_]
    near: NDArray[np.float32] | None = None
    """If asked for: at least the score where the vacancy is blocked, -inf where it cannot be."""


@dataclass(frozen=True)
class _ProfileBounds:
    """Per distinct profile: at least its share of the score, and whether it surely blocks."""

    score: NDArray[np.float64]
    blocked: NDArray[np.bool_]
    childcare: NDArray[np.float64]
    """At least the schedule's share of the score."""


def _shares(engine: Engine) -> dict[str, np.float32]:
    """Each feature's share of the score, from the weights."""
    w = engine.weights.weights
    total = sum(w[name] for name in FEATURES)
    return {name: np.float32(w[name] / total) for name in FEATURES}


class VacancyBounds:
    """What the bounds need from the fitted vacancies, worked out once per fitted engine."""

    def __init__(self, engine: Engine) -> None:
        language = engine.language_
        rows = np.concatenate(
            [
                language.accepted_.astype(np.int64),
                language.needed_rank_[:, None].astype(np.int64),
                language.dutch_required_[:, None].astype(np.int64),
            ],
            axis=1,
        )
        patterns, language_kind = _distinct_rows(rows)
        codes = len(language.codes_)
        self.language_ = copy.copy(language)
        self.language_.accepted_ = patterns[:, :codes].astype(np.bool_)
        self.language_.needed_rank_ = patterns[:, codes].astype(np.int8)
        self.language_.dutch_required_ = patterns[:, codes + 1].astype(np.bool_)

        childcare = engine.childcare_
        hours, hours_kind = np.unique(childcare.hours_, return_inverse=True)
        self.childcare_ = copy.copy(childcare)
        self.childcare_.hours_ = hours
        self.schedules_ = _Schedules(engine.commute_.shifts_)

        skills = engine.skills_
        s = skills.settings
        w_req = np.where(skills.required_count_ > 0, s.required_weight, 0.0)
        w_pref = np.where(skills.preferred_count_ > 0, s.preferred_weight, 0.0)
        w_title = np.where(skills.titles_known_, s.title_weight, 0.0)
        total = w_req + w_pref + w_title
        spread = np.maximum(total, 1e-9)

        # A vacancy's profile: its language requirement, weekly hours and schedule, and
        # whether it says nothing about skills (which then score a neutral 0.5).
        kinds = np.stack(
            [
                language_kind.reshape(-1),
                hours_kind.reshape(-1),
                self.schedules_.vacancy_schedule_,
                (total <= 0).astype(np.int64),
            ],
            axis=1,
        ).astype(np.int64)
        profiles, self.profile_ = _distinct_rows(kinds)
        self.profile_language_, self.profile_hours_, self.profile_schedule_ = profiles[:, :3].T
        self.profile_skills_ = np.where(profiles[:, 3] > 0, 0.5, 0.0)
        # One matrix, by concept, whose product with what a person has is the skills score
        # before clipping: a vacancy's weighted shares of required, preferred and title.
        weighted = (
            sparse.diags(w_req / np.maximum(skills.required_count_, 1) / spread) @ skills.required_
            + sparse.diags(w_pref / np.maximum(skills.preferred_count_, 1) / spread)
            @ skills.preferred_
            + sparse.diags(w_title / spread) @ skills.title_
        )
        by_concept = sparse.csc_matrix(weighted)
        by_concept.sort_indices()
        # Its columns as plain arrays: a person's are sliced out and joined (quicker than
        # gathering them entry by entry), with the vacancies as bincount takes them.
        self.skills_start_ = by_concept.indptr.astype(np.int64)
        self.skills_vacancy_ = by_concept.indices.astype(np.intp)
        self.skills_weight_ = by_concept.data
        self.licence_required_ = skills.licence_required_
        self.licence_columns_ = np.flatnonzero(skills.licence_required_)
        self.concept_column_ = skills.column_

        commute = engine.commute_
        self.sample_ = np.arange(0, len(commute.destinations_), SAMPLE_STEP)
        lat0, lon0 = ANTWERP_CENTRE
        self.north_km_ = ((commute.destinations_[:, 0] - lat0) * KM_PER_DEGREE).astype(np.float32)
        self.east_deg_ = (commute.destinations_[:, 1] - lon0).astype(np.float32)
        self.destinations_ = commute.destinations_
        self.transport_provided_ = commute.transport_provided_
        self.any_transport_provided_ = bool(commute.transport_provided_.any())
        self.timed_modes_ = commute.timed_modes_
        # Added to a mode's minutes: 0 where it may run at the vacancy's hours (and, for the
        # employer's transport, where there is some), +inf where it cannot.
        runs = {
            m: self.schedules_.may_run(engine, m)[self.schedules_.vacancy_schedule_]
            for m in self.timed_modes_
        }
        self.not_running_ = {m: _infinite_where_not(ok) for m, ok in runs.items()}
        shuttle = runs.get("employer_transport", np.ones_like(self.transport_provided_))
        self.no_shuttle_ = _infinite_where_not(self.transport_provided_ & shuttle)

    def bound(
        self, engine: Engine, candidate: Candidate, credits: dict[str, Any], *, near: bool = False
    ) -> ScoreBounds:
        """The person's bounds over every fitted vacancy; with `near`, also as a near miss."""
        w = engine.weights.weights
        share = _shares(engine)
        profiles = self._profiles(engine, candidate, share)
        score = profiles.score.astype(np.float32).take(self.profile_)
        blocked = profiles.blocked.take(self.profile_)
        if w["skills"] > 0 and not candidate.driving_licence:
            blocked |= self.licence_required_
        if w["skills"] > 0:
            score += self._skills(credits, share["skills"])
        # Where a vacancy is not surely blocked, only the commute or the schedule can still
        # block it (language and licence are exact), and a feature that blocks scores 0.
        could_block: list[NDArray[np.float32]] = []
        if w["commute"] > 0:
            commute, too_far = self._commute(engine, candidate, share["commute"])
            score += commute
            blocked |= too_far
            could_block.append(commute)
        if not near:
            return ScoreBounds(score=score, blocked=blocked)
        if w["childcare"] > 0:
            could_block.append(profiles.childcare.astype(np.float32)[self.profile_])
        if could_block:
            unless = score - np.minimum.reduce(could_block)
        else:
            unless = np.full(len(score), -np.inf, dtype=np.float32)
        return ScoreBounds(score=score, blocked=blocked, near=np.where(blocked, score, unless))

    def listed(
        self, engine: Engine, candidate: Candidate, credits: dict[str, Any], *, promising: int
    ) -> NDArray[np.float32]:
        """`bound`'s scores where a vacancy is not surely blocked, -inf where it is; but the
        commute is bounded closely only where a vacancy could be among the `promising` highest
        that `sampled_cut` finds, and by its whole share elsewhere: still bounds, for a few
        percent of the commute's work (the other features alone rule most vacancies out)."""
        w = engine.weights.weights
        share = _shares(engine)
        profiles = self._profiles(engine, candidate, share)
        # Summed in `bound`'s order, so that a bound closely made is the same as there.
        listed = np.where(profiles.blocked, -np.inf, profiles.score).astype(np.float32)
        listed = listed.take(self.profile_)
        if w["skills"] > 0 and not candidate.driving_licence:
            listed[self.licence_columns_] = -np.inf
        if w["skills"] > 0:
            listed += self._skills(credits, share["skills"])
        if w["commute"] > 0:
            self._add_promising_commute(engine, candidate, listed, share["commute"], promising)
        return listed

    def _profiles(
        self, engine: Engine, candidate: Candidate, share: dict[str, np.float32]
    ) -> _ProfileBounds:
        """Per profile: the language, and the schedule at its least overflow with the weekly
        hours, and the skills' neutral 0.5 where a vacancy names none."""
        w = engine.weights.weights
        language = self.language_.score([candidate])
        overflow = self.schedules_.least_overflow(candidate)
        fit, schedule_blocks = engine.childcare_.rate(overflow)
        hours = self.childcare_.best_scores([candidate])[0]
        penalty = 1.0 - hours  # what the hours a week cost (best_scores is 1 less that)
        fit_here = fit[self.profile_schedule_]
        childcare = share["childcare"] * np.clip(fit_here - penalty[self.profile_hours_], 0.0, 1.0)
        profile_score = share["language"] * language.score[0][self.profile_language_]
        profile_score += childcare
        profile_score += share["skills"] * self.profile_skills_
        profile_score += SLACK
        profile_blocks = np.zeros(len(self.profile_schedule_), dtype=np.bool_)
        if w["language"] > 0:
            profile_blocks |= language.blocking[0][self.profile_language_]
        if w["childcare"] > 0:
            profile_blocks |= schedule_blocks[self.profile_schedule_]
        return _ProfileBounds(profile_score, profile_blocks, childcare)

    def _skills(self, credits: dict[str, Any], share: np.float32) -> NDArray[np.float64]:
        """The skills score's share (the neutral 0.5 aside, which the profiles hold), from the
        columns of the concepts the person has. Not clipped at 1: a vacancy's weights add up
        to 1 and credits are at most 1, so only rounding could pass it, and a bound may."""
        # A concept spliced in since is in none of these vacancies: it earns nothing here.
        known = [(self.concept_column_.get(c, -1), credit.value) for c, credit in credits.items()]
        columns = np.array([k for k, _ in known if k >= 0], dtype=np.int64)
        values = np.array([v for k, v in known if k >= 0], dtype=np.float64) * share
        start = self.skills_start_
        spans = list(zip(start[columns].tolist(), start[columns + 1].tolist(), strict=True))
        if not spans:
            return np.zeros(len(self.profile_))
        vacancy = np.concatenate([self.skills_vacancy_[a:b] for a, b in spans])
        weights = np.concatenate([self.skills_weight_[a:b] for a, b in spans])
        weights *= np.repeat(values, [b - a for a, b in spans])
        earned: NDArray[np.float64] = np.bincount(
            vacancy, weights=weights, minlength=len(self.profile_)
        ).astype(np.float64, copy=False)  # with no entries at all, integers
        return earned

    def _add_promising_commute(
        self,
        engine: Engine,
        candidate: Candidate,
        listed: NDArray[np.float32],
        share: np.float32,
        promising: int,
    ) -> None:
        """Adds the commute's bound to `listed` (see `listed`), -inf where it surely blocks."""
        # The cut `sampled_cut` will find on the final bounds: the sample's own, bounded closely.
        sample = self.sample_
        commute, too_far = self._commute(engine, candidate, share, sample)
        cut = sampled_cut(np.where(too_far, -np.inf, listed[sample] + commute), promising)
        # Below the cut even with the commute's whole share, a vacancy is not among them.
        least = cut - share if cut > -np.inf else np.finfo(np.float32).min
        close = np.flatnonzero(listed >= least)
        commute, too_far = self._commute(engine, candidate, share, close)
        closely = np.where(too_far, -np.inf, listed[close] + commute)  # as the sample's
        listed += share
        listed[close] = closely

    def _commute(
        self,
        engine: Engine,
        candidate: Candidate,
        share: np.float32,
        columns: NDArray[np.int64] | None = None,
    ) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
        """At least the commute score's share, and where it surely blocks, at `columns` (all
        if None): the quickest mode the person has, as if every place were a point and each
        mode ran whenever it could at all."""
        commute = engine.commute_
        modes = _undominated(engine, sorted(candidate_modes(candidate), key=MODES.index))
        by_mode = self._minutes(engine, candidate, modes, columns)
        minutes: NDArray[np.float32] | None = None
        for mode in modes:
            t = by_mode[mode]
            if mode in self.not_running_:
                t += _at(self.not_running_[mode], columns)
            if minutes is None:
                minutes = t
            else:
                np.minimum(minutes, t, out=minutes)
        assert minutes is not None  # walking at least: the quickest modes always remain
        if self.any_transport_provided_:
            shuttle = by_mode["employer_transport"]
            shuttle += _at(self.no_shuttle_, columns)
            np.minimum(minutes, shuttle, out=minutes)
        s = commute.settings
        limit = candidate.max_commute_minutes
        reach = max(limit - s.comfortable_minutes, 1.0)
        # share * (1 - (1 - score_at_maximum) * clip((minutes - comfortable) / reach, 0, 1))
        score = minutes * np.float32(1 / reach)
        score -= np.float32(s.comfortable_minutes / reach)
        np.clip(score, 0.0, 1.0, out=score)
        score *= np.float32(-share * (1.0 - s.score_at_maximum))
        score += share
        too_far = minutes > np.float32(limit)
        np.copyto(score, np.float32(0.0), where=too_far)  # blocking scores 0 (for near misses)
        return score, too_far

    def _minutes(
        self,
        engine: Engine,
        candidate: Candidate,
        modes: list[Mode],
        columns: NDArray[np.int64] | None,
    ) -> dict[Mode, NDArray[np.float32]]:
        """Per mode (the person's, and the employer's transport where some vacancy has it), at
        most its minutes to each vacancy at `columns` (all if None) at any hour, where either
        end is only a postcode too."""
        wanted = [*modes, "employer_transport"] if self.any_transport_provided_ else modes
        travel = engine.commute_.travel
        if type(travel) is not EstimatedTravelTimes:  # another model: its own minutes
            origin = np.array([candidate.home.coordinates], dtype=np.float64)
            own = travel.minutes(wanted, origin, _at(self.destinations_, columns))
            return {m: t[0].astype(np.float32) for m, t in own.items()}
        lat, lon = candidate.home.coordinates
        lat0, lon0 = ANTWERP_CENTRE
        north = _at(self.north_km_, columns) - np.float32((lat - lat0) * KM_PER_DEGREE)
        east = _at(self.east_deg_, columns) - np.float32(lon - lon0)
        east *= np.float32(KM_PER_DEGREE * np.cos(np.radians(lat)))
        north *= north
        east *= east
        north += east
        km = np.sqrt(north, out=north)
        minutes: dict[Mode, NDArray[np.float32]] = {}
        for mode in wanted:
            est = getattr(travel, mode)
            per_km = est.detour * 60 / est.km_per_hour
            # The estimate's own line, for a distance shrunk by more than float32 rounds.
            t = km * np.float32(per_km * (1 - _KM_SHRINK))
            t += np.float32(est.fixed_minutes - per_km * _KM_SLACK)
            minutes[mode] = t
        return minutes


_Scalar = TypeVar("_Scalar", bound=np.generic)


def _at(values: NDArray[_Scalar], columns: NDArray[np.int64] | None) -> NDArray[_Scalar]:
    """`values` at `columns`, or all of them (not copied) if None."""
    return values if columns is None else values[columns]


SAMPLE_STEP = 16
"""The most promising vacancies are found from the bounds of every 16th."""


def sampled_cut(sample: NDArray[np.float32], promising: int) -> float:
    """The bound from which on about `promising` vacancies are, from the bounds of every
    SAMPLE_STEP-th (`sample`), at a sixteenth of partitioning them all (any cut gives the same
    shortlist; this one only sets how much is scored); -inf where too few could be listed."""
    place = min(max(promising // SAMPLE_STEP, 1), len(sample))
    if not place:
        return -np.inf
    # Sorted, not partitioned: numpy's partition near the top of an array with many equal
    # values (every -inf) took ten times as long as sorting it.
    return float(np.sort(sample)[len(sample) - place])


def _infinite_where_not(ok: NDArray[np.bool_]) -> NDArray[np.float32]:
    penalty: NDArray[np.float32] = np.where(ok, np.float32(0.0), np.float32(np.inf))
    return penalty


def _undominated(engine: Engine, modes: list[Mode]) -> list[Mode]:
    """The modes of these that are not slower than another at every distance and hour (one
    running around the clock with no more fixed minutes and no more minutes per km): the
    minimum of the others is the same. Only for the estimate, whose minutes are such lines."""
    travel = engine.commute_.travel
    if type(travel) is not EstimatedTravelTimes:
        return modes
    timed = engine.commute_.timed_modes_

    def line(mode: Mode) -> tuple[float, float]:
        est = getattr(travel, mode)
        return est.fixed_minutes, est.detour * 60 / est.km_per_hour

    def beaten(mode: Mode) -> bool:
        fixed, per_km = line(mode)
        return any(
            other != mode
            and other not in timed
            and line(other)[0] <= fixed
            and line(other)[1] <= per_km
            and line(other) != (fixed, per_km)
            for other in modes
        )

    return [m for m in modes if not beaten(m)]


class KeptBounds:
    """The bounds of an engine spliced from one whose bounds were worked out: those of each
    column it kept, and for each added one no bound at all (above any score, never surely
    blocked), so it is always scored exactly. Working the bounds out again for every splice
    would cost every vacancy write a tenth of a second at the next shortlist."""

    def __init__(self, base: VacancyBounds, columns: NDArray[np.int64]) -> None:
        self.base = base
        self.columns = columns
        """Per column, its column in `base`, or -1 for one added since."""

    @classmethod
    def spliced(
        cls, bounds: VacancyBounds | KeptBounds, keep: NDArray[np.int64], added: int
    ) -> KeptBounds | None:
        """The bounds after a splice that keeps the columns `keep` and adds `added`; None once
        so many were added that the bounds are better worked out again."""
        if isinstance(bounds, KeptBounds):
            base, kept = bounds.base, bounds.columns[keep]
        else:
            base, kept = bounds, keep
        columns = np.concatenate([kept, np.full(added, -1, dtype=np.int64)])
        if int((columns < 0).sum()) > max(_UNBOUNDED_AT_MOST, len(columns) // 50):
            return None
        return cls(base, columns)

    def bound(
        self, engine: Engine, candidate: Candidate, credits: dict[str, Any], *, near: bool = False
    ) -> ScoreBounds:
        found = self.base.bound(engine, candidate, credits, near=near)
        known = self.columns >= 0
        where = np.maximum(self.columns, 0)
        return ScoreBounds(
            score=np.where(known, found.score[where], _ABOVE),
            blocked=found.blocked[where] & known,
            near=None if found.near is None else np.where(known, found.near[where], _ABOVE),
        )

    def listed(
        self, engine: Engine, candidate: Candidate, credits: dict[str, Any], *, promising: int
    ) -> NDArray[np.float32]:
        found = self.base.listed(engine, candidate, credits, promising=promising)
        listed: NDArray[np.float32] = np.where(
            self.columns >= 0, found[np.maximum(self.columns, 0)], _ABOVE
        )
        return listed


_ABOVE = np.float32(2.0)
"""A bound above any score."""

_UNBOUNDED_AT_MOST = 256
"""How many columns spliced in without bounds are scored exactly every time, at least."""
