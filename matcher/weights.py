"""Feature weights: a versioned file coordinators edit (or a notebook writes)."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

FEATURES: tuple[str, ...] = ("skills", "language", "commute", "childcare")
WEIGHTS_ENV = "MATCHER_WEIGHTS"
"""Names a weights file (as a notebook writes it) to use instead of the packaged one."""


class Weights(BaseModel):
    """How much each feature counts in the combined score; only the ratios matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(default=1, ge=1)
    weights: dict[str, float] = Field(
        examples=[{"skills": 0.35, "language": 0.25, "commute": 0.2, "childcare": 0.2}]
    )
    note: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _one_weight_per_feature(self) -> Self:
        unknown = sorted(set(self.weights) - set(FEATURES))
        missing = [f for f in FEATURES if f not in self.weights]
        if unknown:
            raise ValueError(f"unknown features {unknown}; the features are {list(FEATURES)}")
        if missing:
            raise ValueError(f"missing weights for {missing}")
        negative = [f for f, w in self.weights.items() if not 0 <= w <= 100]
        if negative:
            raise ValueError(f"weights must be between 0 and 100: {negative}")
        if sum(self.weights.values()) <= 0:
            raise ValueError("at least one weight must be above zero")
        return self

    @classmethod
    def load(cls, path: Path) -> Self:
        return cls.model_validate_json(path.read_text("utf-8"))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.model_dump(), indent=2) + "\n", "utf-8")


def default_weights() -> Weights:
    """The weights shipped in the package (matcher/weights.json)."""
    text = resources.files("matcher").joinpath("weights.json").read_text("utf-8")
    return Weights.model_validate_json(text)


def current_weights() -> Weights:
    """The weights in the file MATCHER_WEIGHTS names, else the packaged default."""
    path = os.environ.get(WEIGHTS_ENV, "").strip()
    return Weights.load(Path(path)) if path else default_weights()
