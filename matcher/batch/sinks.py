"""Where batch shortlists go: a Parquet file, or a database table; either written part by part,
so that a job interrupted keeps what it finished and goes on from there."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from matcher.batch.shortlists import Lines
from matcher.weights import FEATURES

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine as DatabaseEngine

LINE_SCHEMA = pa.schema(
    [
        ("candidate_id", pa.string()),
        ("list", pa.string()),
        ("rank", pa.int16()),
        ("vacancy_id", pa.string()),
        ("score", pa.float64()),
        ("blocked", pa.bool_()),
        ("blocked_by", pa.string()),
        *((name, pa.float64()) for name in FEATURES),
        ("commute_minutes", pa.int32()),
    ]
)
_JOB_KEY = b"matcher.batch.job"


class OtherJob(Exception):
    """The output holds another job's lines (other people, vacancies, weights or options)."""


class Sink(Protocol):
    """Takes a job's lines part by part; each part is stored whole or not at all."""

    where: str

    def open(self, job: str, *, parts: int, restart: bool) -> set[int]:
        """Start or resume job `job` (its fingerprint) of `parts` parts; those already stored."""
        ...

    def write(self, part: int, lines: Lines) -> None: ...

    def finish(self, parts: int) -> None:
        """All `parts` are stored: make the output whole."""
        ...


def lines_table(lines: Lines) -> pa.Table:
    return pa.Table.from_pydict(lines.columns, schema=LINE_SCHEMA)


class ParquetSink:
    """One Parquet file; while the job runs, its parts wait in a folder beside it
    (`.NAME.parts/`), each written whole (to a temporary name, then renamed), and are joined
    into the file, row group by row group, when the last is done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        self.parts_dir = path.parent / f".{path.name}.parts"

    def open(self, job: str, *, parts: int, restart: bool) -> set[int]:
        self.job = job
        manifest = self.parts_dir / "job.json"
        if restart:
            shutil.rmtree(self.parts_dir, ignore_errors=True)
            self.path.unlink(missing_ok=True)
        elif self.path.exists():
            meta = pq.read_schema(self.path).metadata or {}
            if meta.get(_JOB_KEY) == job.encode():
                self.finished = True
                return set(range(parts))
            raise OtherJob(f"{self.path} holds another job's shortlists")
        elif manifest.exists() and json.loads(manifest.read_text())["job"] != job:
            raise OtherJob(f"{self.parts_dir} holds another job's unfinished parts")
        self.finished = False
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps({"job": job}))
        return {int(p.stem.split("-")[1]) for p in self.parts_dir.glob("part-*.parquet")}

    def _part(self, part: int) -> Path:
        return self.parts_dir / f"part-{part:06d}.parquet"

    def write(self, part: int, lines: Lines) -> None:
        final = self._part(part)
        partial = final.with_suffix(".writing")
        pq.write_table(lines_table(lines), partial)
        os.replace(partial, final)

    def finish(self, parts: int) -> None:
        if self.finished:
            return
        schema = LINE_SCHEMA.with_metadata({_JOB_KEY: self.job.encode()})
        partial = self.path.parent / f".{self.path.name}.writing"
        with pq.ParquetWriter(partial, schema) as writer:
            for part in range(parts):
                writer.write_table(pq.read_table(self._part(part)).replace_schema_metadata(None))
        os.replace(partial, self.path)
        shutil.rmtree(self.parts_dir)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,50}")


class TableSink:
    """A table in a database (the service's, or any SQLAlchemy URL): the lines, with the part
    each came in, and `NAME_job` saying whose lines they are; a part goes in as one
    transaction, so a part is either all there or not at all."""

    def __init__(self, database: DatabaseEngine, name: str) -> None:
        if not _NAME.fullmatch(name):
            raise ValueError(
                f"table: '{name}' is not a table name (letters, digits and _, up to 51,"
                " not starting with a digit)"
            )
        from sqlalchemy import (
            Boolean,
            Column,
            Float,
            Integer,
            MetaData,
            String,
            Table,
        )

        self.database = database
        self.name = name
        self.where = f"{database.url.render_as_string(hide_password=True)} table {name}"
        kinds = {"rank": Integer, "blocked": Boolean, "commute_minutes": Integer}
        kinds |= {"score": Float, **dict.fromkeys(FEATURES, Float)}
        metadata = MetaData()
        self.lines = Table(
            name,
            metadata,
            Column("part", Integer, nullable=False, index=True),
            *(
                Column(column.name, kinds.get(column.name, String), nullable=False)
                for column in LINE_SCHEMA
            ),
        )
        self.jobs = Table(
            f"{name}_job",
            metadata,
            Column("job", String, nullable=False),
            Column("finished", Boolean, nullable=False),
        )
        self.metadata = metadata

    def open(self, job: str, *, parts: int, restart: bool) -> set[int]:
        from sqlalchemy import select

        self.metadata.create_all(self.database)
        with self.database.begin() as connection:
            stored = connection.execute(select(self.jobs.c.job)).scalar_one_or_none()
            if stored is not None and stored != job and not restart:
                raise OtherJob(f"table {self.name} holds another job's shortlists")
            if restart or stored != job:
                connection.execute(self.lines.delete())
                connection.execute(self.jobs.delete())
                connection.execute(self.jobs.insert(), {"job": job, "finished": False})
            done = connection.execute(select(self.lines.c.part).distinct()).scalars()
            return set(done)

    def write(self, part: int, lines: Lines) -> None:
        rows = [{"part": part, **row} for row in lines.rows()]
        with self.database.begin() as connection:
            connection.execute(self.lines.delete().where(self.lines.c.part == part))
            if rows:
                connection.execute(self.lines.insert(), rows)
            else:
                # No lines at all (nobody in it could reach anything): remembered as done by a
                # row that is no line; readers take list in ("results", "near_misses").
                connection.execute(self.lines.insert(), [_empty_part(part)])

    def finish(self, parts: int) -> None:
        with self.database.begin() as connection:
            connection.execute(self.jobs.update().values(finished=True))


def _empty_part(part: int) -> dict[str, object]:
    row: dict[str, object] = {column.name: "" for column in LINE_SCHEMA}
    row |= {"part": part, "list": "none", "rank": 0, "blocked": False, "commute_minutes": -1}
    row |= {"score": 0.0, **dict.fromkeys(FEATURES, 0.0)}
    return row
