"""What every feature returns: scores and blocking flags per (candidate, vacancy), and reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatMatrix = NDArray[np.float64]
BoolMatrix = NDArray[np.bool_]


@dataclass(frozen=True)
class Reason:
    """One thing a coach can read aloud; `code` is stable, `message` is for people."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "params": self.params}


@dataclass(frozen=True)
class FeatureScores:
    """Per candidate (rows) and vacancy (columns): a score in [0, 1] and whether it blocks."""

    score: FloatMatrix
    blocking: BoolMatrix
