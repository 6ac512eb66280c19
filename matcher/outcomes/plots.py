"""Figures for the coordinators' notebooks: tuning results and the programme's figures.

Each function returns a matplotlib `Figure` drawn without pyplot (so no GUI backend and no
global state: it renders with Agg, and a notebook shows it inline). Needs matplotlib, which
comes with the `dev` extra.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date

import numpy as np
from matplotlib.figure import Figure

from matcher.outcomes.programme import ProgrammeFigures
from matcher.outcomes.tuning import Comparison
from matcher.planning.barriers import BarrierStats
from matcher.weights import FEATURES, Weights

__all__ = [
    "barriers_plot",
    "comparison_plot",
    "funnel_plot",
    "hires_plot",
    "rejections_plot",
    "weights_plot",
]

_DEFAULT, _TUNED, _OTHER = "#8c8c8c", "#1f77b4", "#ff7f0e"


def comparison_plot(comparison: Comparison) -> Figure:
    """Default against tuned weights on held-out candidates: the mean, and each fold as a dot."""
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    k = comparison.k
    for ax, metric, title in zip(
        fig.subplots(1, 2),
        ("ndcg", "hit_rate"),
        (f"NDCG@{k}", f"hit rate@{k}"),
        strict=True,
    ):
        for x, (side, colour) in enumerate((("default", _DEFAULT), ("tuned", _TUNED))):
            values = comparison.folds[f"{side}_{metric}"].to_numpy()
            ax.bar(x, values.mean(), color=colour, width=0.6, label=side)
            ax.scatter(np.full(len(values), x), values, color="black", s=10, zorder=3)
            ax.annotate(f"{values.mean():.3f}", (x, values.mean()), ha="center", va="bottom")
        ax.set_xticks([0, 1], ["default", "tuned"])
        low = float(comparison.folds[[f"default_{metric}", f"tuned_{metric}"]].min().min())
        ax.set_ylim(max(0.0, low - 0.1), 1.02)
        ax.set_title(f"{title}, held-out candidates")
    fig.suptitle(f"{len(comparison.folds)}-fold cross-validation grouped by candidate")
    return fig


def weights_plot(weights: Mapping[str, Weights | Mapping[str, float]]) -> Figure:
    """Named sets of weights side by side, each normalised to sum 1."""
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(1, len(weights))
    colours = [_DEFAULT, _TUNED, _OTHER, "#2ca02c", "#d62728"]
    for n, (name, given) in enumerate(weights.items()):
        values = given.weights if isinstance(given, Weights) else given
        total = sum(values[f] for f in FEATURES) or 1.0
        heights = [values[f] / total for f in FEATURES]
        xs = np.arange(len(FEATURES)) + (n - (len(weights) - 1) / 2) * width
        ax.bar(xs, heights, width=width, label=name, color=colours[n % len(colours)])
    ax.set_xticks(np.arange(len(FEATURES)), list(FEATURES))
    ax.set_ylabel("share of the score")
    ax.legend()
    ax.set_title("Feature weights")
    return fig


def funnel_plot(figures: ProgrammeFigures) -> Figure:
    """People per stage now, and how many reached each stage or a later one."""
    stages = [s for s in figures.candidates_per_stage if s != "closed"]
    now = [figures.candidates_per_stage[s] for s in stages]
    reached = list(np.cumsum(now[::-1])[::-1])
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.subplots()
    ys = np.arange(len(stages))[::-1]
    ax.barh(ys, reached, color="#c6dbef", label="reached this stage or a later one")
    ax.barh(ys, now, color=_TUNED, height=0.5, label="in this stage now")
    for y, r, n in zip(ys, reached, now, strict=True):
        ax.annotate(
            f"{n} now / {r}", (r, y), va="center", xytext=(4, 0), textcoords="offset points"
        )
    ax.set_yticks(ys, stages)
    ax.set_xlim(0, max(reached) * 1.25 if reached else 1)
    ax.legend(loc="lower right")
    closed = figures.candidates_per_stage.get("closed", 0)
    ax.set_title(
        f"Candidates by stage on {figures.as_of}" + (f" ({closed} closed)" if closed else "")
    )
    return fig


def hires_plot(figures: ProgrammeFigures, *, start: date, months: int = 15) -> Figure:
    """Hires per month, and people placed so far against the target spread over the programme."""
    labels = [m.month for m in figures.per_month]
    hires = np.array([m.hires for m in figures.per_month])
    fig = Figure(figsize=(9, 3.8), layout="constrained")
    ax = fig.subplots()
    xs = np.arange(len(labels))
    ax.bar(xs, hires, color=_DEFAULT, label="hires in the month")
    ax.set_ylabel("hires per month")
    ax.set_xticks(xs, labels, rotation=60, ha="right", fontsize=8)
    total = ax.twinx()
    total.plot(xs, np.cumsum(hires), color=_TUNED, marker="o", label="hires so far")
    target = figures.placements.target_placed
    end = _months_later(start, months)
    line = [
        target * min(1.0, max(0.0, (_month_end(m) - start).days / (end - start).days))
        for m in labels
    ]
    total.plot(xs, line, color=_OTHER, linestyle="--", label=f"target: {target} by {end:%Y-%m}")
    total.set_ylabel("cumulative")
    total.set_ylim(0, max(target, int(np.cumsum(hires)[-1]) if len(hires) else 0) * 1.05)
    handles = ax.get_legend_handles_labels()
    more = total.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], loc="upper left")
    placed = figures.placements
    ax.set_title(
        f"Placements: {placed.placed} of {placed.target_placed} "
        f"({placed.share_of_target:.0%} of the target; {placed.target_people} people)"
    )
    return fig


def _months_later(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def _month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, calendar.monthrange(year, number)[1])


def rejections_plot(figures: ProgrammeFigures) -> Figure:
    """Rejections by reason, most frequent first."""
    reasons = sorted(figures.rejection_reasons.items(), key=lambda kv: -kv[1])
    fig = Figure(figsize=(8, 3.4), layout="constrained")
    ax = fig.subplots()
    ys = np.arange(len(reasons))[::-1]
    ax.barh(ys, [n for _, n in reasons], color=_TUNED)
    ax.set_yticks(ys, [r.replace("_", " ") for r, _ in reasons])
    ax.set_xlabel("rejections")
    ax.set_title("Why applications were rejected")
    return fig


def barriers_plot(stats: BarrierStats, *, top: int = 8) -> Figure:
    """For a group of people: how many each single change would help, most first."""
    ranked = [s for s in stats.ranked() if s.people > 0][:top]
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.subplots()
    ys = np.arange(len(ranked))[::-1]
    ax.barh(ys, [s.people for s in ranked], color=_TUNED, label="people it unblocks something for")
    ax.barh(ys, [s.best_for for s in ranked], color=_OTHER, height=0.5, label="their best change")
    ax.set_yticks(ys, [s.label() for s in ranked], fontsize=8)
    ax.set_xlabel(f"people (of {stats.candidates})")
    ax.legend(loc="lower right")
    ax.set_title("What would unblock the most vacancies")
    return fig
