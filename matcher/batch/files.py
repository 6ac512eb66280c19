"""People and vacancies from Parquet files (as fixtures/generate_flanders.py writes them)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from numpy.typing import NDArray

from matcher.models import Candidate, Vacancy


class ParquetPeople:
    """The people of a Parquet file (columns id, stage, lat, lon, record), at these stages
    (the `first` of them only, if given);
    each one's record is read into a `Candidate` only when their part is scored, so a job
    holds strings, not models, for the people waiting."""

    def __init__(
        self, path: Path, *, stages: Sequence[str] = ("ready",), first: int | None = None
    ) -> None:
        table = pq.read_table(path, columns=["id", "stage", "lat", "lon", "record"])
        stage = np.array(table.column("stage").to_pylist(), dtype=object)
        kept = np.flatnonzero(np.isin(stage, list(stages)))[:first]
        table = table.take(kept)
        self.ids: list[str] = table.column("id").to_pylist()
        self.homes: NDArray[np.float64] = np.stack(
            [table.column("lat").to_numpy(), table.column("lon").to_numpy()], axis=1
        ).astype(np.float64)
        self._records = table.column("record").combine_chunks()

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, indices: Sequence[int]) -> list[Candidate]:
        records = self._records.take(list(indices)).to_pylist()
        return [Candidate.model_validate_json(record) for record in records]


def read_vacancies(path: Path) -> list[Vacancy]:
    """Every vacancy in a Parquet file (column record); the engine keeps the open ones."""
    records = pq.read_table(path, columns=["record"]).column("record").to_pylist()
    return [Vacancy.model_validate_json(record) for record in records]
