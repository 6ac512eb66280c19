"""Applications: only journeys that can really happen are recorded."""

import pytest
from pydantic import ValidationError

from matcher.outcomes.applications import Application, ApplicationStep


def _app(*steps):
    return Application(
        candidate_id="c-1",
        vacancy_id="v-1",
        steps=[{"status": s, "on": d, **extra} for s, d, extra in steps],
    )


def test_a_journey_to_a_job():
    app = _app(
        ("proposed", "2026-01-05", {}),
        ("applied", "2026-01-06", {}),
        ("interview", "2026-01-12", {}),
        ("hired", "2026-01-20", {}),
    )
    assert app.status == "hired"
    assert str(app.reached("interview")) == "2026-01-12"
    assert app.reached("rejected") is None


@pytest.mark.parametrize(
    ("steps", "says"),
    [
        ([("applied", "2026-01-05", {})], "first step must be 'proposed'"),
        ([("proposed", "2026-01-05", {}), ("rejected", "2026-01-06", {})], "reason is required"),
        (
            [("proposed", "2026-01-05", {}), ("applied", "2026-01-06", {"reason": "language"})],
            "only for rejections",
        ),
        ([("proposed", "2026-01-05", {}), ("hired", "2026-01-04", {})], "before"),
        (
            [
                ("proposed", "2026-01-05", {}),
                ("interview", "2026-01-06", {}),
                ("applied", "2026-01-07", {}),
            ],
            "cannot go from 'interview' to 'applied'",
        ),
        (
            [
                ("proposed", "2026-01-05", {}),
                ("withdrawn", "2026-01-06", {}),
                ("applied", "2026-01-07", {}),
            ],
            "final",
        ),
    ],
)
def test_impossible_journeys_are_refused_with_the_reason(steps, says):
    with pytest.raises(ValidationError, match=says):
        _app(*steps)


def test_a_step_is_added_only_if_it_can_follow():
    app = _app(("proposed", "2026-01-05", {}))
    later = app.with_step(ApplicationStep(status="rejected", on="2026-01-09", reason="schedule"))
    assert later.status == "rejected" and app.status == "proposed"
    with pytest.raises(ValueError, match="final"):
        later.with_step(ApplicationStep(status="hired", on="2026-01-10"))
