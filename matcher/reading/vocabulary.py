"""The skills and occupations vocabulary, and reading free text in any language as a concept.

A phrase is read in steps, each less certain than the one before: its exact label; its
"skeleton" (Cyrillic transliterated and spelling variants folded, so "водій навантажувача",
"vodii navantazhuvacha" and "vodiy navantazhuvacha" meet); a label standing inside a longer
title; rapidfuzz over all skeletons; and a character n-gram TF-IDF as the last resort.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import OSA
from scipy import sparse

SKELETON_CONFIDENCE = 0.95
"""Confidence when only the transliterated, spelling-folded form matches a label."""
SUBPHRASE_CONFIDENCE = 0.9
"""Confidence when a label's words all stand in a longer phrase ("heftruckchauffeur
nachtploeg"), scaled down by the share of the phrase's words the label leaves unexplained."""
_STEM = 5
"""Two words of at least this many letters (in skeleton form) are the same word when they share
their start and differ only in an ending of up to _ENDING letters: that absorbs plural, case and
gender endings (промышленного/промышленный, schoonmakers/schoonmaker) but not compounds
(magazijn/magazijnchef)."""
_ENDING = 3
_FILLER = frozenset(
    "en and de het een van voor met in op of the a an for with at on to и в на с по для і та у з "
    "за".split()
)
"""Small words that carry no meaning of their own for matching."""
RELATED_CREDIT = 0.5
"""How much a related concept counts for (a reach-truck driver for a forklift vacancy)."""

_JOB_AD_NOISE = frozenset(
    {"m", "v", "x", "mv", "mvx", "h", "f", "d"}
    | set(
        "dienst diensten ploeg ploegen dagploeg nachtploeg avondploeg late vroege wisselende "
        "shift shifts schooluren deeltijds voltijds weekend weekends".split()
    )
)
"""Gender markers and shift words of job ads ("(m/v/x) – late ploeg"): nothing about the job."""

_GENERIC_ROLES = frozenset(
    (
        "work works worker workers job jobs helper helpers assistant employee employees staff "
        "experience labour labor "
        "werk werken medewerker medewerkers medewerkster hulp hulpkracht arbeider arbeiders "
        "werknemer werknemers ervaring vacature "
        "робота роботи роботу праця працівник працівники працівниця помічник помічниця досвід "
        "вакансія "
        "работа работы работу труд работник работники работница помощник помощница опыт "
        "вакансия "
        "travail emploi employe aide"
    ).split()
)
"""Words that name no job or skill: "work", "helper", "робота". A phrase of nothing else is not
guessed at (it would land on whichever label happens to share its letters); with other words
("робота на складі") it reads as usual."""
_SECTOR_WORDS = frozenset(
    "care office industry sector zorg kantoor industrie офіс офис bureau".split()
)
"""A sector alone ("zorg") is no job either; with a role word ("zorg hulp") it may well be."""

# Ukrainian and Russian letters in a loose Latin spelling; the skeleton then folds the variants
# that the national, scholarly and everyday transliterations disagree on.
_CYRILLIC = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьъюяёэы",
        (
            "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ _ iu ia e e y"
        ).split(),
        strict=True,
    )
)
_FOLDS = [
    ("shch", "s"), ("sch", "s"), ("zh", "z"), ("kh", "h"), ("ch", "c"), ("sh", "s"),
    ("ts", "c"), ("tz", "c"), ("ck", "k"), ("ph", "f"), ("th", "t"),
    ("y", "i"), ("j", "i"), ("w", "v"), ("g", "h"), ("q", "k"), ("x", "ks"), ("_", ""),
]  # fmt: skip
_REPEATS = re.compile(r"(.)\1+")


