"""Skills fit: required and preferred skills, and past occupations against the vacancy's title."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel
from rapidfuzz import fuzz, process
from scipy import sparse

from matcher.features.base import FeatureScores, Splice
from matcher.models import Candidate, Vacancy
from matcher.reading.vocabulary import (
    RELATED_CREDIT,
    SUBPHRASE_CONFIDENCE,
    Vocabulary,
    default_vocabulary,
    normalise,
)
from matcher.reasons import LANGUAGES, Reason, Shown, Term, Terms
from matcher.schedule import ranges

_TEXT = "text:"
"""Prefix of ad-hoc concepts for phrases the vocabulary does not know; they match as text."""


class SkillsSettings(BaseModel):
    required_weight: float = 0.6
    """Share of the score for covering the must-have skills."""
    preferred_weight: float = 0.15
    """Share for the nice-to-have skills (only where a vacancy lists some)."""
    title_weight: float = 0.25
    """Share for having worked in (or trained for) the vacancy's occupation."""
    unknown_phrase_cutoff: float = 86.0
    """rapidfuzz score from which two phrases the vocabulary does not know count as the same."""


@dataclass(frozen=True)
class _Credit:
    """What the candidate brings for one concept: how much, and from which of their phrases."""

    value: float
    phrase: str
    related: bool
    from_occupation: bool = False
    entailed_by: str | None = None
    """The occupation whose work this skill is part of, when credited for that."""


_NONE = _Credit(0.0, "", False)


SHARED_CREDITS_AT_MOST = 1 << 13
"""Distinct credits kept for sharing; past that the store starts again (the fixtures' 400 people
need about 2,000)."""

_shared_credits: dict[tuple[float, str, bool, bool, str | None], _Credit] = {}


def _credit(
    value: float,
    phrase: str,
    related: bool,
    from_occupation: bool = False,
    entailed_by: str | None = None,
) -> _Credit:
    """One shared object per distinct credit: the cached shortlists keep every person's credits
    (about 34 each), and an object per credit per person was most of what Python's cycle
    collector walked in its full passes, each a stall of every request in flight."""
    key = (value, phrase, related, from_occupation, entailed_by)
    credit = _shared_credits.get(key)
    if credit is None:
        if len(_shared_credits) >= SHARED_CREDITS_AT_MOST:
            _shared_credits.clear()
        credit = _shared_credits.setdefault(key, _Credit(*key))
    return credit


def forget_credits() -> None:
    """Forget the shared credits, which hold the phrases people wrote: what an erasure calls,
    as the vocabulary forgets its readings (a phrase cannot be traced back to its writer)."""
    _shared_credits.clear()


def remembers_phrase(phrase: str) -> bool:
    """Whether a shared credit holds this phrase (people's phrases are personal data)."""
    return any(key[1] == phrase for key in list(_shared_credits))


_VacancyConcepts = tuple[list[str], list[str], str]
"""A vacancy's required and preferred skills' concepts, and its title's."""


def _concepts_of(row: _VacancyConcepts) -> list[str]:
    return [*row[0], *row[1], row[2]]


def _object_array(rows: Sequence[_VacancyConcepts]) -> NDArray[np.object_]:
    """One vacancy's concepts per entry: taken and joined with numpy when spliced."""
    array = np.empty(len(rows), dtype=object)
    for k, row in enumerate(rows):
        array[k] = row
    return array


