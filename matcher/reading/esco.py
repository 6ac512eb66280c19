"""Importing the official ESCO CSV download into the vocabulary, merged by concept URI."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from matcher.reading.vocabulary import Concept, Vocabulary

_FILE = re.compile(r"^(occupations|skills)_([a-z]{2})\.csv$")
_KINDS = {"occupations": "occupation", "skills": "skill"}


@dataclass
class EscoConcept:
    uri: str
    kind: str
    labels: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportSummary:
    files: list[str]
    languages: list[str]
    concepts: int
    merged_into_builtin: int
    added: int


def read_esco(folder: Path) -> tuple[dict[str, EscoConcept], list[str]]:
    """Every occupations_<lang>.csv and skills_<lang>.csv in folder, by concept URI."""
    concepts: dict[str, EscoConcept] = {}
    files = sorted(p for p in folder.iterdir() if _FILE.match(p.name))
    if not files:
        raise FileNotFoundError(
            f"no ESCO files in {folder}: expected names like occupations_nl.csv or skills_en.csv"
        )
    for path in files:
        match = _FILE.match(path.name)
        assert match is not None
        kind, language = _KINDS[match.group(1)], match.group(2)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"conceptUri", "preferredLabel"} - set(reader.fieldnames or ())
            if missing:
                raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
            for row in reader:
                uri, preferred = (
                    (row.get("conceptUri") or "").strip(),
                    (row.get("preferredLabel") or "").strip(),
                )
                if not uri or not preferred:
                    continue
                alternatives = [a.strip() for a in (row.get("altLabels") or "").split("\n")]
                concept = concepts.setdefault(uri, EscoConcept(uri, kind))
                labels = concept.labels.setdefault(language, [])
                labels += [x for x in [preferred, *alternatives] if x and x not in labels]
    return concepts, [p.name for p in files]


def merge_esco(vocabulary: Vocabulary, esco: dict[str, EscoConcept]) -> Vocabulary:
    """The vocabulary plus ESCO: labels join built-in concepts with the same URI, the rest are
    added. Built-in concepts come first, so their labels win where ESCO reuses one."""
    by_uri = vocabulary.by_esco_uri()
    concepts: dict[str, Concept] = dict(vocabulary.concepts)
    for uri, item in esco.items():
        known = by_uri.get(uri)
        if known is not None:
            base = concepts[known]
            labels = {lang: list(values) for lang, values in base.labels.items()}
            for lang, values in item.labels.items():
                have = labels.setdefault(lang, [])
                have += [v for v in values if v not in have]
            concepts[known] = Concept(base.id, base.kind, labels, base.related, uri, base.sector)
        else:
            ident = f"esco:{item.kind}:{uri.rstrip('/').rsplit('/', 1)[-1]}"
            concepts[ident] = Concept(ident, item.kind, item.labels, (), uri, None)
    return Vocabulary(concepts)


def import_esco(vocabulary: Vocabulary, folder: Path) -> tuple[Vocabulary, ImportSummary]:
    esco, files = read_esco(folder)
    merged = merge_esco(vocabulary, esco)
    known = vocabulary.by_esco_uri()
    summary = ImportSummary(
        files=files,
        languages=sorted({lang for c in esco.values() for lang in c.labels}),
        concepts=len(merged.concepts),
        merged_into_builtin=sum(uri in known for uri in esco),
        added=sum(uri not in known for uri in esco),
    )
    return merged, summary
