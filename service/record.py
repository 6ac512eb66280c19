"""What the programme's record does to a shortlist: pairs already under way or ended are left
out, or listed marked with what happened when asked, so a jobhunter never proposes blind."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from matcher.engine import Engine, Shortlist
from matcher.models import Candidate
from matcher.outcomes.applications import OPEN_STATUSES, PairHistory
from matcher.outcomes.programme import NOT_LOOKING
from matcher.planning.planner import UnderWay
from matcher.reasons import DEFAULT_LANGUAGE, Language, Reason
from service import store
from service.settings import Settings


@dataclass(frozen=True)
class RecordView:
    """The histories of one side's pairs (by the other side's id), as of today."""

    histories: Mapping[str, PairHistory] = field(default_factory=dict)
    include_history: bool = False

    @property
    def withhold(self) -> frozenset[str]:
        """The ids to leave out: every pair with an application in progress or ended (but a
        rejection past its expiry), unless history is asked for."""
        if self.include_history:
            return frozenset()
        return frozenset(ident for ident, h in self.histories.items() if h.withholds)

    def mark(self, body: dict[str, Any], *, id_field: str) -> dict[str, Any]:
        """The shortlist body with each line's `history` (null when the pair has none)."""
        for line in [*body["results"], *(body.get("near_misses") or [])]:
            known = self.histories.get(line[id_field])
            line["history"] = None if known is None else known.model_dump(mode="json")
        return body


def _as_of(histories: Mapping[str, PairHistory], settings: Settings) -> dict[str, PairHistory]:
    today = date.today()
    months = settings.rejection_expires_months
    return {k: h.as_of(today, rejection_expires_months=months) for k, h in histories.items()}


def candidate_view(
    session: Session, settings: Settings, *, candidate_id: str, include_history: bool
) -> RecordView:
    """Per vacancy, what already happened between this person and it."""
    found = store.pair_histories_of(session, candidate_id=candidate_id)
    return RecordView(_as_of(found, settings), include_history)


def vacancy_view(
    session: Session, settings: Settings, *, vacancy_id: str, include_history: bool
) -> RecordView:
    """Per person, what already happened between them and this vacancy."""
    found = store.vacancy_histories(session, vacancy_id=vacancy_id)
    return RecordView(_as_of(found, settings), include_history)


def expiry_day(settings: Settings) -> date | None:
    """What a cached shortlist's marks depend on besides the record: today, when rejections
    expire (the same record reads differently tomorrow)."""
    return date.today() if settings.rejection_expires_months is not None else None


def not_looking(stage: str, candidate_id: str) -> Reason | None:
    """Why this person gets no shortlist unless asked explicitly (None if they are looking)."""
    if stage not in NOT_LOOKING:
        return None
    return Reason("not_looking", {"candidate_id": candidate_id, "stage": stage})


def rank_for(
    engine: Engine,
    candidate: Candidate,
    view: RecordView,
    *,
    top: int,
    include_blocked: bool,
    any_stage: bool,
    language: Language = DEFAULT_LANGUAGE,
) -> tuple[Shortlist, dict[str, Any]]:
    """A person's shortlist as the API answers it (the CLI prints the same): nothing for someone
    not looking unless `any_stage`, the pairs their record has left out or marked, their stage."""
    why_not = None if any_stage else not_looking(candidate.stage, str(candidate.id))
    if why_not is not None:
        shortlist = Shortlist(engine.weights.version, [], candidate_id=candidate.id)
    else:
        shortlist = engine.shortlist(
            candidate, top=top, include_blocked=include_blocked, withhold=view.withhold
        )
    body = view.mark(shortlist.as_dict(language), id_field="vacancy_id")
    body["stage"] = candidate.stage
    body["withheld"] = None if why_not is None else why_not.render(language)
    body["left_out"] = len(engine.columns_of(view.withhold)) if view.withhold else 0
    return shortlist, body


def under_way(session: Session) -> UnderWay:
    """What a plan must count from the record: every pair with an application, the proposals in
    progress per person and per vacancy, and the hires per vacancy."""
    pairs: dict[str, set[str]] = {}
    by_person: Counter[str] = Counter()
    by_vacancy: Counter[str] = Counter()
    hired: Counter[str] = Counter()
    for application in store.applications(session):
        pairs.setdefault(application.candidate_id, set()).add(application.vacancy_id)
        if application.status in OPEN_STATUSES:
            by_person[application.candidate_id] += 1
            by_vacancy[application.vacancy_id] += 1
        elif application.status == "hired":
            hired[application.vacancy_id] += 1
    return UnderWay(
        pairs={who: frozenset(v) for who, v in pairs.items()},
        open_by_candidate=dict(by_person),
        open_by_vacancy=dict(by_vacancy),
        hired_by_vacancy=dict(hired),
    )
