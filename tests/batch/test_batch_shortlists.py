"""Batch shortlists are the shortlists `Engine.shortlist` gives, line for line, whether pairs
are skipped by reach or not, near misses included when asked; the job is resumable, and the
Parquet file, a database table and a Dask cluster all hold the same lines."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from batch_support import batch_lines, expected_lines, spread, without_empty
from sqlalchemy import create_engine, make_url, text

from matcher import Engine
from matcher.batch.files import ParquetPeople, read_vacancies
from matcher.batch.job import BatchJob, PeopleInMemory, in_process
from matcher.batch.shortlists import BatchShortlists
from matcher.batch.sinks import OtherJob, ParquetSink, TableSink
from matcher.fixtures import load_vacancies

REPO = Path(__file__).resolve().parents[2]
PG_ENV = "MATCHER_TEST_DATABASE_URL"


@pytest.mark.parametrize("include_blocked", [False, True], ids=["results", "near_misses"])
def test_the_fixtures_shortlists_are_those_of_scoring_every_pair(
    fixture_engine, fixture_people, include_blocked
):
    lines, tally = BatchShortlists(fixture_engine, top=20, include_blocked=include_blocked).run(
        fixture_people
    )
    want = expected_lines(fixture_engine, fixture_people, top=20, include_blocked=include_blocked)
    assert batch_lines(lines.rows()) == without_empty(want)
    assert tally.pairs == len(fixture_people) * len(fixture_engine.vacancies_)


def test_spread_over_a_region_most_pairs_are_skipped_and_the_lines_are_the_same(fixture_people):
    """The fixtures' vacancies spread from the coast to Limburg: most people reach few."""
    points = [(50.75 + 0.5 * (j % 37) / 37, 2.6 + 3.0 * (j % 101) / 101) for j in range(1500)]
    engine = Engine().fit(spread(load_vacancies(), points))
    people = fixture_people[:150]
    batch = BatchShortlists(engine, top=10, pairs_per_call=20_000)
    lines, tally = batch.run(people)
    assert tally.skipped_share > 0.5
    want = expected_lines(engine, people, top=10, include_blocked=False)
    assert batch_lines(lines.rows()) == without_empty(want)
    near, _ = BatchShortlists(engine, top=10, include_blocked=True).run(people[:40])
    want = expected_lines(engine, people[:40], top=10, include_blocked=True)
    assert batch_lines(near.rows()) == without_empty(want)


class Interrupted(Exception):
    pass


def stopping_after(parts: int):
    """A runner that is interrupted once it has handed over `parts` parts."""

    def run(batch, todo):
        for n, found in enumerate(in_process(batch, todo)):
            if n == parts:
                raise Interrupted
            yield found

    return run


def test_an_interrupted_job_picks_up_where_it_stopped(tmp_path, fixture_engine, fixture_people):
    job = BatchJob(fixture_engine, PeopleInMemory(fixture_people), top=5, people_per_part=60)
    whole = tmp_path / "whole.parquet"
    job.run(ParquetSink(whole), progress=False)
    out = tmp_path / "resumed.parquet"
    with pytest.raises(Interrupted):
        job.run(ParquetSink(out), progress=False, runner=stopping_after(3))
    assert not out.exists()  # only finished parts are kept, beside it
    report = job.run(ParquetSink(out), progress=False)
    assert (report.parts, report.parts_done_before) == (7, 3)
    assert report.tally.people == len(fixture_people) - 3 * 60
    assert pq.read_table(out).equals(pq.read_table(whole))
    assert not list(tmp_path.glob(".*parts"))
    # Finished: a run again does nothing; another job's options are refused, never mixed in.
    assert job.run(ParquetSink(out), progress=False).parts_done_before == 7
    other = BatchJob(fixture_engine, PeopleInMemory(fixture_people), top=6, people_per_part=60)
    with pytest.raises(OtherJob):
        other.run(ParquetSink(out), progress=False)
    assert pq.read_table(out).equals(pq.read_table(whole))


def written(path, engine, people, *, top, people_per_part) -> BatchJob:
    """A job with near misses, run once here into `path`: the lines to compare with."""
    job = BatchJob(
        engine,
        PeopleInMemory(people),
        top=top,
        include_blocked=True,
        people_per_part=people_per_part,
    )
    job.run(ParquetSink(path), progress=False)
    return job


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/batch.sqlite3"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_a_table_holds_the_same_lines_and_resumes_too(
    tmp_path, database, fixture_engine, fixture_people
):
    whole = tmp_path / "whole.parquet"
    job = written(whole, fixture_engine, fixture_people, top=5, people_per_part=80)
    db = create_engine(database)
    with pytest.raises(Interrupted):
        job.run(TableSink(db, "shortlists_tonight"), progress=False, runner=stopping_after(2))
    report = job.run(TableSink(db, "shortlists_tonight"), progress=False)
    assert report.parts_done_before == 2
    with db.connect() as connection:
        rows = connection.execute(
            text("SELECT * FROM shortlists_tonight WHERE list IN ('results', 'near_misses')")
        ).mappings()
        stored = batch_lines(rows)
        finished = connection.execute(text("SELECT finished FROM shortlists_tonight_job")).scalar()
    assert finished
    assert stored == batch_lines(pq.read_table(whole).to_pylist())
    db.dispose()


