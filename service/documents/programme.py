"""The programme's figures as a workbook for funders: people per stage, proposals, interviews
and hires per month, and the placements against the target, one sheet each."""

from __future__ import annotations

import calendar
from datetime import date

from matcher.outcomes.programme import ProgrammeFigures
from matcher.reasons import Language, translator
from service.documents.sheets import workbook
from service.documents.tables import Value, stage_word


def _month_end(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


def _target_line(figures: ProgrammeFigures, month: str) -> float | None:
    """Placements a straight line from nobody at the start to the target at the end reaches by
    the month's last day (None without a programme span), as GET /stats's pace draws it."""
    pace = figures.pace
    if pace is None or pace.days_total <= 0:
        return None
    elapsed = (_month_end(month) - pace.starts_on).days
    share = min(1.0, max(0.0, elapsed / pace.days_total))
    return round(figures.placements.target_placed * share, 1)


def programme_workbook(figures: ProgrammeFigures, language: Language) -> bytes:
    """GET /stats's figures, one sheet each, headers in the reader's language."""
    t = translator(language)
    month = t.text("document.programme.month")
    count = t.text("document.programme.count")
    stages: list[list[Value]] = [
        [stage_word(language, stage), people]
        for stage, people in figures.candidates_per_stage.items()
    ]
    per_month = {
        kind: [[m.month, getattr(m, kind)] for m in figures.per_month]
        for kind in ("proposals", "interviews")
    }
    hires: list[list[Value]] = []
    so_far = 0
    for m in figures.per_month:
        so_far += m.hires
        hires.append([m.month, m.hires, so_far, _target_line(figures, m.month)])
    placements, pace = figures.placements, figures.pace
    target: list[list[Value]] = [
        [t.text("document.programme.as_of"), figures.as_of.isoformat()],
        [t.text("document.programme.placed"), placements.placed],
        [t.text("document.programme.target_placed"), placements.target_placed],
        [t.text("document.programme.share"), round(placements.share_of_target, 4)],
        [t.text("document.programme.people_now"), placements.people],
        [t.text("document.programme.target_people"), placements.target_people],
    ]
    if pace is not None:
        target += [
            [
                t.text("document.programme.span"),
                f"{pace.starts_on.isoformat()} – {pace.ends_on.isoformat()}",
            ],
            [t.text("document.programme.expected"), round(pace.expected_by_now, 1)],
            [
                t.text("document.programme.projected"),
                None if pace.projected_at_end is None else round(pace.projected_at_end, 1),
            ],
        ]
    return workbook(
        [
            (
                t.text("document.programme.stages"),
                [t.text("document.column.stage"), t.text("document.programme.people")],
                stages,
            ),
            (t.text("document.programme.proposals"), [month, count], per_month["proposals"]),
            (t.text("document.programme.interviews"), [month, count], per_month["interviews"]),
            (
                t.text("document.programme.hires"),
                [
                    month,
                    count,
                    t.text("document.programme.placed_so_far"),
                    t.text("document.programme.target_line"),
                ],
                hires,
            ),
            (
                t.text("document.programme.target"),
                [t.text("document.programme.figure"), t.text("document.programme.value")],
                target,
            ),
        ]
    )
