"""Shortlist speed over the fixtures and over 100,000 generated vacancies, vs one pair at a time."""

from __future__ import annotations

import gc
import os
import random
import statistics
import time
from collections.abc import Callable, Sequence

from matcher import Candidate, Engine, Vacancy
from matcher.fixtures import load_candidates, load_vacancies


def scaled_vacancies(n: int, *, seed: int = 1) -> list[Vacancy]:
    """n vacancies made from the fixtures, moved up to ~5 km, with fresh ids."""
    rnd = random.Random(seed)
    base = load_vacancies()
    out = []
    for i in range(n):
        v = base[i % len(base)]
        lat, lon = v.location.coordinates
        where = v.location.model_copy(
            update={
                "postcode": None,
                "lat": lat + rnd.uniform(-0.04, 0.04),
                "lon": lon + rnd.uniform(-0.06, 0.06),
            }
        )
        out.append(v.model_copy(update={"id": f"g-{i:06d}", "location": where}))
    return out


def _median_ms(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def _per_pair_ms(candidate: Candidate, vacancies: Sequence[Vacancy], sample: int) -> float:
    """Milliseconds per pair when each pair goes through the engine on its own (fit excluded)."""
    singles = [Engine().fit([v]) for v in vacancies[:sample]]
    t0 = time.perf_counter()
    for engine in singles:
        engine.score([candidate])
    return (time.perf_counter() - t0) * 1000 / len(singles)


def run(rows: list[tuple[str, str]]) -> None:
    candidates = load_candidates()
    ready = [c for c in candidates if c.stage == "ready"]
    fixtures = load_vacancies()

    t0 = time.perf_counter()
    engine = Engine().fit(fixtures)
    rows.append(
        (
            f"fit on fixtures ({len(engine.vacancies_)} open vacancies)",
            f"{(time.perf_counter() - t0) * 1000:.0f} ms",
        )
    )
    people = iter(ready * 10)
    med, worst = _median_ms(lambda: engine.shortlist(next(people), top=10), 200)
    rows.append(("shortlist top 10, fixtures: median / max", f"{med:.2f} / {worst:.2f} ms"))

    big = scaled_vacancies(100_000)
    t0 = time.perf_counter()
    engine = Engine().fit(big)
    rows.append(("fit on 100,000 vacancies", f"{time.perf_counter() - t0:.1f} s"))
    t0 = time.perf_counter()
    engine.shortlist(ready[0])  # warm caches (vocabulary readings), and work the bounds out
    rows.append(
        (
            "first shortlist of 100,000 (works out the bounds)",
            f"{(time.perf_counter() - t0) * 1000:.0f} ms",
        )
    )
    people = iter(ready * 10)
    med_score, _ = _median_ms(lambda: engine.score([next(people)]), 50)
    people = iter(ready * 10)
    med, worst = _median_ms(lambda: engine.shortlist(next(people), top=10), 50)
    rows.append(("score all 100,000 for one candidate: median", f"{med_score:.1f} ms"))
    rows.append(("shortlist top 10 of 100,000: median / max", f"{med:.1f} / {worst:.1f} ms"))
    shortlist_med = med
    # The same shortlists scoring every vacancy, as before the bounds: the two side by side
    # under the same load (this machine's neighbours move the absolute numbers a lot).
    everything = engine.with_weights(engine.weights)
    everything.staged_from = len(big) + 1
    people = iter(ready * 10)
    med, worst = _median_ms(lambda: everything.shortlist(next(people), top=10), 50)
    rows.append(
        ("  ... scoring every vacancy instead: median / max", f"{med:.1f} / {worst:.1f} ms")
    )
    # As the API answers it: the reasons written out, in English and in Ukrainian.
    for language in ("en", "uk"):
        shown = iter(ready * 10)
        med, worst = _median_ms(
            lambda lang=language, shown=shown: engine.shortlist(next(shown), top=10).as_dict(lang),
            50,
        )
        rows.append(
            (f"  ... written out ({language}): median / max", f"{med:.1f} / {worst:.1f} ms")
        )
    changed = [
        big[k].model_copy(update={"hours_per_week": big[k].hours_per_week + 1}) for k in range(50)
    ]
    med, worst = _median_ms(lambda: engine.splice(upserted=changed[:1]), 20)
    rows.append(
        ("splice one changed vacancy into 100,000: median / max", f"{med:.0f} / {worst:.0f} ms")
    )
    med, _ = _median_ms(lambda: engine.splice(upserted=changed), 5)
    rows.append(("splice 50 changed vacancies into 100,000: median", f"{med:.0f} ms"))
    per_pair = _per_pair_ms(ready[0], big, 1000)
    rows.append(
        (
            "same pairs one at a time (1,000 sampled): per pair",
            f"{per_pair:.3f} ms, x100,000 = {per_pair * 100_000 / 1000:.1f} s",
        )
    )
    # Against the shortlist over the same 100,000 (the splice rows above reuse `med`).
    speed_up = per_pair * 100_000 / shortlist_med
    rows.append(("speed-up of the vectorised shortlist", f"{speed_up:.0f}x"))
    # The 100,000 stay in memory: the rows below are differences.
    _million(rows, ready)


def _resident_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _million(rows: list[tuple[str, str]], ready: list[Candidate]) -> None:
    """1,000,000 vacancies: what the objects and the fit take, and one shortlist."""
    gc.collect()
    before = _resident_mb()
    huge = scaled_vacancies(1_000_000)
    made = _resident_mb()
    t0 = time.perf_counter()
    engine = Engine().fit(huge)
    fit_s = time.perf_counter() - t0
    fitted = _resident_mb()
    rows.append(("fit on 1,000,000 vacancies", f"{fit_s:.1f} s"))
    rows.append(
        (
            "  memory: the vacancies / the fitted engine",
            f"{(made - before) / 1024:.2f} / {(fitted - made) / 1024:.2f} GB",
        )
    )
    t0 = time.perf_counter()
    engine.shortlist(ready[0])
    rows.append(
        (
            "first shortlist of 1,000,000 (works out the bounds)",
            f"{(time.perf_counter() - t0) * 1000:.0f} ms",
        )
    )
    people = iter(ready * 10)
    med, worst = _median_ms(lambda: engine.shortlist(next(people), top=10), 50)
    rows.append(("shortlist top 10 of 1,000,000: median / max", f"{med:.1f} / {worst:.1f} ms"))