def test_a_two_worker_dask_cluster_writes_the_same_file(tmp_path, fixture_engine, fixture_people):
    from matcher.batch.cluster import dask_runner

    here = tmp_path / "here.parquet"
    job = written(here, fixture_engine, fixture_people, top=10, people_per_part=50)
    there = tmp_path / "cluster.parquet"
    with dask_runner("local", workers=2) as runner:
        report = job.run(ParquetSink(there), progress=False, runner=runner)
    assert report.tally.people == len(fixture_people)
    assert pq.read_table(there).equals(pq.read_table(here))


def _matcher(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matcher.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "MATCHER_DATA_DIR": str(cwd / "data")},
    )


def test_the_command_over_generated_flanders_files(tmp_path):
    made = subprocess.run(
        [
            sys.executable,
            str(REPO / "fixtures" / "generate_flanders.py"),
            "--candidates",
            "300",
            "--vacancies",
            "4000",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "synthetic" in made.stdout
    files = ["--candidates", str(tmp_path / "candidates.parquet")]
    files += ["--vacancies", str(tmp_path / "vacancies.parquet")]
    out = tmp_path / "flanders.parquet"
    files += ["--output", str(out), "--quiet", "--lang", "en"]
    done = _matcher(
        "batch",
        "shortlists",
        "--top",
        "8",
        "--stage",
        "ready",
        "--stage",
        "activation",
        *files,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "open vacancies in" in done.stdout and "out of reach" in done.stdout
    people = ParquetPeople(tmp_path / "candidates.parquet", stages=["ready", "activation"])
    engine = Engine().fit(read_vacancies(tmp_path / "vacancies.parquet"))
    everyone = people.take(range(len(people)))
    want = expected_lines(engine, everyone, top=8, include_blocked=False)
    assert batch_lines(pq.read_table(out).to_pylist()) == without_empty(want)
    assert {c.stage for c in everyone} == {"ready", "activation"}
    # Another job into the same file is refused, with what to do instead.
    again = _matcher("batch", "shortlists", "--top", "9", *files, cwd=tmp_path)
    assert again.returncode != 0 and "--restart" in again.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--candidates", "x.parquet"], "--candidates and --vacancies go together"),
        (["--fixtures", "--table", "1bad name"], "--table"),
        (["--fixtures", "--output", "no/such/folder/out.parquet"], "no such folder"),
    ],
)
def test_bad_options_are_named(tmp_path, args, says):
    if "--output" not in args and "--table" not in args:
        args = [*args, "--output", str(tmp_path / "x.parquet")]
    done = _matcher("batch", "shortlists", *args, "--quiet", cwd=tmp_path)
    assert done.returncode != 0
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_from_the_services_database_into_a_table_there(tmp_path, fixture_engine, fixture_people):
    """Without a source named, the service's database (loaded with the fixtures on first use)
    gives the people and vacancies, and --table writes beside them."""
    done = _matcher(
        "batch", "shortlists", "--table", "tonight", "--top", "5", "--quiet", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "table tonight" in done.stdout
    db = create_engine(f"sqlite:///{tmp_path / 'data' / 'matcher.sqlite3'}")
    with db.connect() as connection:
        rows = connection.execute(text("SELECT * FROM tonight WHERE list = 'results'")).mappings()
        stored = batch_lines(rows)
    db.dispose()
    ready = [c for c in fixture_people if c.stage == "ready"]
    assert stored == without_empty(
        expected_lines(fixture_engine, ready, top=5, include_blocked=False)
    )


def test_ctrl_c_keeps_the_finished_parts_and_the_same_command_goes_on(tmp_path):
    out = tmp_path / "tonight.parquet"
    command = ["batch", "shortlists", "--fixtures", "--include-blocked", "--people-per-part", "5"]
    command += ["--output", str(out), "--quiet", "--lang", "en"]
    env = {**os.environ, "MATCHER_DATA_DIR": str(tmp_path / "data")}
    running = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    parts = tmp_path / ".tonight.parquet.parts"
    deadline = time.monotonic() + 120
    while not list(parts.glob("part-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    running.send_signal(signal.SIGINT)
    _, stderr = running.communicate(timeout=120)
    assert running.returncode == 130, stderr
    assert "run the same command again" in stderr and "Traceback" not in stderr
    assert not out.exists()
    again = _matcher(*command, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Picked up where it stopped" in again.stdout
    assert out.exists() and not parts.exists()