class CharNgramTfidf:
    """Character n-gram TF-IDF with cosine similarity, as scikit-learn's
    TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True) computes it
    (a test checks they agree). Written out because importing scikit-learn takes about a
    second here, longer than a whole command-line shortlist may."""

    def __init__(self, ngram_range: tuple[int, int] = (2, 4)) -> None:
        self.ngram_range = ngram_range

    def _ngrams(self, text: str) -> list[str]:
        low, high = self.ngram_range
        grams: list[str] = []
        for word in text.split():
            padded = f" {word} "
            size = len(padded)
            if size <= low:
                grams.append(padded)  # a short word counts once, as in scikit-learn
                continue
            sizes = range(low, min(high, size) + 1)
            grams += [padded[i : i + n] for n in sizes for i in range(size - n + 1)]
        return grams

    def _counts(self, texts: Sequence[str], *, learn: bool) -> sparse.csr_matrix:
        columns = self.columns_
        rows: list[int] = []
        cols: list[int] = []
        for r, text in enumerate(texts):
            grams = self._ngrams(text)
            if learn:
                found = [columns.setdefault(g, len(columns)) for g in grams]
            else:
                found = [c for c in map(columns.get, grams) if c is not None]
            cols += found
            rows += [r] * len(found)
        counts = sparse.csr_matrix(
            (np.ones(len(cols)), (rows, cols)), shape=(len(texts), len(columns))
        )
        counts.sum_duplicates()  # repeated n-grams of a text add up
        return counts

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        counts.data = 1.0 + np.log(counts.data)
        weighted = sparse.csr_matrix(counts.multiply(self.idf_[None, :]))
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        return sparse.csr_matrix(sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ weighted)

    def fit(self, texts: Sequence[str]) -> Self:
        self.columns_: dict[str, int] = {}
        counts = self._counts(texts, learn=True)
        documents = np.bincount(counts.indices, minlength=len(self.columns_))
        self.idf_ = np.log((1 + len(texts)) / (1 + documents)) + 1.0
        self.matrix_ = self._weigh(counts)
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self._weigh(self._counts(texts, learn=False))

    def similarity(self, text: str) -> NDArray[np.float64]:
        """Cosine similarity of text to every fitted text."""
        product = self.matrix_ @ self.transform([text]).T
        return np.asarray(product.toarray(), dtype=np.float64).ravel()


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str
    labels: dict[str, list[str]]
    related: tuple[str, ...] = ()
    esco_uri: str | None = None
    sector: str | None = None
    entails: tuple[str, ...] = ()
    """For an occupation, the skills any practitioner of it certainly has (a forklift driver
    drives forklifts): credited in full, where a related skill counts for RELATED_CREDIT."""

    def label(self, language: str = "en") -> str:
        for lang in (language, "en", "nl"):
            if self.labels.get(lang):
                return self.labels[lang][0]
        return self.id


@dataclass(frozen=True)
class Reading:
    """How a phrase was read: the concept (None if unknown), with what confidence and how."""

    phrase: str
    concept_id: str | None
    confidence: float
    method: str = "none"


@lru_cache(maxsize=1 << 16)
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


def accentless(label: str) -> str:
    """`normalise` stricter still: every accent stripped, a Cyrillic й or ї too. No two concepts
    may share a label under this key (nor under `normalise` or `skeleton`)."""
    s = unicodedata.normalize("NFKD", label.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def _words(text: str) -> tuple[str, ...]:
    """The meaningful words of a phrase, in skeleton form."""
    words = normalise(text).split()
    return tuple(dict.fromkeys(skeleton(w) for w in words if w not in _FILLER | _JOB_AD_NOISE))


def _same_word(a: str, b: str) -> bool:
    """The same word but for its ending (see _STEM)."""
    if a == b:
        return True
    if min(len(a), len(b)) < _STEM or a[:_STEM] != b[:_STEM]:
        return False
    shared = _STEM
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    return len(a) - shared <= _ENDING and len(b) - shared <= _ENDING


@lru_cache(maxsize=1 << 16)
def skeleton(text: str) -> str:
    """A Latin, spelling-folded key: the same for a word in Cyrillic and its transliterations."""
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in normalise(text))
    for variant, folded in _FOLDS:
        latin = latin.replace(variant, folded)
    return _REPEATS.sub(r"\1", latin)


