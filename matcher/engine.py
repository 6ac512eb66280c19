"""The engine: fitted once on the open vacancies, it ranks them for a candidate and says why."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Self, overload

import numpy as np
from numpy.typing import NDArray

from matcher.bounds import SAMPLE_STEP, KeptBounds, VacancyBounds, sampled_cut
from matcher.features.base import BoolMatrix, FeatureScores, FloatMatrix, Splice
from matcher.features.childcare import BusyPrefix, ChildcareFeature, unavailable_prefix
from matcher.features.commute import CommuteFeature
from matcher.features.language import LanguageFeature
from matcher.features.skills import SkillsFeature
from matcher.models import Candidate, Vacancy
from matcher.reading.vocabulary import Vocabulary
from matcher.reasons import DEFAULT_LANGUAGE, Language, Reason
from matcher.schedule import ShiftTable
from matcher.travel.estimate import Mode, TravelTimeModel
from matcher.weights import FEATURES, Weights, default_weights

SCORE_DECIMALS = 4
"""Scores are shown, and ranked, to this many decimals."""
NEAR_MISSES = 5
"""How many of the best blocked matches a shortlist with blocked ones names apart."""


@dataclass(frozen=True)
class Scores:
    """All four features and their weighted combination, (candidates, vacancies) each."""

    features: dict[str, FeatureScores]
    score: FloatMatrix
    blocked: BoolMatrix
    shift_minutes: FloatMatrix
    """(C, shifts) one-way minutes at each shift's hours, by which that shift is widened."""
    chosen_shift: NDArray[np.intp]
    """(C, choice vacancies) the shift each pick-one vacancy with a choice is judged on: the
    best for commute and schedule together, so that both features speak of the same shift."""


@dataclass(frozen=True)
class FeatureResult:
    score: float
    blocking: bool
    reasons: list[Reason]
    extra: dict[str, Any]

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "blocking": self.blocking,
            **self.extra,
            "reasons": [r.as_dict(language) for r in self.reasons],
        }