class SkillsFeature:
    """Concept-to-concept coverage, so wording and language on either side matter less."""

    name: ClassVar[str] = "skills"

    def __init__(
        self, settings: SkillsSettings | None = None, *, vocabulary: Vocabulary | None = None
    ) -> None:
        self.settings = settings or SkillsSettings()
        self.vocabulary = vocabulary or default_vocabulary()

    def fit(self, vacancies: Sequence[Vacancy]) -> Self:
        self.concepts_: list[str] = list(self.vocabulary.concepts)
        self.column_: dict[str, int] = {c: k for k, c in enumerate(self.concepts_)}
        self.unknown_phrases_: list[str] = []
        read = self._read(vacancies)
        self._register([c for row in read for c in _concepts_of(row)])
        required = [row[0] for row in read]
        preferred = [row[1] for row in read]
        titles = [row[2] for row in read]
        self.required_ = self._matrix(required)
        self.preferred_ = self._matrix(preferred)
        self.title_ = self._matrix([[t] for t in titles])
        self.required_count_ = np.asarray(self.required_.sum(axis=1)).ravel()
        self.preferred_count_ = np.asarray(self.preferred_.sum(axis=1)).ravel()
        self.titles_known_ = np.array([not t.startswith(_TEXT) for t in titles], dtype=np.bool_)
        self.licence_required_ = np.array(
            [v.driving_licence_required for v in vacancies], dtype=np.bool_
        )
        self._narrow: _Narrowed | None = None
        self._interleaved: sparse.csr_matrix | None = None
        self._taken: sparse.csr_matrix | None = None
        self._vacancy_concepts = _object_array(read)
        self._named: dict[str, tuple[str, Mapping[str, str]]] = {}
        return self

    def splice(self, change: Splice) -> SkillsFeature:
        """A new feature with the change applied, reading only the added vacancies' phrases;
        this one is left as it is (requests may be scoring with it).

        A concept only the dropped vacancies used keeps its (empty) column until the next fit:
        it scores nothing, and no vacancy's reasons name it.
        """
        keep, added = change.keep, change.added
        new = copy.copy(self)
        new._narrow = None  # worked out again for the new rows when needed
        new._interleaved = new._taken = None
        read = self._read(added)
        new._register([c for row in read for c in _concepts_of(row)])
        fresh = {
            "required_": new._matrix([row[0] for row in read]),
            "preferred_": new._matrix([row[1] for row in read]),
            "title_": new._matrix([[row[2]] for row in read]),
        }
        width = len(new.concepts_)
        for name, rows in fresh.items():
            setattr(new, name, _rows_then(getattr(self, name), keep, rows, width))
        new.required_count_ = np.concatenate(
            [self.required_count_[keep], np.asarray(fresh["required_"].sum(axis=1)).ravel()]
        )
        new.preferred_count_ = np.concatenate(
            [self.preferred_count_[keep], np.asarray(fresh["preferred_"].sum(axis=1)).ravel()]
        )
        new.titles_known_ = np.concatenate(
            [self.titles_known_[keep], [not row[2].startswith(_TEXT) for row in read]]
        ).astype(np.bool_)
        new.licence_required_ = np.concatenate(
            [self.licence_required_[keep], [v.driving_licence_required for v in added]]
        ).astype(np.bool_)
        new._vacancy_concepts = np.concatenate([self._vacancy_concepts[keep], _object_array(read)])
        return new

    def take(self, columns: NDArray[np.int64]) -> Self:
        """This feature over the vacancies `columns` alone, scoring and explaining each exactly
        as this one does (each row keeps its concepts in their order, so sums are the same)."""
        new = copy.copy(self)
        new._narrow = new._interleaved = None
        if self._interleaved is None:
            # Vacancy j's required, preferred and title rows as rows 3j, 3j + 1 and 3j + 2 of
            # one matrix, so that taking some vacancies is one row selection, not three.
            self._interleaved = sparse.csr_matrix(
                sparse.vstack([self.required_, self.preferred_, self.title_], format="csr")[
                    _interleaving(self.required_.shape[0])
                ]
            )
        rows = (3 * columns[:, None] + np.arange(3)).reshape(-1)
        # The rows' entries in their order, gathered directly: scipy's row indexing spent
        # more on checking its arguments than on the rows.
        whole = self._interleaved
        sizes = (whole.indptr[rows + 1] - whole.indptr[rows]).astype(np.int64)
        entries = ranges(whole.indptr, sizes, rows)
        indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        new._taken = sparse.csr_matrix(
            (whole.data[entries], whole.indices[entries], indptr),
            shape=(len(rows), whole.shape[1]),
        )
        new.required_count_ = self.required_count_[columns]
        new.preferred_count_ = self.preferred_count_[columns]
        new.titles_known_ = self.titles_known_[columns]
        new.licence_required_ = self.licence_required_[columns]
        new._vacancy_concepts = self._vacancy_concepts[columns]
        return new

    def _read(self, vacancies: Sequence[Vacancy]) -> list[_VacancyConcepts]:
        """Each vacancy's (required, preferred, title) concepts."""
        return [
            (
                [self._concept(p) for p in v.skills_required],
                [self._concept(p) for p in v.skills_preferred],
                self._concept(v.title),
            )
            for v in vacancies
        ]

    def _concept(self, phrase: str) -> str:
        """The vocabulary concept a vacancy phrase means, or an ad-hoc text concept."""
        return self.vocabulary.read(phrase).concept_id or _TEXT + normalise(phrase)

    def _register(self, concepts: Sequence[str]) -> None:
        """Give the concepts not known yet a column each, in order of first appearance; the
        lists are copied first, so a feature this one was spliced from keeps its own."""
        unseen = [c for c in dict.fromkeys(concepts) if c not in self.column_]
        if not unseen:
            return
        self.concepts_ = [*self.concepts_, *unseen]
        self.column_ = {**self.column_, **{c: len(self.column_) + k for k, c in enumerate(unseen)}}
        texts = [c.removeprefix(_TEXT) for c in unseen if c.startswith(_TEXT)]
        self.unknown_phrases_ = [*self.unknown_phrases_, *texts]

    def _matrix(self, rows: list[list[str]]) -> sparse.csr_matrix:
        indptr = np.cumsum([0] + [len(set(r)) for r in rows])
        indices = [self.column_[c] for r in rows for c in dict.fromkeys(r)]
        data = np.ones(len(indices), dtype=np.float64)
        return sparse.csr_matrix(
            (data, np.asarray(indices, dtype=np.int64), indptr),
            shape=(len(rows), len(self.concepts_)),
        )

    def credits(self, candidate: Candidate) -> dict[str, _Credit]:
        """Per concept, the best credit the candidate's skills and occupations earn."""
        best: dict[str, _Credit] = {}

        def offer(concept: str, credit: _Credit) -> None:
            if concept in self.column_ and credit.value > best.get(concept, _NONE).value:
                best[concept] = credit

        phrases = [(p, False) for p in candidate.skill_labels]
        phrases += [(p, True) for p in candidate.occupations]
        for phrase, worked_as in phrases:
            reading = self.vocabulary.read(phrase)
            if reading.concept_id is None:
                # Every vacancy phrase it resembles, not just the closest: each vacancy counts.
                for text, similarity, _ in self._similar_unknown_phrases(phrase):
                    offer(_TEXT + text, _credit(similarity / 100.0, phrase, False, worked_as))
                continue
            offer(reading.concept_id, _credit(reading.confidence, phrase, False, worked_as))
            # Doing a job means knowing its core skills: a forklift driver drives forklifts.
            for skill in self.vocabulary.entailed_ids(reading.concept_id):
                entailed = _credit(reading.confidence, phrase, False, worked_as, reading.concept_id)
                offer(skill, entailed)
            for related in self.vocabulary.related_ids(reading.concept_id):
                value = RELATED_CREDIT * reading.confidence
                offer(related, _credit(value, phrase, True, worked_as))
        return best

    def _similar_unknown_phrases(self, phrase: str) -> list[tuple[str, float, int]]:
        key = normalise(phrase)
        if len(key) < 4 or not self.unknown_phrases_:
            return []
        found: list[tuple[str, float, int]] = process.extract(
            key,
            self.unknown_phrases_,
            scorer=fuzz.WRatio,
            score_cutoff=self.settings.unknown_phrase_cutoff,
            limit=None,
        )
        return found

    def _narrowed(self, people: int) -> _Narrowed | None:
        """For many people and a few vacancies (an engine reduced to the ones just written),
        the concepts those use and the matrices over them alone, worked out once; None
        otherwise. A row per concept known was most of the cost of re-checking 400 people
        against one vacancy, and for one person narrowing costs more than it saves."""
        if people < _NARROW_FROM or self.required_.shape[0] * 8 >= len(self.concepts_):
            return None
        if self._narrow is None:
            matrices = [self.required_, self.preferred_, self.title_]
            used = np.unique(np.concatenate([m.indices for m in matrices])).astype(np.int64)
            renumber = np.zeros(len(self.concepts_), dtype=np.int64)
            renumber[used] = np.arange(len(used))
            # Renumbered in place, not sliced: each row sums its concepts in the same order,
            # so the scores are the very same floats as the whole engine's.
            required, preferred, title = (
                sparse.csr_matrix(
                    (m.data, renumber[m.indices], m.indptr), shape=(m.shape[0], len(used))
                )
                for m in matrices
            )
            concepts = [self.concepts_[j] for j in used.tolist()]
            self._narrow = _Narrowed(concepts, (required, preferred, title))
        return self._narrow

    def _have(
        self,
        candidates: Sequence[Candidate],
        known: Sequence[dict[str, _Credit]] | None,
        concepts: list[str] | None,
    ) -> NDArray[np.float64]:
        """(concepts, C) what each person's credits earn per concept (these concepts only, if
        given)."""
        if concepts is None:
            have = np.zeros((len(self.concepts_), len(candidates)))
            for i, c in enumerate(candidates):
                earned = self.credits(c) if known is None else known[i]
                for concept, credit in earned.items():
                    have[self.column_[concept], i] = credit.value
            return have
        have = np.zeros((len(concepts), len(candidates)))
        for i, c in enumerate(candidates):
            earned = self.credits(c) if known is None else known[i]
            for row, concept in enumerate(concepts):  # the few used, not all a person earns
                found = earned.get(concept)
                if found is not None:
                    have[row, i] = found.value
        return have

    def score(
        self,
        candidates: Sequence[Candidate],
        *,
        credits: Sequence[dict[str, _Credit]] | None = None,
    ) -> FeatureScores:
        """`credits` may pass each candidate's `credits(candidate)`, if already known."""
        s = self.settings
        narrowed = None if self._taken is not None else self._narrowed(len(candidates))
        if self._taken is not None:  # each row sums its concepts as the whole engine's does
            have = self._have(candidates, credits, None)
            products = self._taken @ have
            required = products[0::3].T / np.maximum(self.required_count_, 1)
            preferred = products[1::3].T / np.maximum(self.preferred_count_, 1)
            title = products[2::3].T
        elif narrowed is None:
            have = self._have(candidates, credits, None)
            required_, preferred_, title_ = self.required_, self.preferred_, self.title_
        else:
            have = self._have(candidates, credits, narrowed.concepts)
            required_, preferred_, title_ = narrowed.matrices
        if self._taken is None:
            required = (required_ @ have).T / np.maximum(self.required_count_, 1)
            preferred = (preferred_ @ have).T / np.maximum(self.preferred_count_, 1)
            title = (title_ @ have).T
        w_req = np.where(self.required_count_ > 0, s.required_weight, 0.0)
        w_pref = np.where(self.preferred_count_ > 0, s.preferred_weight, 0.0)
        w_title = np.where(self.titles_known_, s.title_weight, 0.0)
        total = w_req + w_pref + w_title
        combined = (w_req * required + w_pref * preferred + w_title * title) / np.maximum(
            total, 1e-9
        )
        # A vacancy that states nothing about skills is neutral, neither good nor bad.
        score = np.clip(np.where(total > 0, combined, 0.5), 0.0, 1.0)
        licences = np.array([c.driving_licence for c in candidates], dtype=np.bool_)
        blocking = self.licence_required_[None, :] & ~licences[:, None]
        return FeatureScores(score=score, blocking=blocking)

    def explain(
        self,
        candidate: Candidate,
        vacancy_index: int,
        *,
        credits: dict[str, _Credit] | None = None,
        vacancy: Vacancy | None = None,
    ) -> list[Reason]:
        """Reasons for one vacancy, the verdict first: what blocks (no driving licence), else
        how the required skills stand; then the job itself, then each skill, those they have
        before those they lack. `credits` (from `credits(candidate)`) saves recomputing them
        when explaining several vacancies for the same person; `vacancy` (the one at
        `vacancy_index`) lends its own wording where the vocabulary has no label in a reader's
        language."""
        required, preferred, title = self._vacancy_concepts[vacancy_index]
        credits = self.credits(candidate) if credits is None else credits
        wording: dict[str, str] = {}
        if vacancy is not None:
            for phrase in [*vacancy.skills_required, *vacancy.skills_preferred, vacancy.title]:
                wording.setdefault(self._concept(phrase), phrase)
        words = _Words(self, wording)
        reasons: list[Reason] = []
        if self.licence_required_[vacancy_index] and not candidate.driving_licence:
            reasons.append(Reason("driving_licence_missing"))
        reasons.append(self._summary(list(dict.fromkeys(required)), credits, words))
        if title in credits:
            reasons.append(self._title_reason(title, credits[title], words))
        elif not title.startswith(_TEXT):
            job = self._label(title)
            reasons.append(
                Reason("no_experience_for_title", {"title": job}, shown={"title": words(title)})
            )
        for concepts, kind in ((required, "required"), (preferred, "preferred")):
            listed = list(dict.fromkeys(concepts))
            # Matched, then close, then missing: what they bring before what they lack.
            listed.sort(key=lambda c: _standing(credits.get(c)))
            for concept in listed:
                reasons.append(self._skill_reason(concept, credits.get(concept), kind, words))
        return reasons

    def _summary(self, required: list[str], credits: dict[str, _Credit], words: _Words) -> Reason:
        if not required:
            return Reason("no_required_skills")
        full = [c for c in required if c in credits and not credits[c].related]
        partly = [c for c in required if c in credits and credits[c].related]
        missing = [c for c in required if c not in credits]
        params: dict[str, object] = {
            "matched": [self._label(c) for c in full],
            "related": [self._label(c) for c in partly],
            "missing": [self._label(c) for c in missing],
            "count": len(required),
            "matched_count": len(full),
            "missing_count": len(missing),
        }
        shown = {
            name: Terms(tuple(words(c) for c in concepts))
            for name, concepts in (("matched", full), ("related", partly), ("missing", missing))
        }
        if missing:
            variant = "missing" if full or partly else "missing_all"
        elif partly:
            variant = "close" if full else "close_all"
        else:
            variant = "all"
        if len(required) == 1:  # "the required skill", not "1 of the 1"
            variant = {"close_all": "close_one", "missing_all": "missing_one"}.get(
                variant, variant + "_one"
            )
        return Reason("required_skills", params, variant=variant, shown=shown)

    def _title_reason(self, title: str, credit: _Credit, words: _Words) -> Reason:
        params: dict[str, object] = {
            "title": self._label(title),
            "from": credit.phrase,
            "confidence": round(credit.value, 2),
        }
        variant = None
        if credit.from_occupation:
            code = "occupation_related" if credit.related else "occupation_matches"
            if not credit.related and credit.value >= 1.0:
                variant = "exact"  # their words are the job's name in some language
        else:
            code = "skill_fits_title_related" if credit.related else "skill_fits_title"
        return Reason(code, params, variant=variant, shown={"title": words(title)})

    def _skill_reason(
        self, concept: str, credit: _Credit | None, kind: str, words: _Words
    ) -> Reason:
        params: dict[str, object] = {"skill": self._label(concept), "kind": kind}
        shown: dict[str, Shown] = {"skill": words(concept)}
        if credit is None:
            code = "skill_missing" if kind == "required" else "preferred_skill_missing"
            return Reason(code, params, shown=shown)
        params |= {"from": credit.phrase, "confidence": round(credit.value, 2)}
        if credit.related:
            return Reason("skill_related", params, shown=shown)
        if credit.entailed_by is not None:
            params["occupation"] = self._label(credit.entailed_by)
            shown["occupation"] = words(credit.entailed_by)
            return Reason("skill_entailed", params, shown=shown)
        code = "skill_matched" if kind == "required" else "preferred_skill_matched"
        # Their own words only where they differ from the vocabulary's (a label in any language
        # reads as 1.0), and a guess said to be one.
        if credit.value >= 1.0:
            variant = None
        elif credit.value >= SUBPHRASE_CONFIDENCE:
            variant = "phrase"
        else:
            variant = "guess"
        return Reason(code, params, variant=variant, shown=shown)

    def _label(self, concept: str) -> str:
        """A concept's name in params: the vocabulary's Dutch label (or the vacancy's words)."""
        if concept.startswith(_TEXT):
            return concept.removeprefix(_TEXT)
        return self._names(concept)[0]

    def _names(self, concept: str) -> tuple[str, Mapping[str, str]]:
        """A vocabulary concept's Dutch label, and its first label in each language that has
        one: looked up once per fit (a shortlist's reasons name each concept a few times)."""
        names = self._named.get(concept)
        if names is None:
            known = self.vocabulary.concepts[concept]
            labels = known.labels
            by_language: Mapping[str, str] = {
                lang: labels[lang][0] for lang in LANGUAGES if labels.get(lang)
            }
            names = (known.label("nl"), by_language)
            self._named[concept] = names
        return names