_GENERIC_ROLE_BONES = frozenset(skeleton(w) for w in _GENERIC_ROLES)
_SECTOR_BONES = frozenset(skeleton(w) for w in _SECTOR_WORDS)


@dataclass
class Vocabulary:
    """Concepts with labels per language; `read` maps a phrase to the best concept."""

    concepts: dict[str, Concept]
    edits_per_letter: float = 0.15
    """Spelling mistakes tolerated, as edits per letter of the phrase: letters added, dropped,
    changed or swapped with their neighbour (optimal string alignment, i.e. Damerau-Levenshtein
    without editing one letter twice: the same answers for typing mistakes, and rapidfuzz
    computes it ten times faster)."""
    tfidf_cutoff: float = 0.6
    """Minimum cosine similarity of character n-grams for the last-resort reading."""
    _exact: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _skeletons: dict[str, str | None] = field(default_factory=dict, init=False, repr=False)
    _keys: list[str] = field(default_factory=list, init=False, repr=False)
    _key_concepts: list[str] = field(default_factory=list, init=False, repr=False)
    _neighbours: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)
    _by_stem: dict[str, list[tuple[tuple[str, ...], frozenset[str], str]]] = field(
        default_factory=dict, init=False, repr=False
    )
    """Labels by the stems of their words: (words, stems, concept id)."""
    _readings: dict[str, Reading] = field(default_factory=dict, init=False, repr=False)
    _tfidf: CharNgramTfidf | None = field(default=None, init=False, repr=False)
    _keys_by_shape: dict[tuple[int, str, str], tuple[list[str], list[int]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self._check_entailments()
        for concept in self.concepts.values():
            for other in concept.related:
                if other in self.concepts and other != concept.id:
                    self._neighbours.setdefault(concept.id, set()).add(other)
                    self._neighbours.setdefault(other, set()).add(concept.id)
        # Preferred labels first: where one concept's synonym is another's preferred label
        # (ESCO's "head chef" vs a cook's synonym "head chef"), the preferred one wins.
        for preferred_only in (True, False):
            for concept in self.concepts.values():
                for labels in concept.labels.values():
                    for label in labels[:1] if preferred_only else labels[1:]:
                        self._index(label, concept.id)

    def _check_entailments(self) -> None:
        for concept in self.concepts.values():
            if concept.entails and concept.kind != "occupation":
                raise ValueError(
                    f"{concept.id}: only an occupation entails skills, not a {concept.kind}"
                )
            for entailed in concept.entails:
                other = self.concepts.get(entailed)
                if other is None:
                    raise ValueError(f"{concept.id}: entails {entailed!r}, which is no concept")
                if other.kind != "skill":
                    raise ValueError(
                        f"{concept.id}: entails {entailed!r}, which is no skill but of kind "
                        f"{other.kind!r}"
                    )

    def _index(self, label: str, concept_id: str) -> None:
        key = normalise(label)
        if not key or key in self._exact:
            return  # the first concept to claim a label keeps it (built-in before imported)
        self._exact[key] = concept_id
        words = _words(label)
        if words:
            stems = frozenset(w[:_STEM] for w in words)
            entry = (words, stems, concept_id)
            for stem in stems:
                self._by_stem.setdefault(stem, []).append(entry)
        bones = skeleton(label)
        if bones not in self._skeletons:
            self._skeletons[bones] = concept_id
            for shape in ((len(bones), bones[:1], ""), (len(bones), "", bones[-1:])):
                keys, positions = self._keys_by_shape.setdefault(shape, ([], []))
                keys.append(bones)
                positions.append(len(self._keys))
            self._keys.append(bones)
            self._key_concepts.append(concept_id)
        elif self._skeletons[bones] != concept_id:
            self._skeletons[bones] = None  # two concepts fold together: too ambiguous to use

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
                entails=tuple(c.get("entails", ())),
            )
            for c in data["concepts"]
        }
        return cls(concepts)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "concepts": [
                {
                    "id": c.id,
                    "kind": c.kind,
                    "sector": c.sector,
                    "esco_uri": c.esco_uri,
                    "labels": c.labels,
                    "related": list(c.related),
                    "entails": list(c.entails),
                }  # fmt: skip
                for c in self.concepts.values()
            ],
        }

    def read(self, phrase: str) -> Reading:
        cached = self._readings.get(phrase)
        if cached is None:
            cached = self._read(phrase)
            if len(self._readings) < 200_000:
                self._readings[phrase] = cached
        return cached

    def has_read(self, phrase: str) -> bool:
        """Whether this phrase's reading is remembered (people's phrases are personal data)."""
        return phrase in self._readings

    def forget_readings(self) -> None:
        """Forget every phrase read so far, with the module's spelling caches: what an erasure
        calls, since a phrase cannot be traced back to the people who wrote it."""
        self._readings.clear()
        normalise.cache_clear()
        skeleton.cache_clear()

    def _read(self, phrase: str) -> Reading:
        key = normalise(phrase)
        if not key:
            return Reading(phrase, None, 0.0)
        exact = self._exact.get(key)
        if exact is not None:
            return Reading(phrase, exact, 1.0, "exact")
        bones = skeleton(phrase)
        folded = self._skeletons.get(bones)
        if folded is not None:
            return Reading(phrase, folded, SKELETON_CONFIDENCE, "transliteration")
        inner = self._label_inside(phrase)
        if inner is not None and inner[1] >= SUBPHRASE_CONFIDENCE:
            # A label explains every word ("Kassier – schooluren"): no need to guess spellings.
            return Reading(phrase, *inner, "inside a longer phrase")
        words = set(_words(phrase))
        if words <= _GENERIC_ROLE_BONES or (len(words) == 1 and words <= _SECTOR_BONES):
            # Nothing but generic words ("robota", "Medewerker (m/v/x)", "zorg"): a label among
            # them counts, a guess at their letters does not.
            if inner is None:
                return Reading(phrase, None, 0.0)
            return Reading(phrase, *inner, "inside a longer phrase")
        best = self._nearest_spelling(bones)
        if best is not None:
            return Reading(phrase, *best, "spelling")
        if inner is not None:
            return Reading(phrase, *inner, "inside a longer phrase")
        return self._read_by_ngrams(phrase, bones)

    def _nearest_spelling(self, bones: str) -> tuple[str, float] | None:
        """The label within a few typing mistakes (about one per seven letters)."""
        if len(bones) < 4:
            return None  # "IT", "kok": too short to guess at
        allowed = max(1, round(len(bones) * self.edits_per_letter))
        best: tuple[int, int] | None = None  # (edits, key index)
        # n edits change the length by at most n, and a typo in both the first and the last
        # letter is rare: only keys of nearby length sharing either end are looked at.
        lengths = range(len(bones) - allowed, len(bones) + allowed + 1)
        for shape in [(n, bones[:1], "") for n in lengths] + [(n, "", bones[-1:]) for n in lengths]:
            keys = self._keys_by_shape.get(shape)
            if not keys:
                continue
            found = process.extractOne(
                bones,
                keys[0],
                scorer=OSA.distance,
                processor=None,
                score_cutoff=allowed if best is None else best[0],
            )
            if found is not None and (best is None or (found[1], keys[1][found[2]]) < best):
                best = (int(found[1]), keys[1][found[2]])
        if best is None:
            return None
        edits, index = best
        return self._key_concepts[index], round(max(0.5, 0.94 - edits / len(bones)), 2)

    def _label_inside(self, phrase: str) -> tuple[str, float] | None:
        """The label whose words all appear in the phrase (endings aside), explaining most of it."""
        words = _words(phrase)
        if not words:
            return None
        best: tuple[int, int, str] | None = None
        stems = {w[:_STEM] for w in words}
        for stem in stems:
            for label_words, label_stems, concept_id in self._by_stem.get(stem, ()):
                # Words alike but for their endings share their stem: a cheap test first.
                if label_stems <= stems and all(
                    any(_same_word(a, b) for b in words) for a in label_words
                ):
                    # More words explained first, then more of them spelt exactly alike.
                    exact = sum(a in words for a in label_words)
                    rank = (len(label_words), exact, concept_id)
                    if best is None or rank > best:
                        best = rank
        if best is None:
            return None
        covered, _, concept_id = best
        return concept_id, round(SUBPHRASE_CONFIDENCE * (0.5 + 0.5 * covered / len(words)), 2)

    def build_ngram_index(self) -> CharNgramTfidf:
        """The character n-gram index of the last reading step (built on first need)."""
        if self._tfidf is None:
            self._tfidf = CharNgramTfidf().fit(self._keys)
        return self._tfidf

    def _read_by_ngrams(self, phrase: str, bones: str) -> Reading:
        similarity = self.build_ngram_index().similarity(bones)
        if similarity.size == 0:
            return Reading(phrase, None, 0.0)
        best = int(np.argmax(similarity))
        if similarity[best] < self.tfidf_cutoff:
            return Reading(phrase, None, 0.0)
        confidence = round(float(min(similarity[best], 0.9)), 2)
        return Reading(phrase, self._key_concepts[best], confidence, "similar letters")

    def related_ids(self, concept_id: str) -> Iterable[str]:
        """Concepts related either way: a reach-truck driver and a forklift driver."""
        return sorted(self._neighbours.get(concept_id, ()))

    def entailed_ids(self, concept_id: str) -> Sequence[str]:
        """The skills an occupation entails (a cashier works a till); none for anything else."""
        concept = self.concepts.get(concept_id)
        return concept.entails if concept is not None else ()

    def by_esco_uri(self) -> dict[str, str]:
        return {c.esco_uri: c.id for c in self.concepts.values() if c.esco_uri}


