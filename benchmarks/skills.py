"""Reading skills and job titles across languages: top-1 accuracy on an independent labelled
set (benchmarks/data/skills_eval.csv), time per phrase, and the ESCO import."""

from __future__ import annotations

import csv
import json
import statistics
import time
from collections import Counter
from importlib import resources
from pathlib import Path

from matcher.reading.esco import import_esco
from matcher.reading.vocabulary import Vocabulary, builtin_vocabulary

EVAL_SET = Path(__file__).parent / "data" / "skills_eval.csv"
SHARED_ESCO = Path(__file__).resolve().parents[2] / "shared" / "data" / "esco"


def load_eval_set() -> list[dict[str, str]]:
    with EVAL_SET.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fresh_vocabulary() -> Vocabulary:
    """A vocabulary with nothing cached, so that timings are of real reading."""
    text = resources.files("matcher.data").joinpath("vocabulary.json").read_text("utf-8")
    return Vocabulary.from_json(json.loads(text))


def accuracy(vocabulary: Vocabulary, rows: list[dict[str, str]]) -> dict[str, tuple[int, int]]:
    """Per language: (correct, total) top-1 readings."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in rows:
        total[row["language"]] += 1
        right[row["language"]] += vocabulary.read(row["phrase"]).concept_id == row["expected"]
    return {lang: (right[lang], total[lang]) for lang in sorted(total)}


def run(rows: list[tuple[str, str]]) -> None:
    examples = load_eval_set()
    vocabulary = fresh_vocabulary()
    vocabulary.read("xqzv wplk")  # builds the n-gram index once, as a running service has
    times = []
    for row in examples:
        t0 = time.perf_counter()
        vocabulary.read(row["phrase"])
        times.append((time.perf_counter() - t0) * 1000)
    for lang, (right, total) in accuracy(vocabulary, examples).items():
        rows.append((f"top-1 accuracy, {lang} ({total} phrases)", f"{right / total:.1%}"))
    rows.append(
        (
            "normalise one phrase (uncached): median / p95",
            f"{statistics.median(times):.2f} / {statistics.quantiles(times, n=20)[-1]:.2f} ms",
        )
    )
    if SHARED_ESCO.is_dir():
        t0 = time.perf_counter()
        merged, summary = import_esco(builtin_vocabulary(), SHARED_ESCO)
        rows.append(
            (
                f"ESCO import ({', '.join(summary.files)})",
                f"{time.perf_counter() - t0:.2f} s, {summary.concepts} concepts",
            )
        )
        dutch, english = (_preferred(SHARED_ESCO / f"occupations_{x}.csv") for x in ("nl", "en"))
        shared = [u for u in dutch if u in english]
        same = sum(
            merged.read(dutch[u]).concept_id == merged.read(english[u]).concept_id for u in shared
        )
        rows.append(
            (
                "ESCO occupations whose nl and en labels meet",
                f"{same / len(shared):.2%} of {len(shared)}",
            )
        )


def _preferred(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["conceptUri"]: r["preferredLabel"] for r in csv.DictReader(handle)}