@dataclass(frozen=True)
class Match:
    """One vacancy for one candidate, as a line in a shortlist."""

    candidate_id: str | None
    vacancy_id: str | None
    title: str
    employer: str
    score: float
    blocked: bool
    features: dict[str, FeatureResult]

    @property
    def blocked_by(self) -> list[str]:
        """The features that block it, in the contract's order."""
        return [name for name, f in self.features.items() if f.blocking]

    def as_dict(self, *, counterpart: str, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        ident = (
            {"vacancy_id": self.vacancy_id}
            if counterpart == "vacancy"
            else {"candidate_id": self.candidate_id}
        )
        return {
            **ident,
            "title": self.title,
            "employer": self.employer,
            "score": round(self.score, SCORE_DECIMALS),
            "blocked": self.blocked,
            "blocked_by": self.blocked_by if self.blocked else [],
            "features": {name: f.as_dict(language) for name, f in self.features.items()},
        }


@dataclass(frozen=True)
class Shortlist:
    """Ranked results for one candidate (vacancies) or one vacancy (candidates)."""

    weights_version: int
    results: list[Match]
    candidate_id: str | None = None
    vacancy_id: str | None = None
    ranks: str = "vacancies"
    """What the results are: "vacancies" for a candidate, or "candidates" for a vacancy."""
    near_misses: list[Match] | None = None
    """With blocked matches asked for: the best of them by score, wherever `results` has
    them, so a coach sees what one barrier keeps out; None when not asked for."""

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        if self.ranks == "candidates":
            head: dict[str, Any] = {"vacancy_id": self.vacancy_id}
            counterpart = "candidate"
        else:
            head = {"candidate_id": self.candidate_id}
            counterpart = "vacancy"
        body: dict[str, Any] = {
            **head,
            "weights_version": self.weights_version,
            "results": [
                m.as_dict(counterpart=counterpart, language=language) for m in self.results
            ],
        }
        if self.near_misses is not None:
            body["near_misses"] = [
                m.as_dict(counterpart=counterpart, language=language) for m in self.near_misses
            ]
        return body


@dataclass(frozen=True)
class SkillCredits:
    """What a person's skills and occupations earn per concept, worked out against one fitted
    set of concepts (a splice that adds concepts makes another, and these no longer apply)."""

    concepts: dict[str, int]
    credits: dict[str, Any]


@dataclass(frozen=True)
class _AboutCandidate:
    credits: dict[str, Any]
    free_hours: list[BusyPrefix] | None


def rank_keys(score: NDArray[np.float64], blocked: NDArray[np.bool_]) -> NDArray[np.float64]:
    """What `rank_order` sorts on, lowest first: unblocked before blocked, then the score as
    shown; equal keys go by id."""
    key: NDArray[np.float64] = np.where(blocked, 2.0, 0.0) + (1.0 - np.round(score, SCORE_DECIMALS))
    return key


def rank_order(
    score: NDArray[np.float64],
    blocked: NDArray[np.bool_],
    tie_rank: NDArray[np.int64],
    *,
    top: int,
    include_blocked: bool,
    withheld: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Indices of the best `top`: unblocked first, then score descending, then by id; never
    the `withheld` ones.

    Scores are compared as shown (4 decimals), so results that look equal are ordered by id.
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    key = rank_keys(score, blocked)
    if not include_blocked:
        key = np.where(blocked, np.inf, key)
    if withheld is not None and len(withheld):
        key = key.copy()
        key[withheld] = np.inf
    eligible = np.isfinite(key)
    n = int(eligible.sum())
    top = min(top, n)
    if top == 0:
        return np.zeros(0, dtype=np.int64)
    if top < len(key):
        # Everything at or better than the top-th key, so that ties at the cut are settled by id.
        cut = np.partition(key, top - 1)[top - 1]
        pool = np.nonzero(key <= cut)[0]
    else:
        pool = np.nonzero(eligible)[0]
    order = np.lexsort((tie_rank[pool], key[pool]))
    result: NDArray[np.int64] = pool[order[:top]]
    return result


def near_miss_order(
    score: NDArray[np.float64],
    blocked: NDArray[np.bool_],
    tie_rank: NDArray[np.int64],
    *,
    withheld: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Indices of the best NEAR_MISSES blocked ones by score (ties by id), never `withheld`."""
    if not blocked.any():
        return np.zeros(0, dtype=np.int64)
    # Ranked as unblocked ones would be, with every unblocked one ruled out.
    return rank_order(
        score,
        ~blocked,
        tie_rank,
        top=NEAR_MISSES,
        include_blocked=False,
        withheld=withheld,
    )


class _Wanted(NamedTuple):
    """What a shortlist is asked for."""

    top: int
    include_blocked: bool
    withheld: NDArray[np.int64] | None


@dataclass(frozen=True)
class _Asked:
    """What `lists_any_before` is asked per person (rows), as arrays over the engine's columns."""

    include_blocked: NDArray[np.bool_]
    withheld: BoolMatrix
    cut: NDArray[np.float64]
    """The rank key of the last line; +inf with none (a shorter list: anything listed enters)."""
    cut_id: NDArray[np.object_]

    @classmethod
    def of(
        cls,
        engine: Engine,
        lasts: Sequence[tuple[float, str] | None],
        include_blocked: bool | Sequence[bool],
        withhold: Sequence[Collection[str]] | None,
    ) -> _Asked:
        rows = len(lasts)
        withheld = np.zeros((rows, len(engine.vacancies_)), dtype=np.bool_)
        for i, vacancy_ids in enumerate(withhold or ()):
            if vacancy_ids:
                withheld[i, engine.columns_of(vacancy_ids)] = True
        cut_id = np.empty(rows, dtype=object)
        cut_id[:] = ["" if last is None else last[1] for last in lasts]
        return cls(
            include_blocked=np.broadcast_to(np.asarray(include_blocked, dtype=np.bool_), (rows,)),
            withheld=withheld,
            cut=np.array([np.inf if last is None else last[0] for last in lasts], dtype=np.float64),
            cut_id=cut_id,
        )

    def rows(self, kept: NDArray[np.intp]) -> _Asked:
        return _Asked(
            self.include_blocked[kept], self.withheld[kept], self.cut[kept], self.cut_id[kept]
        )


class Engine:
    """Scores every open vacancy for candidates with numpy, and explains only what is shown."""

    vacancies_: Sequence[Vacancy]
    """The open vacancies, one per column (a list, but in an engine `_taken` from another)."""

    def __init__(
        self,
        weights: Weights | None = None,
        *,
        travel: TravelTimeModel | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.weights = weights or default_weights()
        self.travel = travel
        self.vocabulary = vocabulary

    def fit(self, vacancies: Sequence[Vacancy]) -> Self:
        """Precompute the arrays of the open vacancies; closed and filled ones are left out."""
        self.vacancies_ = [v for v in vacancies if v.status == "open"]
        self.skills_ = SkillsFeature(vocabulary=self.vocabulary).fit(self.vacancies_)
        self.language_ = LanguageFeature().fit(self.vacancies_)
        shifts = ShiftTable.from_vacancies(self.vacancies_)
        self.commute_ = CommuteFeature(travel=self.travel).fit(self.vacancies_, shifts=shifts)
        self.childcare_ = ChildcareFeature().fit(self.vacancies_, shifts=shifts)
        self.ids_ = _ids(self.vacancies_)
        self.vacancy_rank_ = _id_rank(self.ids_)
        self.spliced_ = 0
        """Vacancy columns the splices since the fit dropped or added."""
        self.widened_ = 0
        """Columns the splices since the fit added to the tables that are not one per vacancy
        (`_width`): what a fit may take back once no vacancy uses them, and so what makes one
        worth its cost (columns of the fit's own that removals left empty are not counted)."""
        self._bounds: VacancyBounds | KeptBounds | None = None
        return self

    def splice(self, *, removed: Iterable[str] = (), upserted: Sequence[Vacancy] = ()) -> Engine:
        """A new engine, as if fitted on this one's vacancies with these changes; this one is
        left as it is, so requests scoring with it finish undisturbed.

        Vacancies are known by id: each id in `removed` or `upserted` loses its column; the
        upserted ones that are open are fitted on their own and appended. The result ranks,
        scores and explains exactly as a fresh fit on the resulting vacancies would, at a cost
        that grows with the number of changes (and whole-array copies), not the catalog's size.
        """
        added = [v for v in upserted if v.status == "open"]
        gone = self.columns_of([*removed, *(v.id or "" for v in upserted)])
        stays = np.ones(len(self.vacancies_), dtype=np.bool_)
        stays[gone] = False
        keep = np.flatnonzero(stays).astype(np.int64)
        return self._spliced(keep, added, changed=len(gone) + len(added))

    def only(self, vacancy_ids: Iterable[str]) -> Engine:
        """This engine reduced to the vacancies with these ids (in column order), scoring each
        exactly as this one does: to re-score a few vacancies for someone."""
        keep = np.unique(self.columns_of(vacancy_ids)).astype(np.int64)
        return self._spliced(keep, [], changed=0)

    def only_columns(self, columns: NDArray[np.int64]) -> Engine:
        """`only`, by column (ascending, each once) rather than id: for batch shortlists,
        which reduce the engine to each neighbourhood's reachable columns."""
        return self._spliced(columns, [], changed=0)

    def columns_of(self, vacancy_ids: Iterable[str]) -> NDArray[np.int64]:
        """The columns of the vacancies with these ids (none for an id not fitted)."""
        wanted = np.array(list(dict.fromkeys(vacancy_ids)), dtype=object)
        if not len(wanted) or not len(self.ids_):
            return np.zeros(0, dtype=np.int64)
        by_id = _inverse(self.vacancy_rank_)
        ordered = self.ids_[by_id]
        low = np.searchsorted(ordered, wanted, side="left")
        high = np.searchsorted(ordered, wanted, side="right")
        columns = [by_id[a:b] for a, b in zip(low.tolist(), high.tolist(), strict=True)]
        return np.concatenate([np.zeros(0, dtype=np.int64), *columns]).astype(np.int64)

    def _spliced(self, keep: NDArray[np.int64], added: list[Vacancy], *, changed: int) -> Engine:
        new = object.__new__(Engine)
        new.__dict__.update(self.__dict__)
        new.vacancies_ = _kept(self.vacancies_, keep) + added
        change = Splice.of(self.commute_.shifts_, keep, added)
        new.skills_ = self.skills_.splice(change)
        new.language_ = self.language_.splice(change)
        new.commute_ = self.commute_.splice(change)
        new.childcare_ = self.childcare_.splice(change)
        kept_ids, fresh_ids = self.ids_[keep], _ids(added)
        new.ids_ = np.concatenate([kept_ids, fresh_ids])
        new.vacancy_rank_ = _spliced_rank(self.vacancy_rank_[keep], kept_ids, fresh_ids)
        new.spliced_ = self.spliced_ + changed
        new.widened_ = self.widened_ + new._width() - self._width()
        new._bounds = (
            None if self._bounds is None else KeptBounds.spliced(self._bounds, keep, len(added))
        )
        return new

    def _width(self) -> int:
        """The columns of the tables that are not one per vacancy: concepts, contact languages
        and shift hours. Splices only ever add to them (one no vacancy uses any more stays,
        empty, until the next fit)."""
        return (
            len(self.skills_.concepts_)
            + len(self.language_.codes_)
            + len(self.commute_.hour_pairs_)
        )

    def _taken(self, columns: NDArray[np.int64]) -> Engine:
        """This engine over the columns `columns` (ascending) alone, scoring and explaining each
        exactly as this one does, at a cost that grows with the columns, not the catalog. Its
        columns keep their places in this one's id order (`vacancy_rank_`), so its rankings
        break ties as this one's do; it is only for scoring, not for splicing or `columns_of`."""
        new = object.__new__(Engine)
        new.__dict__.update(self.__dict__)
        table, shifts = self.commute_.shifts_.take(columns)
        new.vacancies_ = _Picked(self.vacancies_, columns)
        new.skills_ = self.skills_.take(columns)
        new.language_ = self.language_.take(columns)
        new.commute_ = self.commute_.take(columns, shifts, table)
        new.childcare_ = self.childcare_.take(columns, shifts, table)
        new.ids_ = self.ids_[columns]
        new.vacancy_rank_ = self.vacancy_rank_[columns]
        new._bounds = None
        return new

    def with_weights(self, weights: Weights) -> Engine:
        """The same fitted engine with other weights: no refit needed."""
        clone = object.__new__(Engine)
        clone.__dict__.update(self.__dict__)
        clone.weights = weights
        return clone

    def score(
        self, candidates: Sequence[Candidate], *, credits: Sequence[SkillCredits] | None = None
    ) -> Scores:
        """Every feature for every (candidate, open vacancy) pair, as arrays; `credits` may pass
        what each one's skills earn here (`skill_credits`), if already known."""
        known = None if credits is None else [c.credits for c in credits]
        return self._score(candidates, credits=known)

    def _score(
        self,
        candidates: Sequence[Candidate],
        shift_minutes: FloatMatrix | None = None,
        language: FeatureScores | None = None,
        credits: Sequence[dict[str, Any]] | None = None,
    ) -> Scores:
        """`score`, with what the caller already worked out for these candidates."""
        if not candidates:
            raise ValueError("score needs at least one candidate")
        w = self.weights.weights
        if shift_minutes is None:
            shift_minutes = self.commute_.shift_minutes(candidates)
        shift_overflow = self.childcare_.shift_overflow(candidates, shift_minutes=shift_minutes)
        chosen = self._choose_shifts(candidates, shift_minutes, shift_overflow)
        features = {
            "skills": self.skills_.score(candidates, credits=credits),
            "language": language or self.language_.score(candidates),
            "commute": self.commute_.score(candidates, shift_minutes=shift_minutes, chosen=chosen),
            "childcare": self.childcare_.score(
                candidates,
                shift_minutes=shift_minutes,
                shift_overflow=shift_overflow,
                chosen=chosen,
            ),
        }
        total = sum(w[name] for name in FEATURES)
        score = sum(w[name] * features[name].score for name in FEATURES) / total
        blocked = np.zeros((len(candidates), len(self.vacancies_)), dtype=np.bool_)
        for name in FEATURES:
            if w[name] > 0:  # a feature weighted zero has no say, not even a veto
                blocked |= features[name].blocking
        return Scores(
            features=features,
            score=np.clip(score, 0.0, 1.0),
            blocked=blocked,
            shift_minutes=shift_minutes,
            chosen_shift=chosen,
        )

    def _choose_shifts(
        self,
        candidates: Sequence[Candidate],
        shift_minutes: FloatMatrix,
        shift_overflow: FloatMatrix,
    ) -> NDArray[np.intp]:
        """For pick-one vacancies, the shift that is best for commute and schedule together."""
        shifts = self.commute_.shifts_
        if not len(shifts.choice_vacancy):
            return np.zeros((len(candidates), 0), dtype=np.intp)
        w = self.weights.weights
        minutes = shift_minutes[:, shifts.choice_shift]
        commute_score, commute_blocks = self.commute_.rate(candidates, minutes)
        schedule_score, schedule_blocks = self.childcare_.rate(
            shift_overflow[:, shifts.choice_shift]
        )
        together = max(w["commute"] + w["childcare"], 1e-9)
        quality = (w["commute"] * commute_score + w["childcare"] * schedule_score) / together
        blocks = (commute_blocks & (w["commute"] > 0)) | (schedule_blocks & (w["childcare"] > 0))
        return shifts.best_shift(np.where(blocks, 2.0, 0.0) + (1.0 - quality))

    def shortlist(
        self,
        candidate: Candidate,
        *,
        top: int = 10,
        include_blocked: bool = False,
        withhold: Collection[str] = (),
    ) -> Shortlist:
        """The candidate's best open vacancies, explained; never those in `withhold` (say, the
        ones already proposed to them)."""
        about = self._about(candidate)
        withheld = self.columns_of(withhold) if withhold else None
        wanted = _Wanted(top, include_blocked, withheld)
        # Not on a timetable: its minutes can beat the estimate's the bounds are made of (at
        # any hour), so a bound could fall below a score; and a taken engine would need the
        # timetable's lookups of its own shifts. Scoring all stays exact.
        staged_ok = self.commute_.journeys_ is None
        if staged_ok and len(self.vacancies_) >= self.staged_from and top >= 1:
            staged = self._staged_shortlist(candidate, about, wanted)
            if staged is not None:
                return staged
        return self._scored_shortlist(candidate, about, wanted)

    staged_from = 4096
    """From how many open vacancies a shortlist scores exactly only those its bounds cannot rule
    out (below that, scoring them all is as quick)."""
    staged_pool = 256
    """How many of the most promising vacancies a staged shortlist scores exactly first; four
    times as many each time that is not enough to settle it."""
    staged_until = 8
    """A staged shortlist scores every vacancy instead once a pool would hold more than this
    fraction (1 / staged_until) of them: by then the bounds save little."""

    def _staged_shortlist(
        self, candidate: Candidate, about: _AboutCandidate, wanted: _Wanted
    ) -> Shortlist | None:
        """`shortlist`, scoring exactly only the vacancies whose bound (`matcher/bounds.py`)
        could put them on it: the most promising first, in pools growing fourfold, until no
        vacancy left out could be listed before the last line found (and, with blocked ones
        asked for, before the last near miss). The result is the same as scoring them all,
        which it falls back to (None) once a pool would hold too much of the catalog."""
        top, include_blocked, withheld = wanted
        pool = max(self.staged_pool, 2 * top)
        ranked = None
        while pool * self.staged_until <= len(self.vacancies_):
            if ranked is None or not include_blocked:  # only those without are made per pool
                ranked = self._ranked_bounds(candidate, about, wanted, pool)
            listed, near = ranked
            columns = _most_promising(listed, pool)
            if near is not None:
                columns = np.union1d(columns, _most_promising(near, pool))
            if not len(columns):  # nothing could be listed at all
                empty: list[Match] | None = [] if include_blocked else None
                return Shortlist(
                    self.weights.version, [], candidate_id=candidate.id, near_misses=empty
                )
            taken = self._taken(columns)
            scores = taken._score([candidate], credits=[about.credits])
            score, blocked = scores.score[0], scores.blocked[0]
            order = rank_order(
                score, blocked, taken.vacancy_rank_, top=top, include_blocked=include_blocked
            )
            settled = _settled(listed, columns, rank_keys(score, blocked)[order], top)
            missed = None
            if near is not None:
                missed = near_miss_order(score, blocked, taken.vacancy_rank_)
                near_keys = rank_keys(score, ~blocked)[missed]
                settled = settled and _settled(near, columns, near_keys, NEAR_MISSES)
            if settled:
                return taken._listing(candidate, about, scores, order, missed)
            pool *= 4
        return None

    def _ranked_bounds(
        self, candidate: Candidate, about: _AboutCandidate, wanted: _Wanted, pool: int
    ) -> tuple[NDArray[np.float32], NDArray[np.float32] | None]:
        """What each vacancy could score at best, ranked as `rank_order` ranks (higher is
        listed first; -inf never), bounded closely enough to find the `pool` most promising;
        and with blocked ones asked for, likewise as a near miss."""
        if self._bounds is None:
            self._bounds = VacancyBounds(self)
        top, include_blocked, withheld = wanted
        near: NDArray[np.float32] | None = None
        if include_blocked:
            bounds = self._bounds.bound(self, candidate, about.credits, near=True)
            listed = bounds.score.copy()
            listed[bounds.blocked] -= np.float32(2.0)
            near = bounds.near
        else:
            listed = self._bounds.listed(self, candidate, about.credits, promising=pool)
        if withheld is not None and len(withheld):
            listed[withheld] = -np.inf
            if near is not None:
                near[withheld] = -np.inf
        return listed, near

    def _scored_shortlist(
        self, candidate: Candidate, about: _AboutCandidate, wanted: _Wanted
    ) -> Shortlist:
        """`shortlist`, scoring every vacancy."""
        top, include_blocked, withheld = wanted
        scores = self._score([candidate], credits=[about.credits])
        order = rank_order(
            scores.score[0],
            scores.blocked[0],
            self.vacancy_rank_,
            top=top,
            include_blocked=include_blocked,
            withheld=withheld,
        )
        missed = None
        if include_blocked:
            missed = near_miss_order(
                scores.score[0], scores.blocked[0], self.vacancy_rank_, withheld=withheld
            )
        return self._listing(candidate, about, scores, order, missed)

    def _listing(
        self,
        candidate: Candidate,
        about: _AboutCandidate,
        scores: Scores,
        order: NDArray[np.int64],
        missed: NDArray[np.int64] | None,
    ) -> Shortlist:
        """The shortlist of these columns (and near misses, if asked for), explained."""
        matches: dict[int, Match] = {}
        shown = [*order.tolist(), *([] if missed is None else missed.tolist())]
        door_to_door = self.commute_.door_to_door(candidate, list(dict.fromkeys(shown)))

        def match(j: int) -> Match:
            if j not in matches:
                matches[j] = self._match(candidate, j, scores, 0, about, door_to_door)
            return matches[j]

        results = [match(int(j)) for j in order]
        near = None if missed is None else [match(int(j)) for j in missed]
        return Shortlist(self.weights.version, results, candidate_id=candidate.id, near_misses=near)

    def skill_credits(
        self, candidate: Candidate, known: SkillCredits | None = None
    ) -> SkillCredits:
        """What the person's skills earn against this engine's concepts; `known`, from an engine
        spliced from the same fit, is reused when it still applies."""
        concepts = self.skills_.column_
        if known is not None and known.concepts is concepts:
            return known
        return SkillCredits(concepts, self.skills_.credits(candidate))

    def matches(
        self,
        candidates: Sequence[Candidate],
        *,
        credits: Sequence[SkillCredits | None] | None = None,
    ) -> list[list[Match]]:
        """For each person, every vacancy of this engine as their shortlist would show it (in
        column order), all of them scored together: for an engine reduced to the few
        vacancies written since, to re-explain many people's cached lines at once."""
        if not candidates or not self.vacancies_:
            return [[] for _ in candidates]
        known = [None] * len(candidates) if credits is None else credits
        earned = [self.skill_credits(c, k).credits for c, k in zip(candidates, known, strict=True)]
        scores = self._score(candidates, credits=earned)
        columns = list(range(len(self.vacancies_)))
        found: list[list[Match]] = []
        for row, candidate in enumerate(candidates):
            about = self._about(candidate, earned[row])
            door_to_door = self.commute_.door_to_door(candidate, columns)
            found.append(
                [self._match(candidate, j, scores, row, about, door_to_door) for j in columns]
            )
        return found

    def lists_any_before(
        self,
        candidates: Sequence[Candidate],
        lasts: Sequence[tuple[float, str] | None],
        *,
        include_blocked: bool | Sequence[bool],
        credits: Sequence[SkillCredits | None] | None = None,
        withhold: Sequence[Collection[str]] | None = None,
    ) -> NDArray[np.bool_]:
        """For each person, whether their shortlist would list any of this engine's vacancies
        before their `last`, the (rank key, id) of the last line of a full shortlist (from
        `rank_keys`); with `last` None (a shortlist shorter than asked for), whether it would
        list any at all. Their `withhold` vacancies are never listed.

        All the people are bounded together, cheapest features first, and only those a bound
        leaves in doubt go on to the next; the answer is exact, and each person's is the same
        as if they were asked about alone.
        """
        rows = len(candidates)
        found = np.zeros(rows, dtype=np.bool_)
        if not self.vacancies_ or not rows:
            return found
        w = self.weights.weights
        columns = len(self.vacancies_)
        asked = _Asked.of(self, lasts, include_blocked, withhold)
        # 1. The language, and the driving licence the skills require.
        language = self.language_.score(candidates)
        best = {name: np.ones((rows, columns)) for name in FEATURES}
        best["language"] = language.score
        vetoed = np.zeros((rows, columns), dtype=np.bool_)
        if w["language"] > 0:
            vetoed |= language.blocking
        if w["skills"] > 0:
            licences = np.array([c.driving_licence for c in candidates], dtype=np.bool_)
            vetoed |= self.skills_.licence_required_[None, :] & ~licences[:, None]
        doubt = self._may_come_before(best, vetoed, asked)
        # 2. The commute at each vacancy's quickest shift: never worse than at the chosen one.
        left = np.flatnonzero(doubt)
        if not len(left):
            return found
        people = [candidates[i] for i in left.tolist()]
        shift_minutes = self.commute_.shift_minutes(people)
        commute = self.commute_.score(people, shift_minutes=shift_minutes)
        best = {name: scores[left] for name, scores in best.items()}
        best["commute"] = commute.score
        vetoed = vetoed[left] | (commute.blocking if w["commute"] > 0 else False)
        doubt = self._may_come_before(best, vetoed, asked.rows(left))
        # 3. Skills exactly (cheap with the credits known), the schedule at its best for the hours.
        keep = np.flatnonzero(doubt)
        left, people, shift_minutes = left[keep], [people[k] for k in keep], shift_minutes[keep]
        if not len(left):
            return found
        known = [None] * rows if credits is None else credits
        earned = [
            self.skill_credits(c, known[i]).credits
            for c, i in zip(people, left.tolist(), strict=True)
        ]
        best = {name: scores[keep] for name, scores in best.items()}
        best["skills"] = self.skills_.score(people, credits=earned).score
        best["childcare"] = self.childcare_.best_scores(people)
        doubt = self._may_come_before(best, vetoed[keep], asked.rows(left))
        # 4. Everything, for those still in doubt.
        keep = np.flatnonzero(doubt)
        left, people = left[keep], [people[k] for k in keep]
        if not len(left):
            return found
        scores = self._score(
            people,
            shift_minutes[keep],
            FeatureScores(language.score[left], language.blocking[left]),
            [earned[k] for k in keep],
        )
        best = {name: scores.features[name].score for name in FEATURES}
        found[left] = self._may_come_before(best, scores.blocked, asked.rows(left))
        return found

    def _may_come_before(
        self,
        best: dict[str, FloatMatrix],
        vetoed: BoolMatrix,
        asked: _Asked,
    ) -> NDArray[np.bool_]:
        """Per person (row), whether any vacancy they do not withhold could be listed before
        their last line, each feature's score at most `best` and blocked at least where
        `vetoed` (given exactly, the answer is exact); the combination is made as `score` makes
        it, so a bound never comes out below the real score."""
        listed = np.where(asked.include_blocked[:, None], True, ~vetoed) & ~asked.withheld
        w = self.weights.weights
        total = sum(w[name] for name in FEATURES)
        bound = np.clip(sum(w[name] * best[name] for name in FEATURES) / total, 0.0, 1.0)
        key = rank_keys(bound, vetoed)
        cut = asked.cut[:, None]
        before = key < cut
        tie = np.argwhere(listed & (key == cut))
        if len(tie):  # equal keys go by id, as in `rank_order`
            ids, cut_ids = self.ids_[tie[:, 1]], asked.cut_id[tie[:, 0]]
            before[tie[:, 0], tie[:, 1]] = [a < b for a, b in zip(ids, cut_ids, strict=True)]
        return np.asarray((listed & before).any(axis=1))

    def for_vacancy(self, vacancy: Vacancy) -> Engine:
        """This engine's weights and models fitted on one vacancy, taken as open: to score it
        against people without scoring every other open vacancy too."""
        engine = Engine(self.weights, travel=self.travel, vocabulary=self.vocabulary)
        return engine.fit([vacancy.model_copy(update={"status": "open"})])

    def rank_candidates(
        self,
        vacancy: Vacancy,
        candidates: Sequence[Candidate],
        *,
        top: int = 20,
        include_blocked: bool = False,
        withhold: Collection[str] = (),
    ) -> Shortlist:
        """The best candidates for one vacancy, explained: the same scores from the other side;
        never the people in `withhold`."""
        single = self.for_vacancy(vacancy)
        near: list[Match] | None = [] if include_blocked else None
        if not candidates:
            return Shortlist(
                self.weights.version,
                [],
                vacancy_id=vacancy.id,
                ranks="candidates",
                near_misses=near,
            )
        scores = single.score(candidates)
        tie_rank = _id_rank([c.id for c in candidates])
        withheld = (
            np.array([i for i, c in enumerate(candidates) if c.id in withhold], dtype=np.int64)
            if withhold
            else None
        )
        order = rank_order(
            scores.score[:, 0],
            scores.blocked[:, 0],
            tie_rank,
            top=top,
            include_blocked=include_blocked,
            withheld=withheld,
        )
        matches: dict[int, Match] = {}

        def match(i: int) -> Match:
            if i not in matches:
                person = candidates[i]
                matches[i] = single._match(person, 0, scores, i, single._about(person))
            return matches[i]

        results = [match(int(i)) for i in order]
        if include_blocked:
            missed = near_miss_order(
                scores.score[:, 0], scores.blocked[:, 0], tie_rank, withheld=withheld
            )
            near = [match(int(i)) for i in missed]
        return Shortlist(
            self.weights.version,
            results,
            vacancy_id=vacancy.id,
            ranks="candidates",
            near_misses=near,
        )

    def _about(
        self, candidate: Candidate, credits: dict[str, Any] | None = None
    ) -> _AboutCandidate:
        """What every explanation for this person needs, worked out once per shortlist (their
        skills' `credits` if known already)."""
        return _AboutCandidate(
            credits=self.skills_.credits(candidate) if credits is None else credits,
            free_hours=unavailable_prefix([candidate]) if candidate.availability else None,
        )

    def _match(
        self,
        candidate: Candidate,
        j: int,
        scores: Scores,
        row: int,
        about: _AboutCandidate,
        door_to_door: dict[int, dict[Mode, float]] | None = None,
    ) -> Match:
        vacancy = self.vacancies_[j]
        chosen = self.commute_.shifts_.chosen_for(j, scores.chosen_shift[row])
        trip = self.commute_.trip(
            candidate,
            j,
            chosen_shift=chosen,
            door_to_door=None if door_to_door is None else door_to_door.get(j),
        )
        minutes = {
            k: float(scores.shift_minutes[row, k]) for k in self.commute_.shifts_.of_vacancy(j)
        }
        schedule = self.childcare_.explain(
            candidate, j, shift_minutes=minutes, chosen_shift=chosen, prefix=about.free_hours
        )
        reasons = {
            "skills": (
                self.skills_.explain(candidate, j, credits=about.credits, vacancy=vacancy),
                {},
            ),
            "language": (self.language_.explain(candidate, j), {}),
            "commute": (trip.reasons, {"minutes": trip.minutes, "mode": trip.mode}),
            "childcare": (schedule, {}),
        }
        features = {
            name: FeatureResult(
                score=float(scores.features[name].score[row, j]),
                blocking=bool(scores.features[name].blocking[row, j]),
                reasons=reasons[name][0],
                extra=reasons[name][1],
            )
            for name in FEATURES
        }
        return Match(
            candidate_id=candidate.id,
            vacancy_id=vacancy.id,
            title=vacancy.title,
            employer=vacancy.employer,
            score=float(scores.score[row, j]),
            blocked=bool(scores.blocked[row, j]),
            features=features,
        )


_SHOWN_ROUNDING = 5.1e-5
"""At most what rounding a score to SCORE_DECIMALS adds to it (half the last place, and some)."""


class _Picked(Sequence[Vacancy]):
    """The vacancies at some columns of a list, each looked up only when asked for: picking a
    pool's hundreds at once touched as many objects scattered over memory (a fifth of a
    millisecond at 100,000 vacancies), for the ten lines a shortlist explains."""

    def __init__(self, vacancies: Sequence[Vacancy], columns: NDArray[np.int64]) -> None:
        self._vacancies = vacancies
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns)

    @overload
    def __getitem__(self, index: int) -> Vacancy: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Vacancy]: ...

    def __getitem__(self, index: int | slice) -> Vacancy | Sequence[Vacancy]:
        if isinstance(index, slice):
            return [self._vacancies[j] for j in self._columns[index].tolist()]
        return self._vacancies[int(self._columns[index])]


def _most_promising(best: NDArray[np.float32], pool: int) -> NDArray[np.int64]:
    """The columns with about the `pool` highest bounds (all those tied with the last of them
    too), leaving out those that can never be listed (-inf)."""
    if pool < len(best):
        cut = sampled_cut(best[::SAMPLE_STEP], pool)
        if cut > -np.inf:
            return np.flatnonzero(best >= cut).astype(np.int64)
    return np.flatnonzero(best > -np.inf).astype(np.int64)


def _settled(
    best: NDArray[np.float32],
    columns: NDArray[np.int64],
    listed_keys: NDArray[np.float64],
    wanted: int,
) -> bool:
    """Whether the lines found among `columns` (their rank keys in order) are the lines over
    every column: no column left out has a bound that could give it a key at or before the
    last line's (a bound `b` gives a key of at least 1 - b less the rounding), or there are
    fewer lines than `wanted` and nothing is left out."""
    rest = best.copy()
    rest[columns] = -np.inf
    best_left = float(rest.max(initial=-np.inf))
    if best_left == -np.inf:
        return True
    if len(listed_keys) < wanted:
        return False
    return bool(listed_keys[-1] < 1.0 - best_left - _SHOWN_ROUNDING)


def _kept(vacancies: Sequence[Vacancy], keep: NDArray[np.int64]) -> list[Vacancy]:
    """The vacancies at `keep` (ascending): by deleting the few others when most stay."""
    if len(keep) < len(vacancies) // 2:
        return [vacancies[j] for j in keep.tolist()]
    stays = np.zeros(len(vacancies), dtype=np.bool_)
    stays[keep] = True
    kept = list(vacancies)
    for j in reversed(np.flatnonzero(~stays).tolist()):
        del kept[j]
    return kept


def _ids(vacancies: Sequence[Vacancy]) -> NDArray[np.object_]:
    ids = np.empty(len(vacancies), dtype=object)
    ids[:] = [v.id or "" for v in vacancies]
    return ids


def _id_rank(ids: Sequence[str | None] | NDArray[np.object_]) -> NDArray[np.int64]:
    """Position of each id in sorted order, so ties break by id, deterministically."""
    keys = np.array([i or "" for i in ids], dtype=object)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[np.argsort(keys, kind="stable")] = np.arange(len(keys))
    return rank


def _inverse(rank: NDArray[np.int64]) -> NDArray[np.int64]:
    """The columns in id order, from each column's rank."""
    order = np.empty(len(rank), dtype=np.int64)
    order[rank] = np.arange(len(rank))
    return order


def _spliced_rank(
    kept_rank: NDArray[np.int64], kept_ids: NDArray[np.object_], fresh_ids: NDArray[np.object_]
) -> NDArray[np.int64]:
    """The id ranks of kept columns (their old ranks, with gaps) followed by fresh ones, as
    `_id_rank` would give them, without sorting every id again."""
    present = np.zeros(int(kept_rank.max(initial=-1)) + 1, dtype=np.int64)
    present[kept_rank] = 1
    compact = (np.cumsum(present) - 1)[kept_rank]
    if not len(fresh_ids):
        return compact
    ordered = kept_ids[_inverse(compact)]
    fresh_order = np.argsort(fresh_ids, kind="stable")
    # How many kept ids sort before each fresh one; ties sort kept first, as a stable sort of
    # kept-then-fresh would.
    below = np.searchsorted(ordered, fresh_ids[fresh_order], side="right").astype(np.int64)
    fresh_rank = np.empty(len(fresh_ids), dtype=np.int64)
    fresh_rank[fresh_order] = below + np.arange(len(fresh_ids))
    moved = compact + np.searchsorted(below, compact, side="right")
    return np.concatenate([moved, fresh_rank]).astype(np.int64)
