"""The skills and occupations vocabulary, and reading free text as one of its concepts."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Self

from rapidfuzz import fuzz, process

SUBPHRASE_CONFIDENCE = 0.9
"""Confidence when a label stands inside a longer phrase ("heftruckchauffeur nachtploeg")."""
_JOB_AD_NOISE = frozenset({"m", "v", "x", "mv", "mvx", "h", "f", "d"})
"""Gender markers of job ads ("(m/v/x)"), which say nothing about the job."""

RELATED_CREDIT = 0.5
"""How much a related concept counts for (a reach-truck driver for a forklift vacancy)."""


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str
    labels: dict[str, list[str]]
    related: tuple[str, ...] = ()
    esco_uri: str | None = None
    sector: str | None = None

    def label(self, language: str = "en") -> str:
        for lang in (language, "en", "nl"):
            if self.labels.get(lang):
                return self.labels[lang][0]
        return self.id


@dataclass(frozen=True)
class Reading:
    """How a phrase was read: the concept (None if unknown), with what confidence."""

    phrase: str
    concept_id: str | None
    confidence: float


def normalise(text: str) -> str:
    """Lower case, no accents on Latin letters, punctuation as spaces, single spaces."""
    kept: list[str] = []
    base = ""
    for ch in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(ch):
            # A Cyrillic й or ї keeps its mark; a Latin é loses it.
            if base >= "\u0250":
                kept.append(ch)
            continue
        base = ch
        kept.append(ch)
    flat = unicodedata.normalize("NFC", "".join(kept))
    return re.sub(r"[\W_]+", " ", flat).strip()


@dataclass
class Vocabulary:
    """Concepts with labels per language; `read` maps a phrase to the best concept."""

    concepts: dict[str, Concept]
    fuzzy_cutoff: float = 86.0
    """Minimum rapidfuzz score (0-100) for a fuzzy reading to count."""
    _exact: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _labels: list[str] = field(default_factory=list, init=False, repr=False)
    _label_concepts: list[str] = field(default_factory=list, init=False, repr=False)
    _neighbours: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)
    _readings: dict[str, Reading] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for concept in self.concepts.values():
            for other in concept.related:
                if other in self.concepts and other != concept.id:
                    self._neighbours.setdefault(concept.id, set()).add(other)
                    self._neighbours.setdefault(other, set()).add(concept.id)
        for concept in self.concepts.values():
            for labels in concept.labels.values():
                for label in labels:
                    key = normalise(label)
                    if key and key not in self._exact:
                        self._exact[key] = concept.id
                        self._labels.append(key)
                        self._label_concepts.append(concept.id)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        concepts = {
            c["id"]: Concept(
                id=c["id"],
                kind=c["kind"],
                labels={lang: list(v) for lang, v in c["labels"].items()},
                related=tuple(c.get("related", ())),
                esco_uri=c.get("esco_uri"),
                sector=c.get("sector"),
            )
            for c in data["concepts"]
        }
        return cls(concepts)

    def read(self, phrase: str) -> Reading:
        cached = self._readings.get(phrase)
        if cached is None:
            cached = self._read(phrase)
            if len(self._readings) < 200_000:
                self._readings[phrase] = cached
        return cached

    def _read(self, phrase: str) -> Reading:
        key = normalise(phrase)
        if not key:
            return Reading(phrase, None, 0.0)
        exact = self._exact.get(key)
        if exact is not None:
            return Reading(phrase, exact, 1.0)
        inner = self._known_words_inside(key)
        if inner is not None:
            return Reading(phrase, inner, SUBPHRASE_CONFIDENCE)
        best = process.extractOne(
            key, self._labels, scorer=fuzz.WRatio, score_cutoff=self.fuzzy_cutoff
        )
        if best is None:
            return Reading(phrase, None, 0.0)
        _, similarity, index = best
        return Reading(phrase, self._label_concepts[index], round(similarity / 100.0, 2))

    def _known_words_inside(self, key: str) -> str | None:
        """The concept of the longest run of words that is a label ("kassier schooluren")."""
        words = [w for w in key.split() if w not in _JOB_AD_NOISE]
        for length in range(len(words), 0, -1):
            for first in range(len(words) - length + 1):
                concept = self._exact.get(" ".join(words[first : first + length]))
                if concept is not None and (length > 1 or len(words[first]) > 3):
                    return concept
        return None

    def related_ids(self, concept_id: str) -> Iterable[str]:
        """Concepts related either way: a reach-truck driver and a forklift driver."""
        return sorted(self._neighbours.get(concept_id, ()))


@cache
def builtin_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package (matcher/data/vocabulary.json)."""
    text = resources.files("matcher.data").joinpath("vocabulary.json").read_text("utf-8")
    return Vocabulary.from_json(json.loads(text))
