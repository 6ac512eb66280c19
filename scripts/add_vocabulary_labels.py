"""Append labels to the built-in vocabulary (matcher/data/vocabulary.json) from a synonym file.

    python scripts/add_vocabulary_labels.py ADDITIONS.json [--lang uk] [--check]

ADDITIONS.json maps a concept id to new labels, either per language
(``{"cleaner": {"uk": ["прибиральник офісів"]}}``) or, with ``--lang``, as a plain list
(``{"cleaner": ["прибиральник офісів"]}``). Labels are appended at the end of their list,
because fixtures/generate.py is pinned to the labels it was made with (vocabulary_pins.json)
and appending leaves the fixtures unchanged.

A label is skipped, and said so on stderr, when its concept id is unknown, when it repeats a
label of the same concept, or when it would belong to two concepts under the accent-stripped
key or the transliterated skeleton the vocabulary tests use. ``--check`` reports without
writing. Run it with the project's Python (`.venv/bin/python`), which has `matcher`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from matcher.reading.vocabulary import accentless, skeleton

VOCABULARY = Path(__file__).resolve().parent.parent / "matcher" / "data" / "vocabulary.json"
LANGUAGES = ("nl", "en", "uk", "ru", "fr")


def dump(vocabulary: dict[str, Any]) -> str:
    """The file's own layout: one line per language's labels, so diffs show what was added."""

    def j(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [
        "{",
        f' "version": {j(vocabulary["version"])},',
        f' "about": {j(vocabulary["about"])},',
        ' "concepts": [',
    ]
    concepts = vocabulary["concepts"]
    for n, c in enumerate(concepts):
        head = ", ".join(f"{j(k)}: {j(c[k])}" for k in ("id", "kind", "sector", "esco_uri"))
        lines.append(f"  {{{head},")
        lines.append('   "labels": {')
        langs = list(c["labels"])
        for i, lang in enumerate(langs):
            comma = "," if i < len(langs) - 1 else ""
            lines.append(f"    {j(lang)}: {j(c['labels'][lang])}{comma}")
        lines.append("   },")
        comma = "," if n < len(concepts) - 1 else ""
        if "entails" in c:  # occupations: the skills their work entails
            lines.append(f'   "related": {j(c["related"])},')
            lines.append(f'   "entails": {j(c["entails"])}}}{comma}')
        else:
            lines.append(f'   "related": {j(c["related"])}}}{comma}')
    lines += [" ]", "}"]
    return "\n".join(lines) + "\n"


def add_labels(
    vocabulary: dict[str, Any], additions: dict[str, dict[str, list[str]]]
) -> tuple[int, list[str]]:
    """Append the new labels in place; return how many were added and why others were not."""
    by_id = {c["id"]: c for c in vocabulary["concepts"]}
    every_label = [
        (label, c["id"])
        for c in vocabulary["concepts"]
        for labels in c["labels"].values()
        for label in labels
    ]
    owner = {accentless(label): concept_id for label, concept_id in every_label}
    # The reader also meets labels by their transliterated, spelling-folded skeleton.
    folded_owner = {skeleton(label): concept_id for label, concept_id in every_label}
    added, skipped = 0, []
    for concept_id, per_language in additions.items():
        concept = by_id.get(concept_id)
        if concept is None:
            skipped.append(f"{concept_id}: no such concept")
            continue
        for lang, labels in per_language.items():
            if lang not in LANGUAGES:
                skipped.append(f"{concept_id}: unknown language {lang!r}")
                continue
            for label in labels:
                label = " ".join(label.split())
                key = accentless(label)
                if not key:
                    skipped.append(f"{concept_id}/{lang}: empty label {label!r}")
                elif owner.get(key, concept_id) != concept_id:
                    skipped.append(f"{concept_id}/{lang}: {label!r} already means {owner[key]}")
                elif folded_owner.get(skeleton(label), concept_id) != concept_id:
                    other = folded_owner[skeleton(label)]
                    skipped.append(
                        f"{concept_id}/{lang}: {label!r} is spelt like a label of {other}"
                    )
                elif label in concept["labels"].get(lang, []) or key in owner:
                    continue  # already there, perhaps with other accents or in another language
                else:
                    concept["labels"].setdefault(lang, []).append(label)
                    owner[key] = folded_owner[skeleton(label)] = concept_id
                    added += 1
    return added, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("additions", type=Path)
    parser.add_argument("--lang", choices=LANGUAGES, help="the file maps ids to plain lists")
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    parser.add_argument(
        "--vocabulary", type=Path, default=VOCABULARY, help="the file to extend (default: built-in)"
    )
    args = parser.parse_args(argv)
    raw = json.loads(args.additions.read_text("utf-8"))
    additions = {cid: {args.lang: v} for cid, v in raw.items()} if args.lang else raw
    text = args.vocabulary.read_text("utf-8")
    vocabulary = json.loads(text)
    if dump(vocabulary) != text:
        print(f"{args.vocabulary} is not in its usual layout; not touching it", file=sys.stderr)
        return 1
    added, skipped = add_labels(vocabulary, additions)
    for reason in skipped:
        print("skipped", reason, file=sys.stderr)
    if not args.check:
        args.vocabulary.write_text(dump(vocabulary), "utf-8")
    print(f"{added} labels {'would be ' if args.check else ''}added, {len(skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