def load_vocabulary(path: Path) -> Vocabulary:
    return prepared_vocabulary(path.read_text("utf-8"))


@cache
def builtin_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package (matcher/data/vocabulary.json)."""
    text = resources.files("matcher.data").joinpath("vocabulary.json").read_text("utf-8")
    return prepared_vocabulary(text)


def vocabulary_cache_dir() -> Path | None:
    """Where built vocabularies are kept: MATCHER_CACHE_DIR ("off" for nowhere), else the
    user's cache folder."""
    chosen = os.environ.get("MATCHER_CACHE_DIR")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "antwerp-matcher"


def prepared_vocabulary(text: str) -> Vocabulary:
    """The vocabulary of this JSON text with its indexes built, from the cache when it has it.

    Building the indexes of ten thousand labels takes about a third of a second, more than a
    command-line shortlist can spare; the cache key covers the text and this module's code, so
    an entry is never out of date.
    """
    code = Path(__file__).read_bytes()
    key = hashlib.sha256(code + text.encode("utf-8")).hexdigest()[:32]
    folder = vocabulary_cache_dir()
    path = folder / f"vocabulary-{key}.pickle" if folder is not None else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Vocabulary):
                os.utime(path)  # in use: kept when older entries are cleared out
                return cached
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            pass  # unreadable or from another version: build it again
    vocabulary = Vocabulary.from_json(json.loads(text))
    vocabulary.build_ngram_index()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            with partial.open("wb") as handle:
                pickle.dump(vocabulary, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, path)
            _clear_unused(path.parent)
        except OSError:
            pass  # a read-only home folder only costs time
    return vocabulary


CACHE_UNUSED_DAYS = 30
"""A cached vocabulary not loaded for this long is deleted when a new one is written: each
change to the vocabulary or its reading code leaves an entry of some 16 MB behind."""


def _clear_unused(folder: Path) -> None:
    stale = time.time() - CACHE_UNUSED_DAYS * 86400
    for entry in folder.glob("vocabulary-*.pickle"):
        try:
            if entry.stat().st_mtime < stale:
                entry.unlink()
        except OSError:
            pass  # another process removed or is replacing it


@cache
def default_vocabulary() -> Vocabulary:
    """The vocabulary a deployment uses: MATCHER_VOCABULARY (an imported one) or the built-in."""
    path = os.environ.get("MATCHER_VOCABULARY")
    return load_vocabulary(Path(path)) if path else builtin_vocabulary()
