"""Learning feature weights from outcomes: a scikit-learn estimator, and held-out comparisons."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from sklearn.base import BaseEstimator
from sklearn.metrics import ndcg_score
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted, validate_data

from matcher.outcomes.frames import FEATURE_COLUMNS
from matcher.weights import FEATURES, Weights, current_weights, default_weights

__all__ = [
    "Comparison",
    "Tuning",
    "WeightTuner",
    "compare_weights",
    "hit_rate_at_k",
    "mean_ndcg_at_k",
    "relevance",
    "save_tuned_weights",
    "training_data",
    "tune",
    "tuned_weights_path",
]

TUNED_WEIGHTS_ENV = "MATCHER_TUNED_WEIGHTS"
"""Where a notebook writes tuned weights; default var/weights.json in the repository."""
_UNDECIDED = ("proposed", "applied")
"""Applications still waiting for an answer: whether they lead to an interview is unknown."""


class WeightTuner(BaseEstimator):  # type: ignore[misc]
    """Non-negative feature weights, learned from outcomes by logistic regression.

    Fits P(positive) = sigmoid(X @ coef_ + intercept_) with `coef_ >= 0` (bounded L-BFGS-B,
    L2 penalty 1 / (2 C) on the mean log-loss scale), and normalises `coef_` to `weights_`
    that sum to 1: the engine's score is a weighted mean, so only the ratios matter, and a
    negative weight would reward a worse fit. Rows whose y is above the lowest y count as
    positive, so graded relevance (0 nothing, 1 interview, 2 hired) can be passed as is.

    With `groups` (one id per candidate), each feature is centred within its group before
    fitting: the weights then learn which of one person's vacancies worked out, not which
    people are easier to place, which is what ranking a shortlist needs.

    `decision_function` and `predict` give the weighted score `X @ weights_`; `score` is the
    mean NDCG@k over groups (see `mean_ndcg_at_k`).
    """

    def __init__(self, *, C: float = 1.0, k: int = 10, max_iter: int = 500) -> None:
        self.C = C
        self.k = k
        self.max_iter = max_iter

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.allow_nan = False
        return tags

    def fit(self, X: ArrayLike, y: ArrayLike, groups: ArrayLike | None = None) -> Self:
        """Learn the weights; X holds feature scores (columns in FEATURES order for Weights)."""
        if self.C <= 0:
            raise ValueError(f"C must be positive, not {self.C}")
        X_, y_ = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        target = np.asarray(y_, dtype=np.float64)
        positive = (target > target.min()).astype(np.float64)
        if not positive.any():
            raise ValueError(
                "y has one class only: learning weights needs at least two different "
                f"outcomes, all are {target[0]}"
            )
        if groups is not None:
            X_ = _centred(X_, np.asarray(groups))
        n, d = X_.shape
        penalty = 1.0 / (self.C * n)

        def loss(params: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            w, b = params[:d], params[d]
            z = X_ @ w + b
            value = float(np.mean(np.logaddexp(0.0, z) - positive * z) + 0.5 * penalty * w @ w)
            residual = (_sigmoid(z) - positive) / n
            return value, np.append(X_.T @ residual + penalty * w, residual.sum())

        start = np.append(np.ones(d), 0.0)
        bounds = [(0.0, None)] * d + [(None, None)]
        result = minimize(
            loss,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": self.max_iter},
        )
        self.coef_ = np.maximum(result.x[:d], 0.0)
        self.intercept_ = float(result.x[d])
        self.n_iter_ = int(result.nit)
        total = self.coef_.sum()
        # Nothing helps (every feature pushed to zero): no reason to prefer one, so equal weights.
        self.weights_ = self.coef_ / total if total > 0 else np.full(d, 1.0 / d)
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """The weighted score X @ weights_, higher is better."""
        check_is_fitted(self)
        X_ = validate_data(self, X, reset=False, dtype=np.float64)
        result: NDArray[np.float64] = X_ @ self.weights_
        return result

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """The same weighted score: what a shortlist would rank by."""
        return self.decision_function(X)

    def score(self, X: ArrayLike, y: ArrayLike, groups: ArrayLike | None = None) -> float:
        """Mean NDCG@k of the weighted score, over groups (one group when none are given)."""
        return mean_ndcg_at_k(y, self.decision_function(X), groups, k=self.k)

    def to_weights(self, version: int, note: str | None = None) -> Weights:
        """The learned weights as a new version for the engine (needs the four feature columns)."""
        check_is_fitted(self)
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            order = {str(c): i for i, c in enumerate(names)}
            if sorted(order) != sorted(FEATURE_COLUMNS):
                raise ValueError(f"fitted on {list(order)}, not on {list(FEATURE_COLUMNS)}")
            values = [float(self.weights_[order[c]]) for c in FEATURE_COLUMNS]
        elif self.n_features_in_ == len(FEATURES):
            values = [float(v) for v in self.weights_]
        else:
            raise ValueError(f"fitted on {self.n_features_in_} columns, not {len(FEATURES)}")
        rounded = {f: round(v, 4) for f, v in zip(FEATURES, values, strict=True)}
        return Weights(version=version, weights=rounded, note=note)


def _sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    result: NDArray[np.float64] = 0.5 * (1.0 + np.tanh(0.5 * z))
    return result


def _centred(X: NDArray[np.float64], groups: NDArray[Any]) -> NDArray[np.float64]:
    if len(groups) != len(X):
        raise ValueError(f"groups has {len(groups)} entries for {len(X)} rows")
    _, codes = np.unique(groups, return_inverse=True)
    sums = np.zeros((codes.max() + 1, X.shape[1]))
    np.add.at(sums, codes, X)
    means = sums / np.bincount(codes)[:, None]
    result: NDArray[np.float64] = X - means[codes]
    return result


def _ranked_groups(
    y: ArrayLike, y_score: ArrayLike, groups: ArrayLike | None
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """(relevance, score) per group that can be ranked: two rows or more, something relevant."""
    rel = np.asarray(y, dtype=np.float64)
    score = np.asarray(y_score, dtype=np.float64)
    if rel.shape != score.shape or rel.ndim != 1:
        raise ValueError(f"y and y_score must be 1-d and alike, not {rel.shape}, {score.shape}")
    if (rel < 0).any():
        raise ValueError("relevance must not be negative")
    keys = np.zeros(len(rel)) if groups is None else np.asarray(groups)
    _, codes = np.unique(keys, return_inverse=True)
    out = []
    for g in range(codes.max() + 1 if len(codes) else 0):
        rows = np.flatnonzero(codes == g)
        if len(rows) >= 2 and rel[rows].sum() > 0:
            out.append((rel[rows], score[rows]))
    return out


def mean_ndcg_at_k(
    y: ArrayLike, y_score: ArrayLike, groups: ArrayLike | None = None, *, k: int = 10
) -> float:
    """NDCG@k of y_score against relevance y, averaged over groups (candidates).

    Groups with a single row or nothing relevant say nothing about the order and are left out;
    NaN if no group is left. Ties in y_score are averaged (sklearn's ndcg_score default).
    """
    scored = [
        float(ndcg_score(rel[None, :], score[None, :], k=k))
        for rel, score in _ranked_groups(y, y_score, groups)
    ]
    return float(np.mean(scored)) if scored else float("nan")


def hit_rate_at_k(
    y: ArrayLike, y_score: ArrayLike, groups: ArrayLike | None = None, *, k: int = 10
) -> float:
    """Share of groups whose k best-scored rows hold something relevant (same groups as NDCG).

    Ties at the cut are counted pessimistically: a row tied with the k-th counts only if all
    tied rows fit. A group with k rows or fewer is always a hit.
    """
    hits = []
    for rel, score in _ranked_groups(y, y_score, groups):
        order = np.lexsort((rel, -score))  # among equal scores, irrelevant rows first
        hits.append(bool(rel[order[:k]].max() > 0))
    return float(np.mean(hits)) if hits else float("nan")


def relevance(frame: pd.DataFrame) -> NDArray[np.float64]:
    """Graded relevance of applications: 2 hired, 1 interview, 0 otherwise."""
    result: NDArray[np.float64] = frame["interviewed"].to_numpy(np.float64) + frame[
        "hired"
    ].to_numpy(np.float64)
    return result


def training_data(
    frame: pd.DataFrame,
) -> tuple[pd.DataFrame, NDArray[np.float64], NDArray[Any]]:
    """X (feature score columns), y (graded relevance) and groups (candidate ids) from an
    application frame, leaving out applications still waiting for an answer."""
    decided = frame[~frame["status"].isin(_UNDECIDED)]
    X = decided[list(FEATURE_COLUMNS)].astype(np.float64)
    return X, relevance(decided), decided["candidate_id"].to_numpy()


@dataclass(frozen=True)
class Comparison:
    """Default against tuned weights on held-out candidates, fold by fold and overall."""

    folds: pd.DataFrame
    """One row per fold: candidates ranked, default/tuned NDCG@k and hit rate@k."""
    weights: pd.DataFrame
    """One row per fold: the tuned weights learned on the other folds."""
    k: int
    people: pd.DataFrame | None = None
    """One row per held-out person who can be ranked (two decided applications or more, one
    relevant): candidate_id, fold, default_ndcg, tuned_ndcg."""

    def summary(self) -> pd.DataFrame:
        """Mean over the folds, default and tuned side by side, with the gain."""
        rows = {}
        for metric in ("ndcg", "hit_rate"):
            default = float(self.folds[f"default_{metric}"].mean())
            tuned = float(self.folds[f"tuned_{metric}"].mean())
            rows[f"{metric}@{self.k}"] = {
                "default": default,
                "tuned": tuned,
                "gain": tuned - default,
            }
        return pd.DataFrame(rows).T

    @property
    def ndcg_gain(self) -> float:
        return float((self.folds["tuned_ndcg"] - self.folds["default_ndcg"]).mean())


def compare_weights(
    frame: pd.DataFrame,
    *,
    baseline: Weights | None = None,
    tuner: WeightTuner | None = None,
    n_splits: int = 5,
    k: int = 10,
) -> Comparison:
    """Grouped cross-validation by candidate: tune on some people, rank the others' applications
    with the baseline (default) weights and with the tuned ones, and score both.

    GroupKFold keeps each person's applications in one fold, so nobody is on both sides.
    """
    baseline = baseline or default_weights()
    base = np.array([baseline.weights[f] for f in FEATURES], dtype=np.float64)
    base /= base.sum()
    X, y, groups = training_data(frame)
    X_ = X.to_numpy()
    n_groups = len(set(groups))
    if n_groups < 2:
        raise ValueError(f"cross-validation needs two people or more, not {n_groups}")
    folds, weights, people = [], [], []
    splits = GroupKFold(n_splits=min(n_splits, n_groups)).split(X_, y, groups)
    for fold, (train, test) in enumerate(splits):
        model = WeightTuner(**(tuner.get_params() if tuner else {}))
        model.fit(X.iloc[train], y[train], groups=groups[train])
        tuned = model.decision_function(X.iloc[test])
        default = X_[test] @ base
        yt, gt = y[test], groups[test]
        folds.append(
            {
                "fold": fold,
                "candidates": len(_ranked_groups(yt, default, gt)),
                "default_ndcg": mean_ndcg_at_k(yt, default, gt, k=k),
                "tuned_ndcg": mean_ndcg_at_k(yt, tuned, gt, k=k),
                "default_hit_rate": hit_rate_at_k(yt, default, gt, k=k),
                "tuned_hit_rate": hit_rate_at_k(yt, tuned, gt, k=k),
            }
        )
        weights.append(dict(zip(FEATURES, model.weights_.tolist(), strict=True)))
        before, after = _ndcg_per_group(yt, default, gt, k), _ndcg_per_group(yt, tuned, gt, k)
        people += [
            {"candidate_id": g, "fold": fold, "default_ndcg": before[g], "tuned_ndcg": after[g]}
            for g in before
        ]
    columns = ["candidate_id", "fold", "default_ndcg", "tuned_ndcg"]
    return Comparison(
        folds=pd.DataFrame(folds),
        weights=pd.DataFrame(weights),
        k=k,
        people=pd.DataFrame(people, columns=columns),
    )


def _ndcg_per_group(
    y: NDArray[np.float64], y_score: NDArray[np.float64], groups: NDArray[Any], k: int
) -> dict[Any, float]:
    """NDCG@k of each group that can be ranked (as in mean_ndcg_at_k), by group id."""
    result = {}
    for g in dict.fromkeys(groups.tolist()):
        rows = groups == g
        rel, score = y[rows], y_score[rows]
        if len(rel) >= 2 and rel.sum() > 0:
            result[g] = float(ndcg_score(rel[None, :], score[None, :], k=k))
    return result


MIN_PEOPLE = 30
"""People with two decided proposals or more, one of them relevant, needed before tuned weights
can be judged against the current ones (fewer: five folds of a handful each say nothing)."""
MIN_GAIN = 0.01
"""The NDCG@k gain on held-out people below which new weights are not worth a new version."""
_ONE_SIDED_95 = 1.645


@dataclass(frozen=True)
class Tuning:
    """Whether tuned weights beat the current ones on people they did not learn from, and why."""

    current: Weights
    better: bool
    """Send `tuned` as the next version only when this is true."""
    message: str
    """In plain words: what was compared, what came out, and what to do."""
    decided: int
    """Decided applications (an answer is known) learnt from."""
    people: int
    """People whose decided applications can be ranked (two or more, one relevant)."""
    tuned: Weights | None = None
    """Learnt on everyone, numbered as the version after `current`; None if nothing could be
    learnt."""
    comparison: Comparison | None = None
    gain: float | None = None
    """Mean NDCG@k gain over held-out people."""
    lower: float | None = None
    """One-sided 95% lower bound of that gain."""

    @property
    def note(self) -> str:
        """What the weights' note says about where they came from."""
        if self.gain is None:
            return self.message
        return (
            f"Tuned on {self.decided} decided applications of {self.people} people: NDCG@10 on"
            f" held-out candidates {self.gain:+.3f} (95% lower bound {self.lower:+.3f}) against"
            f" version {self.current.version}."
        )


def tune(
    frame: pd.DataFrame,
    *,
    current: Weights,
    tuner: WeightTuner | None = None,
    n_splits: int = 5,
    k: int = 10,
    min_people: int = MIN_PEOPLE,
    min_gain: float = MIN_GAIN,
) -> Tuning:
    """Learn weights from an application frame and decide whether they should replace `current`.

    They should only if, on people held out of the learning (cross-validation grouped by
    person), they rank the applications that led somewhere higher than `current` does, clearly:
    the mean gain in NDCG@k is at least `min_gain` and its one-sided 95% lower bound (paired
    over people) above zero. A thin history (fewer than `min_people` people who can be ranked)
    is too little to tell, and says so.
    """
    X, y, groups = training_data(frame)
    rankable = len(_ranked_groups(y, np.zeros(len(y)), groups))
    keep = f"Keeping version {current.version}."
    verdict = partial(Tuning, current=current, decided=len(X), people=rankable)
    if rankable < min_people:
        return verdict(
            better=False,
            message=(
                f"Too little history to beat version {current.version} yet: {rankable} people"
                f" have two or more decided proposals with an interview or a hire among them"
                f" ({len(X)} decided proposals in all); at least {min_people} are needed to judge"
                f" weights on people the tuning did not learn from. {keep}"
            ),
        )
    try:
        comparison = compare_weights(frame, baseline=current, tuner=tuner, n_splits=n_splits, k=k)
        model = WeightTuner(**(tuner.get_params() if tuner else {}))
        tuned = model.fit(X, y, groups=groups).to_weights(current.version + 1)
    except ValueError as problem:  # e.g. a fold with one outcome only
        return verdict(better=False, message=f"Too little history to tune on: {problem}. {keep}")
    assert comparison.people is not None
    gains = (comparison.people["tuned_ndcg"] - comparison.people["default_ndcg"]).to_numpy()
    gain = float(gains.mean())
    spread = float(gains.std(ddof=1)) if len(gains) > 1 else float("inf")
    lower = gain - _ONE_SIDED_95 * spread / np.sqrt(len(gains))
    better = gain >= min_gain and lower > 0
    measured = (
        f"NDCG@{k} {gain:+.3f} on average (95% lower bound {lower:+.3f}) over {len(gains)}"
        f" held-out people"
    )
    message = (
        f"The tuned weights rank held-out people's applications better than version"
        f" {current.version}: {measured}. Send them as version {current.version + 1}."
        if better
        else f"The tuned weights do not clearly beat version {current.version}: {measured};"
        f" a new version needs at least {min_gain:+.3f} with a lower bound above zero. {keep}"
    )
    return verdict(
        better=better,
        message=message,
        tuned=tuned.model_copy(update={"note": None}),
        comparison=comparison,
        gain=gain,
        lower=lower,
    )


def tuned_weights_path() -> Path:
    """MATCHER_TUNED_WEIGHTS, else var/weights.json under the repository (the nearest folder
    up from here with a pyproject.toml: notebooks run inside notebooks/), else here."""
    given = os.environ.get(TUNED_WEIGHTS_ENV, "").strip()
    if given:
        return Path(given)
    here = Path.cwd()
    root = next((p for p in (here, *here.parents) if (p / "pyproject.toml").is_file()), here)
    return root / "var" / "weights.json"


def save_tuned_weights(
    tuner: WeightTuner,
    *,
    note: str,
    current: Weights | None = None,
    path: Path | None = None,
) -> tuple[Weights, Path]:
    """The tuner's weights as the next version after `current` (default: the weights in use,
    see matcher.weights.current_weights), written to `path` (default: tuned_weights_path())."""
    current = current or current_weights()
    path = path or tuned_weights_path()
    tuned = tuner.to_weights(current.version + 1, note)
    path.parent.mkdir(parents=True, exist_ok=True)
    tuned.save(path)
    return tuned, path
