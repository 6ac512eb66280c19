"""Writing the documents of an employer visit: a person's shortlist (10 vacancies) and a
vacancy's candidates (20 people) as PDF, .xlsx and CSV, from the shortlists' JSON."""

from __future__ import annotations

import statistics
import time
from typing import Any

from matcher import Engine
from matcher.fixtures import load_candidates, load_vacancies
from service.documents import render, tables

REPEATS = 7


def _bodies() -> tuple[dict[str, Any], dict[str, Any]]:
    people = [p for p in load_candidates() if p.stage == "ready"]
    vacancies = load_vacancies()
    engine = Engine().fit(vacancies)
    person = engine.shortlist(people[0], top=10).as_dict("uk")
    candidates = engine.rank_candidates(vacancies[0], people, top=20).as_dict("nl")
    return person, candidates


def run(rows: list[tuple[str, str]]) -> None:
    person, candidates = _bodies()
    vacancy = load_vacancies()[0]
    documents = {
        "a person's shortlist, 10 lines (uk)": tables.candidate_shortlist(person, "uk"),
        "a vacancy's candidates, 20 lines (nl)": tables.vacancy_shortlist(
            candidates, title=vacancy.title, employer=vacancy.employer, language="nl"
        ),
    }
    rows.append((f"median of {REPEATS} (ms)", "      pdf     xlsx      csv"))
    for label, document in documents.items():
        cells = []
        for kind in ("pdf", "xlsx", "csv"):
            render(document, kind)  # the first: imports, the font's first read
            times = []
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                render(document, kind)
                times.append(time.perf_counter() - t0)
            cells.append(f"{1000 * statistics.median(times):>9.0f}")
        rows.append((f"  {label}", "".join(cells)))
