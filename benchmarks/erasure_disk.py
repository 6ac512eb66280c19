"""Where an erased person's bytes are on a local PostgreSQL's disk, step by step.

    python -m benchmarks.erasure_disk postgresql+psycopg://postgres@127.0.0.1/test [PEOPLE [MB]]

Run it as a user that can read the server's data directory (e.g. root on the same machine). It
loads the fixtures (and PEOPLE extra people, default 0) into a fresh schema, adds a person with a
marker in their profile and in a debrief note, then counts the marker's copies in the tables'
files and in pg_wal after: DELETE; VACUUM; the service's rewrite (VACUUM FULL); pg_switch_wal()
+ CHECKPOINT; and, given MB, after writing up to MB of other WAL. It also times each table's
rewrite and the longest read that waited for it, and drops the schema at the end.
"""

from __future__ import annotations

import secrets
import sys
import threading
import time
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import sessionmaker

from matcher.outcomes.applications import Application, ApplicationStep
from service import store
from service.app import prepare_database
from service.erasure import PEOPLE_TABLES, Erasures
from service.settings import Settings

_FILES = text(
    """
    SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.oid = CAST(:t AS regclass)
    UNION ALL SELECT pg_relation_filepath(c.reltoastrelid) FROM pg_class c
     WHERE c.oid = CAST(:t AS regclass) AND c.reltoastrelid <> 0
    UNION ALL SELECT pg_relation_filepath(i.indexrelid) FROM pg_index i
     WHERE i.indrelid = CAST(:t AS regclass)
        OR i.indrelid = (SELECT reltoastrelid FROM pg_class WHERE oid = CAST(:t AS regclass))
    """
)


def copies(db: Engine, marker: bytes) -> dict[str, int]:
    with db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CHECKPOINT"))
        folder = Path(connection.execute(text("SHOW data_directory")).scalar_one())
        found = {}
        for table in PEOPLE_TABLES:
            paths = [folder / p for p in connection.execute(_FILES, {"t": table}).scalars()]
            files = [f for p in paths for f in [p, *p.parent.glob(p.name + ".[0-9]*")]]
            found[table] = sum(f.read_bytes().count(marker) for f in files if f.exists())
    wal = sorted((folder / "pg_wal").glob("0*"))
    found["pg_wal"] = sum(f.read_bytes().count(marker) for f in wal if f.is_file())
    found["pg_wal files"] = len(wal)
    return found


def main(url: str, extra_people: int, fill_mb: int) -> None:
    schema = f"erasure_disk_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    db = create_engine(scoped)
    try:
        prepare_database(db, Settings(database_url=scoped.render_as_string(hide_password=False)))
        sessions = sessionmaker(db)
        from tests.factories import make_candidate  # the fixtures' people plus extra ones

        token = secrets.token_hex(6)
        marker = f"Zwaluwstaart-{token}"
        with sessions.begin() as session:
            for n in range(extra_people):
                store.create_candidate(session, candidate=make_candidate(id=f"c-x-{n:06d}"))
            person = make_candidate(id=f"c-m-{token}", skills=[marker], occupations=[marker])
            store.create_candidate(session, candidate=person)
            vacancy_id, _, vacancy = store.open_vacancy_rows(session)[0]
            made = store.create_application(
                session,
                application=Application(
                    candidate_id=str(person.id),
                    vacancy_id=vacancy_id,
                    steps=[ApplicationStep(status="proposed", on=date.today(), note=marker)],
                ),
                employer=vacancy["employer"],
            )
            store.add_step(
                session,
                application_id=str(made.id),
                step=ApplicationStep(status="hired", on=date.today(), note=f"debrief {marker}"),
            )
        with db.connect() as connection:
            sizes = {
                t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in PEOPLE_TABLES
            }
        print("rows:", sizes)
        print("stored (after CHECKPOINT):", copies(db, marker.encode()))
        with sessions.begin() as session:
            by = store.Principal("a-bench", "erasure benchmark", "coordinator", None)
            store.delete_candidate(session, candidate_id=str(person.id), by=by)
        print("after DELETE:", copies(db, marker.encode()))
        with db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in PEOPLE_TABLES:
                connection.execute(text(f"VACUUM {table}"))
        print("after VACUUM of the three tables:", copies(db, marker.encode()))

        # Readers during the rewrite: the longest one waited for its lock.
        stop, longest = threading.Event(), [0.0]

        def read() -> None:
            with db.connect() as connection:
                while not stop.is_set():
                    started = time.perf_counter()
                    connection.execute(text("SELECT count(*) FROM candidates")).scalar_one()
                    connection.rollback()
                    longest[0] = max(longest[0], time.perf_counter() - started)

        readers = [threading.Thread(target=read) for _ in range(4)]
        for thread in readers:
            thread.start()
        time.sleep(0.3)
        erasures = Erasures(db, [])
        for table in PEOPLE_TABLES:
            started = time.perf_counter()
            with db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text(f"VACUUM FULL {table}"))
            print(f"VACUUM FULL {table}: {1000 * (time.perf_counter() - started):.1f} ms")
        started = time.perf_counter()
        erasures._rewrite()  # the service's own pass: waits for older transactions, lock timeout
        print(
            f"the service's rewrite of all three: {1000 * (time.perf_counter() - started):.1f} ms"
        )
        stop.set()
        for thread in readers:
            thread.join()
        print(f"longest concurrent read of candidates: {1000 * longest[0]:.1f} ms")
        print("after the rewrite:", copies(db, marker.encode()))
        with db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT pg_switch_wal()"))
            connection.execute(text("CHECKPOINT"))
        print("after pg_switch_wal() + CHECKPOINT:", copies(db, marker.encode()))
        if fill_mb:
            # How much new WAL overwrites the recycled segments that still hold the marker.
            with db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("CREATE TABLE wal_filler (line text)"))
                for written in range(8, fill_mb + 1, 8):
                    connection.execute(
                        text(
                            "INSERT INTO wal_filler SELECT repeat(md5(g::text), 32)"
                            " FROM generate_series(1, 7000) g"
                        )
                    )
                    connection.execute(text("CHECKPOINT"))
                    found = copies(db, marker.encode())
                    print(f"after about {written} MB more WAL + CHECKPOINT:", found)
                    if found["pg_wal"] == 0:
                        break
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    args = [*sys.argv[1:], "0", "0"]
    main(args[0], int(args[1]), int(args[2]))
