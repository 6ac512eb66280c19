"""Weight tuning on the simulated history: default vs tuned weights on held-out candidates."""

from __future__ import annotations

import time

from matcher.outcomes.frames import application_frame
from matcher.outcomes.history import load_history
from matcher.outcomes.tuning import WeightTuner, compare_weights, training_data
from matcher.weights import default_weights


def run(rows: list[tuple[str, str]]) -> None:
    t0 = time.perf_counter()
    frame = application_frame(load_history().applications)
    rows.append(
        (
            f"load history, application frame ({len(frame):,} applications)",
            f"{(time.perf_counter() - t0) * 1000:.0f} ms",
        )
    )
    X, y, groups = training_data(frame)
    t0 = time.perf_counter()
    tuner = WeightTuner().fit(X, y, groups=groups)
    rows.append((f"fit WeightTuner ({len(X):,} decided applications)", _ms(t0)))
    t0 = time.perf_counter()
    comparison = compare_weights(frame, n_splits=5, k=10)
    rows.append(("5-fold grouped CV (fit + rank held-out candidates)", _ms(t0)))
    summary = comparison.summary()
    people = int(comparison.folds["candidates"].sum())
    for metric in ("ndcg@10", "hit_rate@10"):
        d, t, g = summary.loc[metric, ["default", "tuned", "gain"]]
        rows.append(
            (
                f"{metric} on {people} held-out candidates: default / tuned",
                f"{d:.3f} / {t:.3f} ({g:+.3f})",
            )
        )
    learned = tuner.to_weights(2).weights
    default = default_weights().weights
    rows.append(
        (
            "weights default -> tuned (skills, language, commute, childcare)",
            " ".join(f"{default[f]:.2f}->{w:.2f}" for f, w in learned.items()),
        )
    )


def _ms(t0: float) -> str:
    return f"{(time.perf_counter() - t0) * 1000:.0f} ms"
