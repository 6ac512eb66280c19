"""What every feature returns: scores and blocking flags per (candidate, vacancy), and reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.models import Vacancy
from matcher.schedule import ShiftTable

FloatMatrix = NDArray[np.float64]
BoolMatrix = NDArray[np.bool_]


@dataclass(frozen=True)
class FeatureScores:
    """Per candidate (rows) and vacancy (columns): a score in [0, 1] and whether it blocks."""

    score: FloatMatrix
    blocking: BoolMatrix


@dataclass(frozen=True)
class Splice:
    """A change to the fitted vacancies, for each feature to apply to its arrays: the columns
    `keep` (ascending) stay, in their order, and the vacancies `added` follow them."""

    keep: NDArray[np.int64]
    added: Sequence[Vacancy]
    kept_shifts: NDArray[np.int64]
    """The old shift table's shifts of the kept columns, in order."""
    shifts: ShiftTable
    """The new shift table: the kept shifts, renumbered, then the added vacancies' shifts."""

    @classmethod
    def of(cls, shifts: ShiftTable, keep: NDArray[np.int64], added: Sequence[Vacancy]) -> Splice:
        kept_shifts = shifts.kept_shifts(keep)
        return cls(keep, added, kept_shifts, shifts.splice(keep, added, kept_shifts=kept_shifts))
