"""Language fit: Dutch required at a CEFR level, or a contact language at a level suffices."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import ClassVar, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel

from matcher.features.base import FeatureScores, Splice
from matcher.models import LEVELS, Candidate, Vacancy, level_rank
from matcher.reasons import Reason, Shown, Term, Terms, Word

DUTCH = "nl"


def level_name(rank: int) -> str:
    return "none" if rank <= 0 else LEVELS[rank - 1]


class LanguageSettings(BaseModel):
    one_level_short_score: float = 0.5
    """Score when the person is one CEFR level below what the job asks (a soft penalty)."""
    levels_short_that_block: int = 2
    """From how many levels short the vacancy is blocked."""


class LanguageFeature:
    """Compares CEFR ranks (A1=1 ... C2=6, native=7) with what each vacancy asks."""

    name: ClassVar[str] = "language"

    def __init__(self, settings: LanguageSettings | None = None) -> None:
        self.settings = settings or LanguageSettings()

    def fit(self, vacancies: Sequence[Vacancy]) -> Self:
        codes = {DUTCH}
        for v in vacancies:
            codes.update(v.language.contact_languages)
        self.codes_ = sorted(codes)
        self.accepted_, self.needed_rank_, self.dutch_required_ = self._requirements(vacancies)
        return self

    def splice(self, change: Splice) -> LanguageFeature:
        """A new feature with the change applied; this one is left as it is. A language no
        vacancy accepts any more keeps its (all false) column until the next fit, where it
        changes nothing."""
        keep, added = change.keep, change.added
        new = copy.copy(self)
        codes = set(self.codes_)
        for v in added:
            codes.update(v.language.contact_languages)
        new.codes_ = sorted(codes)
        accepted = self.accepted_[keep]
        if new.codes_ != self.codes_:
            widened = np.zeros((len(keep), len(new.codes_)), dtype=np.bool_)
            widened[:, [new.codes_.index(c) for c in self.codes_]] = accepted
            accepted = widened
        fresh_accepted, fresh_needed, fresh_dutch = new._requirements(added)
        new.accepted_ = np.concatenate([accepted, fresh_accepted])
        new.needed_rank_ = np.concatenate([self.needed_rank_[keep], fresh_needed])
        new.dutch_required_ = np.concatenate([self.dutch_required_[keep], fresh_dutch])
        return new

    def take(self, columns: NDArray[np.int64]) -> Self:
        """This feature over the vacancies `columns` alone."""
        new = copy.copy(self)
        new.accepted_ = self.accepted_[columns]
        new.needed_rank_ = self.needed_rank_[columns]
        new.dutch_required_ = self.dutch_required_[columns]
        return new

    def _requirements(
        self, vacancies: Sequence[Vacancy]
    ) -> tuple[NDArray[np.bool_], NDArray[np.int8], NDArray[np.bool_]]:
        """Per vacancy, over `codes_`: which languages count, the rank needed, and whether that
        is a Dutch rank."""
        column = {c: i for i, c in enumerate(self.codes_)}
        n = len(vacancies)
        # Which languages count for each vacancy; Dutch always does, a Flemish employer speaks it.
        accepted = np.zeros((n, len(self.codes_)), dtype=np.bool_)
        accepted[:, column[DUTCH]] = True
        needed_rank = np.zeros(n, dtype=np.int8)
        dutch_required = np.zeros(n, dtype=np.bool_)
        for j, v in enumerate(vacancies):
            req = v.language
            if req.dutch is not None:
                dutch_required[j] = True
                needed_rank[j] = level_rank(req.dutch)
            else:
                needed_rank[j] = level_rank(req.contact_level)
                accepted[j, [column[c] for c in req.contact_languages]] = True
        return accepted, needed_rank, dutch_required

    def _candidate_ranks(self, candidates: Sequence[Candidate]) -> NDArray[np.int8]:
        ranks = np.zeros((len(candidates), len(self.codes_)), dtype=np.int8)
        column = {code: k for k, code in enumerate(self.codes_)}
        rows: list[int] = []
        columns: list[int] = []
        levels: list[int] = []
        # Gathered, then set at once: setting one numpy cell at a time was most of the cost of
        # bounding a few hundred people against a written vacancy.
        for i, c in enumerate(candidates):
            for code, level in c.languages.items():  # a few each: not every code known
                k = column.get(code)
                if k is not None:
                    rows.append(i)
                    columns.append(k)
                    levels.append(level_rank(level))
        ranks[rows, columns] = levels
        return ranks

    def _best_rank(self, candidates: Sequence[Candidate]) -> NDArray[np.int8]:
        """(C, V): the person's best level among the languages each vacancy accepts."""
        ranks = self._candidate_ranks(candidates)
        contact = np.zeros((len(candidates), len(self.needed_rank_)), dtype=np.int8)
        for k in range(len(self.codes_)):  # a handful of languages, each over all vacancies
            if ranks[:, k].any():
                accepted = self.accepted_[None, :, k]
                contact = np.maximum(contact, np.where(accepted, ranks[:, k, None], 0))
        dutch = ranks[:, self.codes_.index(DUTCH), None]
        best: NDArray[np.int8] = np.where(self.dutch_required_[None, :], dutch, contact)
        return best

    def _best_rank_at(self, candidate: Candidate, j: int) -> int:
        """The person's best level among what vacancy j accepts (one vacancy, for reasons)."""
        spoken = candidate.languages
        if self.dutch_required_[j]:
            return level_rank(spoken.get(DUTCH))
        # As `_best_rank` ranks, without arrays for one vacancy.
        accepted = self.accepted_[j].tolist()
        return max(
            (level_rank(spoken.get(c)) for c, ok in zip(self.codes_, accepted, strict=True) if ok),
            default=0,
        )

    def score(self, candidates: Sequence[Candidate]) -> FeatureScores:
        best = self._best_rank(candidates)
        shortfall = self.needed_rank_[None, :] - best
        s = self.settings
        # Not speaking any accepted language at all blocks, even against an A1 requirement.
        blocking = (shortfall >= s.levels_short_that_block) | ((best == 0) & (shortfall > 0))
        score = np.where(shortfall <= 0, 1.0, np.where(blocking, 0.0, s.one_level_short_score))
        return FeatureScores(score=score.astype(np.float64), blocking=blocking)

    def explain(self, candidate: Candidate, vacancy_index: int) -> list[Reason]:
        j = vacancy_index
        needed = int(self.needed_rank_[j])
        best = self._best_rank_at(candidate, j)
        shortfall = needed - best
        levels = {"required": _level(needed), "has": _level(best)}
        if self.dutch_required_[j]:
            dutch = {"language": DUTCH, "required": level_name(needed), "has": level_name(best)}
            if shortfall <= 0:
                code = "dutch_sufficient"
            else:
                code = "dutch_one_level_short" if shortfall == 1 and best else "dutch_too_low"
            return [Reason(code, dutch, shown=levels)]
        accepted = [c for c, ok in zip(self.codes_, self.accepted_[j], strict=True) if ok]
        spoken = [c for c in accepted if best and level_rank(candidate.languages.get(c)) == best]
        params: dict[str, object] = {
            "accepted": accepted,
            "required": level_name(needed),
            "has": level_name(best),
            "language": spoken[0] if spoken else None,
        }
        named = spoken[:1] if shortfall <= 0 and spoken else [c for c in accepted if c != DUTCH]
        languages = Terms(tuple(Word(f"language.{c}", c) for c in named or [DUTCH]), joiner="or")
        if shortfall <= 0:
            code = "contact_language_sufficient"
        elif shortfall == 1 and best:
            code = "contact_language_one_level_short"
        else:
            code = "contact_language_too_low"
        # Only Dutch accepted, at a contact level: say so, not "no Dutch needed".
        variant = "dutch" if accepted == [DUTCH] else None
        return [Reason(code, params, variant=variant, shown={**levels, "languages": languages})]


def _level(rank: int) -> Shown:
    """A CEFR level as written ("B1"), or the word for none or a mother tongue."""
    if rank <= 0:
        return Word("level.none")
    name = LEVELS[rank - 1]
    return Word("level.native") if name == "native" else Term({}, name)