def _standing(credit: _Credit | None) -> int:
    """Sort key of a skill's line: had in full, then close, then missing."""
    if credit is None:
        return 2
    return 1 if credit.related else 0


class _Words:
    """A concept's name as each reader's language writes it, for one vacancy's reasons."""

    def __init__(self, feature: SkillsFeature, wording: dict[str, str]) -> None:
        self._feature = feature
        self._wording = wording

    def __call__(self, concept: str) -> Term:
        if concept.startswith(_TEXT):
            return Term({}, self._wording.get(concept) or self._feature._label(concept))
        label, by_language = self._feature._names(concept)
        return Term(by_language, self._wording.get(concept) or label)


def _interleaving(rows: int) -> NDArray[np.int64]:
    """Rows of three matrices stacked one after another, interleaved: 0, n, 2n, 1, n + 1, ..."""
    order: NDArray[np.int64] = (np.arange(3)[None, :] * rows + np.arange(rows)[:, None]).reshape(-1)
    return order


_NARROW_FROM = 16
"""People scored at once from which the skill arrays are narrowed to the concepts used."""


@dataclass(frozen=True)
class _Narrowed:
    concepts: list[str]
    matrices: tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix]


def _rows_then(
    matrix: sparse.csr_matrix, keep: NDArray[np.int64], fresh: sparse.csr_matrix, width: int
) -> sparse.csr_matrix:
    """The rows `keep` of `matrix` (each row's entries in their order) then the rows of
    `fresh`, `width` columns wide: what a splice costs grows with the rows, not with scipy's
    general indexing and stacking (most of a one-vacancy splice's time on the fixtures)."""
    starts, ends = matrix.indptr[keep], matrix.indptr[keep + 1]
    lengths = (ends - starts).astype(np.int64)
    kept_nnz = int(lengths.sum())
    where = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(kept_nnz)
    indptr = np.concatenate(
        [[0], np.cumsum(lengths), kept_nnz + fresh.indptr[1:].astype(np.int64)]
    ).astype(np.int64)
    data = np.concatenate([matrix.data[where], fresh.data])
    indices = np.concatenate([matrix.indices[where], fresh.indices]).astype(np.int64)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(keep) + fresh.shape[0], width))
