"""Feature scores as pandas DataFrames: for (candidate, vacancy) pairs, or recorded applications."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from matcher.engine import Engine, Scores
from matcher.models import Candidate, Vacancy
from matcher.outcomes.applications import Application
from matcher.weights import FEATURES

__all__ = [
    "APPLICATION_COLUMNS",
    "FEATURE_COLUMNS",
    "application_frame",
    "feature_frame",
]

FEATURE_COLUMNS: tuple[str, ...] = tuple(f"{f}_score" for f in FEATURES)
"""The feature score columns, in the order of matcher.weights.FEATURES."""
BLOCKING_COLUMNS: tuple[str, ...] = tuple(f"{f}_blocking" for f in FEATURES)
PAIR_COLUMNS: tuple[str, ...] = (
    "candidate_id",
    "vacancy_id",
    "score",
    "blocked",
    *(c for f in FEATURES for c in (f"{f}_score", f"{f}_blocking")),
)
APPLICATION_COLUMNS: tuple[str, ...] = (
    "application_id",
    *PAIR_COLUMNS,
    "weights_version",
    "from_snapshot",
    "jobhunter",
    "status",
    "reason",
    "proposed_on",
    "interviewed",
    "hired",
)
_BATCH_ROWS = 256
"""Candidates scored per engine call, which keeps the (candidates, shifts) arrays small."""


def feature_frame(
    engine: Engine,
    candidates: Sequence[Candidate],
    vacancies: Sequence[Vacancy] | None = None,
) -> pd.DataFrame:
    """One row per (candidate, vacancy) pair: the combined score and every feature's score and
    blocking flag, scored with the engine's weights, candidate by candidate in vacancy order.

    `vacancies` defaults to the engine's fitted (open) vacancies. Others are scored as if open,
    with the engine's weights, travel model and vocabulary (a refit, for closed ones too).
    """
    if vacancies is not None:
        engine = _engine_for(engine, vacancies)
    vacancy_ids = np.array([v.id for v in engine.vacancies_], dtype=object)
    parts = [
        _pairs(engine.score(batch), [c.id for c in batch], vacancy_ids)
        for batch in _batches(candidates, _BATCH_ROWS)
    ]
    if not parts:
        return _empty(PAIR_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def application_frame(
    applications: Iterable[Application],
    *,
    engine: Engine | None = None,
    candidates: Sequence[Candidate] = (),
    vacancies: Sequence[Vacancy] = (),
) -> pd.DataFrame:
    """One row per recorded application: its feature scores and its outcome.

    Scores come from the application's snapshot (what the shortlist showed when it was
    proposed); applications without one are scored now with `engine`, which then needs the
    `candidates` and `vacancies` they name. Snapshots keep no per-feature blocking flags: those
    columns are NA unless an engine is given, which then fills them for every row.

    Outcome columns: `status` (the last step), `reason` (of a rejection), `proposed_on`,
    `interviewed` (reached an interview, or was hired) and `hired`.
    """
    apps = list(applications)
    if not apps:
        return _empty(APPLICATION_COLUMNS)
    rows = {
        "application_id": [a.id for a in apps],
        "candidate_id": [a.candidate_id for a in apps],
        "vacancy_id": [a.vacancy_id for a in apps],
        "jobhunter": [a.jobhunter for a in apps],
        "status": [a.status for a in apps],
        "reason": [a.steps[-1].reason for a in apps],
        "proposed_on": pd.to_datetime([a.proposed_on for a in apps]),
        "interviewed": [
            a.reached("interview") is not None or a.reached("hired") is not None for a in apps
        ],
        "hired": [a.reached("hired") is not None for a in apps],
    }
    frame = pd.DataFrame(rows)
    frame["from_snapshot"] = [a.snapshot is not None for a in apps]
    frame["weights_version"] = pd.array(
        [a.snapshot.weights_version if a.snapshot else None for a in apps], dtype="Int64"
    )
    frame["score"] = [a.snapshot.score if a.snapshot else np.nan for a in apps]
    frame["blocked"] = pd.array(
        [a.snapshot.blocked if a.snapshot else None for a in apps], dtype="boolean"
    )
    for name in FEATURES:
        frame[f"{name}_score"] = [
            a.snapshot.features.get(name, np.nan) if a.snapshot else np.nan for a in apps
        ]
        frame[f"{name}_blocking"] = pd.array([None] * len(apps), dtype="boolean")
    missing = ~frame["from_snapshot"]
    if engine is None:
        if missing.any():
            raise ValueError(
                f"{int(missing.sum())} applications have no snapshot (first: "
                f"{frame.loc[missing, 'application_id'].iloc[0]}); pass an engine, candidates "
                "and vacancies to score them"
            )
    else:
        _score_with(frame, engine, candidates, vacancies, missing.to_numpy())
    return frame[list(APPLICATION_COLUMNS)]


def _score_with(
    frame: pd.DataFrame,
    engine: Engine,
    candidates: Sequence[Candidate],
    vacancies: Sequence[Vacancy],
    missing: np.ndarray,
) -> None:
    """Fill the blocking flags of every row, and the scores of rows without a snapshot."""
    by_candidate = {c.id: c for c in candidates}
    by_vacancy = {v.id: v for v in vacancies}
    unknown = sorted(set(frame["candidate_id"]) - set(by_candidate)) + sorted(
        set(frame["vacancy_id"]) - set(by_vacancy)
    )
    if unknown:
        raise ValueError(f"applications name unknown candidates or vacancies: {unknown[:5]}")
    wanted_v = [by_vacancy[v] for v in dict.fromkeys(frame["vacancy_id"])]
    wanted_c = [by_candidate[c] for c in dict.fromkeys(frame["candidate_id"])]
    pairs = feature_frame(engine, wanted_c, wanted_v).set_index(["candidate_id", "vacancy_id"])
    found = pairs.loc[pd.MultiIndex.from_frame(frame[["candidate_id", "vacancy_id"]])]
    for name in FEATURES:
        frame[f"{name}_blocking"] = pd.array(found[f"{name}_blocking"].to_numpy(), dtype="boolean")
    if missing.any():
        for column in ("score", *FEATURE_COLUMNS):
            frame.loc[missing, column] = found[column].to_numpy()[missing]
        frame.loc[missing, "blocked"] = found["blocked"].to_numpy()[missing]
        frame.loc[missing, "weights_version"] = engine.weights.version


def _engine_for(engine: Engine, vacancies: Sequence[Vacancy]) -> Engine:
    """The engine itself when it was fitted on exactly these vacancies, else a refit."""
    fitted = [v.id for v in engine.vacancies_]
    if [v.id for v in vacancies] == fitted:
        return engine
    return Engine(engine.weights, travel=engine.travel, vocabulary=engine.vocabulary).fit(
        [v.model_copy(update={"status": "open"}) for v in vacancies]
    )


def _pairs(
    scores: Scores, candidate_ids: Sequence[str | None], vacancy_ids: np.ndarray
) -> pd.DataFrame:
    n_c, n_v = scores.score.shape
    columns: dict[str, object] = {
        "candidate_id": np.repeat(np.array(candidate_ids, dtype=object), n_v),
        "vacancy_id": np.tile(vacancy_ids, n_c),
        "score": scores.score.ravel(),
        "blocked": scores.blocked.ravel(),
    }
    for name in FEATURES:
        columns[f"{name}_score"] = scores.features[name].score.ravel()
        columns[f"{name}_blocking"] = scores.features[name].blocking.ravel()
    return pd.DataFrame(columns)


def _batches(items: Sequence[Candidate], size: int) -> list[Sequence[Candidate]]:
    return [items[at : at + size] for at in range(0, len(items), size)]


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
