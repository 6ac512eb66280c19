"""GET /vacancies filters at 100,000 vacancies: a filtered page and its count, by SQL on the
filter columns (migration 0006), against decoding every row and filtering in Python.

    python -m benchmarks.filters [DATABASE_URL [VACANCIES]]

Without a URL it builds a SQLite file in a temporary folder; a PostgreSQL URL gets a fresh schema,
dropped at the end.
"""

from __future__ import annotations

import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, make_url, select, text

from matcher import Vacancy
from matcher.fixtures import load_vacancies
from matcher.reading.vocabulary import accentless
from matcher.travel.geo import _places, haversine_km, postcode_place
from service import store
from service.db import create_db_engine, migrate, session_factory
from service.tables import VacancyRow, utcnow

VACANCIES = 100_000
REPEATS = 5
QUERIES: dict[str, store.VacancyFilter] = {}


def _queries() -> dict[str, store.VacancyFilter]:
    centre = postcode_place("2000")
    assert centre is not None
    near = store.Near(lat=centre.lat, lon=centre.lon, km=5.0)
    return {
        "status=open": store.VacancyFilter(status="open"),
        "postcode=2060": store.VacancyFilter(postcode="2060"),
        "title=heftruck": store.VacancyFilter(title="heftruck"),
        "near=2000&within_km=5": store.VacancyFilter(near=near),
        "title=medewerker&near=2000&within_km=5&status=open": store.VacancyFilter(
            title="medewerker", near=near, status="open"
        ),
    }


def _fill(url: str, count: int) -> None:
    db = create_db_engine(url)
    migrate(db)
    templates = list(load_vacancies())
    postcodes = sorted(p for p in _places() if p.startswith(("2", "9")))
    rng = random.Random(11)
    now = utcnow()
    with db.begin() as connection:
        for first in range(0, count, 5000):
            rows: list[dict[str, Any]] = []
            for n in range(first, min(count, first + 5000)):
                template = rng.choice(templates)
                vacancy = template.model_copy(
                    update={
                        "id": f"v-b{n:06d}",
                        "location": template.location.model_copy(
                            update={"postcode": rng.choice(postcodes)}
                        ),
                        "status": "open" if rng.random() < 0.8 else "closed",
                    }
                )
                rows.append(
                    {"id": vacancy.id, "created_at": now, **store._vacancy_values(vacancy, 1)}
                )
            connection.execute(insert(VacancyRow), rows)
    db.dispose()


def _decoded(session: Any) -> list[Vacancy]:
    """Every row decoded and validated: what filtering without the columns would start with."""
    rows = session.execute(select(VacancyRow.data).order_by(VacancyRow.id)).scalars()
    return [Vacancy.model_validate(data) for data in rows]


def _matches(vacancy: Vacancy, where: store.VacancyFilter) -> bool:
    """The filters in Python, to check the SQL's answers."""
    lat, lon = vacancy.location.coordinates
    return (
        (where.status is None or vacancy.status == where.status)
        and (where.postcode is None or vacancy.location.postcode == where.postcode)
        and (where.title is None or accentless(where.title) in accentless(vacancy.title))
        and (
            where.near is None
            or float(haversine_km(where.near.lat, where.near.lon, lat, lon)) <= where.near.km
        )
    )


def _median_ms(call: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def measure(url: str, count: int, rows: list[tuple[str, str]]) -> None:
    _fill(url, count)
    db = create_db_engine(url)
    sessions = session_factory(db)
    with sessions() as session:
        t0 = time.perf_counter()
        everything = _decoded(session)
        decode_ms = 1000 * (time.perf_counter() - t0)
        rows.append(
            (
                f"{count} vacancies, {db.dialect.name}: a page of 50 and its count",
                f"median of {REPEATS} (decoding every row instead: {decode_ms:.0f} ms)",
            )
        )
        for label, where in _queries().items():

            def page(where: store.VacancyFilter = where) -> tuple[list[Vacancy], int]:
                return store.list_vacancies(session, where=where, limit=50, offset=0)

            first, matching = page()
            expected = [v for v in everything if _matches(v, where)]
            assert matching == len(expected) and first == expected[:50], label
            rows.append((f"  {label} ({matching} match)", f"{_median_ms(page):6.1f} ms"))
    db.dispose()


def run(rows: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{Path(folder) / 'filters.sqlite3'}", VACANCIES, rows)


def _postgres_schema(base: str) -> tuple[str, Callable[[], None]]:
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop


if __name__ == "__main__":
    found: list[tuple[str, str]] = []
    given = (sys.argv[1] if len(sys.argv) > 1 else "") or None  # "" for SQLite with a size
    size = int(sys.argv[2]) if len(sys.argv) > 2 else VACANCIES
    if given is None:
        with tempfile.TemporaryDirectory() as tmp:
            measure(f"sqlite:///{Path(tmp) / 'filters.sqlite3'}", size, found)
    elif given.startswith("postgresql"):
        pg_url, drop_schema = _postgres_schema(given)
        try:
            measure(pg_url, size, found)
        finally:
            drop_schema()
    else:
        measure(given, size, found)
    width = max(len(label) for label, _ in found)
    for label, value in found:
        print(f"{label:<{width}}  {value}")
