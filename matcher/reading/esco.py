"""Importing the official ESCO CSV download into the vocabulary, merged by concept URI."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from matcher.reading.vocabulary import Concept, Vocabulary

_FILE = re.compile(r"^(occupations|skills)_([a-z]{2})\.csv$")
_KINDS = {"occupations": "occupation", "skills": "skill"}
_RELATIONS = re.compile(r"^occupationSkillRelations.*\.csv$")


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
    entailments: int = 0
    """Essential skills added to occupations' entails from occupationSkillRelations*.csv."""


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


def read_essential_skills(folder: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Each occupation's essential skills, by URI, from the occupationSkillRelations*.csv files
    in folder (none there: nothing). Optional skills are left out: an occupation entails only
    what any practitioner of it does."""
    essential: dict[str, list[str]] = {}
    files = sorted(p for p in folder.iterdir() if _RELATIONS.match(p.name))
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            needed = {"occupationUri", "relationType", "skillUri"}
            missing = needed - set(reader.fieldnames or ())
            if missing:
                raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
            for row in reader:
                if (row.get("relationType") or "").strip().casefold() != "essential":
                    continue
                occupation = (row.get("occupationUri") or "").strip()
                skill = (row.get("skillUri") or "").strip()
                if occupation and skill:
                    skills = essential.setdefault(occupation, [])
                    if skill not in skills:
                        skills.append(skill)
    return essential, [p.name for p in files]


def merge_esco(vocabulary: Vocabulary, esco: dict[str, EscoConcept]) -> Vocabulary:
    """The vocabulary plus ESCO: labels join built-in concepts with the same URI, the rest are
    added. Built-in concepts come first, so their labels win where ESCO reuses one."""
    return Vocabulary(_merged_concepts(vocabulary, esco))


def _merged_concepts(vocabulary: Vocabulary, esco: dict[str, EscoConcept]) -> dict[str, Concept]:
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
            concepts[known] = replace(base, labels=labels, esco_uri=uri)
        else:
            ident = f"esco:{item.kind}:{uri.rstrip('/').rsplit('/', 1)[-1]}"
            concepts[ident] = Concept(ident, item.kind, item.labels, (), uri, None)
    return concepts


def _entail_essential_skills(
    concepts: dict[str, Concept], essential: Mapping[str, Sequence[str]]
) -> int:
    """Add to every occupation with an esco_uri the essential skills the concepts hold, in
    place; return how many were added."""
    skills = {c.esco_uri: c.id for c in concepts.values() if c.kind == "skill" and c.esco_uri}
    added = 0
    for concept in list(concepts.values()):
        own = concept.esco_uri
        if concept.kind != "occupation" or own is None or own not in essential:
            continue
        entails = list(concept.entails)
        for uri in essential[own]:
            skill = skills.get(uri)
            if skill is not None and skill not in entails:
                entails.append(skill)
        if len(entails) > len(concept.entails):
            added += len(entails) - len(concept.entails)
            concepts[concept.id] = replace(concept, entails=tuple(entails))
    return added


def import_esco(vocabulary: Vocabulary, folder: Path) -> tuple[Vocabulary, ImportSummary]:
    esco, files = read_esco(folder)
    essential, relation_files = read_essential_skills(folder)
    concepts = _merged_concepts(vocabulary, esco)
    entailments = _entail_essential_skills(concepts, essential)
    merged = Vocabulary(concepts)
    known = vocabulary.by_esco_uri()
    summary = ImportSummary(
        files=files + relation_files,
        languages=sorted({lang for c in esco.values() for lang in c.labels}),
        concepts=len(merged.concepts),
        merged_into_builtin=sum(uri in known for uri in esco),
        added=sum(uri not in known for uri in esco),
        entailments=entailments,
    )
    return merged, summary
