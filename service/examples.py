"""Examples for the OpenAPI docs: requests, and the service's answers to them, from the fixtures.

Every example comes from the synthetic fixtures (fixtures/*.json), never from the database,
which holds real people. The answers are what the service computes for the fixtures' records
with the same functions its routes call (the engine, fitted on the fixtures' vacancies with the
default weights, as a fresh database is; the planner; the programme's figures), shaped by the
routes' own response models; only what a fresh database would stamp itself (key ids and the
times of writes) is made up. `service.docs` adds them to the OpenAPI document when it is first
built, so start-up does not pay for them. The merge patches and steps, written by hand, are
here too, as the routes' `openapi_examples`.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.openapi.models import Example
from pydantic import BaseModel

from matcher import (
    BarrierStats,
    Candidate,
    Engine,
    Vacancy,
    analyse_barriers,
    barrier_stats,
    default_weights,
)
from matcher.fixtures import load_candidates, load_vacancies
from matcher.outcomes.applications import OPEN_STATUSES, Application, pair_histories
from matcher.outcomes.history import History, load_history
from matcher.outcomes.programme import (
    Programme,
    follow_up_due,
    needs_attention,
    programme_figures,
)
from matcher.planning.planner import UnderWay
from service.catalog import Catalog
from service.patch import patched
from service.record import RecordView, rank_for
from service.schemas import (
    ApplicationOut,
    CandidatePage,
    Employer,
    EmployerApplication,
    FollowUpDue,
    Health,
    KeyOut,
    NewKey,
    VacancyPage,
    WeightsOut,
)
from service.settings import Settings
from service.store import KEY_PREFIX, FollowUpRecord, Principal

Examples = dict[str, Example]

_MOVE_ON: dict[str, Any] = {"stage": "ready", "coach": "Sara"}
_CLOSE: dict[str, Any] = {"status": "closed"}
CANDIDATE_PATCHES: Examples = {
    "move_on": Example(summary="A new stage and coach", value=_MOVE_ON),
    "languages": Example(
        summary="Dutch learnt (objects merge: the other languages stay)",
        value={"languages": {"nl": "A2"}},
    ),
}
VACANCY_PATCHES: Examples = {
    "close": Example(summary="Take it out of shortlists", value=_CLOSE),
    "more_hands": Example(summary="Two more positions", value={"positions": 3}),
}
STEPS: Examples = {
    "interview": Example(
        summary="Invited to an interview", value={"status": "interview", "on": "2026-02-03"}
    ),
    "rejected": Example(
        summary="Rejected, with the reason and a debrief",
        value={
            "status": "rejected",
            "on": "2026-02-10",
            "reason": "language",
            "note": "Employer wants more Dutch on the floor; retry after the A2 course.",
        },
    ),
    "hired": Example(summary="Hired", value={"status": "hired", "on": "2026-02-15"}),
    "today": Example(summary="Applied, today", value={"status": "applied"}),
}


@dataclass(frozen=True)
class Shown:
    """One operation's examples: of its request body (if it has one) and of its answer."""

    answer: Examples
    request: Examples | None = None


def add_examples(document: dict[str, Any]) -> None:
    """Put every operation's examples into the built OpenAPI document, where FastAPI would: in
    the request body's and the success response's media types, nulls kept."""
    for (method, path), shown in documented().items():
        operation = document["paths"][path][method.lower()]
        if shown.request is not None:
            for media in operation["requestBody"]["content"].values():
                media["examples"] = shown.request
        status = next(code for code in operation["responses"] if code.startswith("2"))
        if shown.answer:  # a 204 has no body to show
            operation["responses"][status]["content"]["application/json"]["examples"] = shown.answer


@cache
def documented() -> dict[tuple[str, str], Shown]:
    """(method, path) to its examples; computed once (about a second, on the first build)."""
    return _Documented(_Fixtures()).operations()


def _example(summary: str, value: Any, *, asked: str | None = None) -> Example:
    """An answer, as FastAPI writes it (JSON types, nulls kept); `asked` names the request that
    a fresh database with the fixtures answers with exactly this (the tests ask it)."""
    shown = Example(summary=summary, value=jsonable_encoder(value))
    if asked is not None:
        shown["description"] = f"What `{asked}` answers on a fresh database (the fixtures)."
    return shown


def _body(model: BaseModel) -> dict[str, Any]:
    """A fixture as a client would post it: no id (the server assigns one), no empty fields."""
    data: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, exclude={"id"})
    return data


def _stamped(day: date, minutes: int = 0) -> datetime:
    """When a write on `day` happened: made up, as a database stamps its own writes."""
    return datetime.combine(day, time(9, 30), tzinfo=UTC) + timedelta(minutes=minutes)


def _made_up(seed: str, length: int, *, hex_only: bool = False) -> str:
    """A stable stand-in for a random token: hex as ids are, or URL-safe base64 as keys are."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest() * 2
    if hex_only:
        return digest.hex()[:length]
    return base64.urlsafe_b64encode(digest).decode("ascii")[:length]


class _Fixtures:
    """The fixtures' people, vacancies and history, and the records the examples show."""

    def __init__(self) -> None:
        self.people = sorted(load_candidates(), key=lambda c: str(c.id))
        self.jobs = sorted(load_vacancies(), key=lambda v: str(v.id))
        self.history: History = load_history()
        self.today = self.history.reference_date
        self.applications = sorted(self.history.applications, key=lambda a: str(a.id))
        self.by_person = _grouped(self.applications, lambda a: a.candidate_id)
        self.by_job = _grouped(self.applications, lambda a: a.vacancy_id)
        self.job = {str(v.id): v for v in self.jobs}
        self.ready = [c for c in self.people if c.stage == "ready"]
        # A person available in school hours, and a language-light vacancy nobody was
        # proposed for yet.
        self.person = next(c for c in self.ready if c.availability)
        self.vacancy = next(
            v
            for v in self.jobs
            if v.status == "open" and v.language.dutch is None and str(v.id) not in self.by_job
        )

    @cached_property
    def engine(self) -> Engine:
        return Engine().fit(self.jobs)  # the default weights, version 1, as a fresh database

    def record_of(self, person: Candidate) -> RecordView:
        """What a shortlist of this person leaves out or marks, as `record.candidate_view`."""
        months = Settings.model_fields["rejection_expires_months"].default
        found = pair_histories(self.by_person.get(str(person.id), []))
        return RecordView(
            {k: h.as_of(self.today, rejection_expires_months=months) for k, h in found.items()}
        )

    def application_out(self, application: Application) -> ApplicationOut:
        job = self.job.get(application.vacancy_id)
        return ApplicationOut.of(application, vacancy=(job.title, job.employer) if job else None)

    def ending_in(self, status: str) -> Application:
        """The first application whose last step is `status`, one with a debrief if any has."""
        ending = [a for a in self.applications if a.status == status]
        return next((a for a in ending if any(s.note for s in a.steps)), ending[0])

    @cached_property
    def hires_to_follow_up(self) -> list[FollowUpDue]:
        """As `store.followups_due` finds them, due or not yet: each placed person's latest
        hire (or the day they were set placed), earliest due first."""
        placed = {str(c.id) for c in self.people if c.stage == "placed"}
        hired: dict[str, date] = {}
        for a in self.applications:
            day = a.reached("hired")
            if a.candidate_id in placed and day is not None:
                hired[a.candidate_id] = max(day, hired.get(a.candidate_id, day))
        for change in self.history.stage_changes:
            if change.candidate_id in placed and change.stage == "placed":
                hired.setdefault(change.candidate_id, change.on)
        due = [
            FollowUpDue(candidate_id=who, hired_on=day, due_on=follow_up_due(day))
            for who, day in hired.items()
        ]
        return sorted(due, key=lambda f: (f.due_on, f.candidate_id))

    @property
    def followup_day(self) -> date:
        """A day on which a few follow-ups are due (none is on the history's last day: it moved
        everyone hired two months before to follow_up)."""
        return self.hires_to_follow_up[min(2, len(self.hires_to_follow_up) - 1)].due_on

    def followups_due(self, on: date) -> list[FollowUpDue]:
        return [f for f in self.hires_to_follow_up if f.due_on <= on]


def _grouped(
    applications: Iterable[Application], key: Callable[[Application], str]
) -> dict[str, list[Application]]:
    groups: dict[str, list[Application]] = {}
    for a in applications:
        groups.setdefault(key(a), []).append(a)
    return groups


class _Documented:
    """The examples of each operation, request and answer made together."""

    def __init__(self, fixtures: _Fixtures) -> None:
        self.f = fixtures

    def operations(self) -> dict[tuple[str, str], Shown]:
        made: dict[tuple[str, str], Shown] = {("GET", "/health"): self.health()}
        for part in (
            self.candidates,
            self.vacancies,
            self.shortlists,
            self.applications,
            self.followups,
            self.programme,
            self.weights,
            self.keys,
            self.accounts,
            self.employers,
            self.barriers,
            self.plans,
            self.attention,
            self.imports,
        ):
            made.update(part())
        return made

    def imports(self) -> dict[tuple[str, str], Shown]:
        from service.sheets.importing import ImportResult
        from service.sheets.reading import check_sheet, read_file
        from service.sheets.template import CANDIDATE_COLUMNS, CANDIDATES, VACANCIES
        from service.sheets.workbooks import records_sheet

        people = [p.model_dump(mode="json") for p in self.f.people[:2]]
        sheet = read_file(records_sheet(CANDIDATE_COLUMNS, people, kind="csv"))
        report = check_sheet(sheet, kind=CANDIDATES)
        checked = ImportResult(sheet, report, None).as_dict("en", dry_run=True)
        upload = {
            "dry_run": Example(
                summary="A sheet checked, nothing stored",
                value={"file": "(a .xlsx or .csv file)", "dry_run": True},
            )
        }
        answer = {
            "dry_run": _example(f"The dry run of a sheet of {len(people)} fixture people", checked)
        }
        jobs = [v.model_dump(mode="json") for v in self.f.jobs[:2]]
        sheet = read_file(records_sheet(VACANCIES.columns, jobs, kind="csv"))
        report = check_sheet(sheet, kind=VACANCIES)
        checked = ImportResult(sheet, report, None).as_dict("en", dry_run=True)
        vacancies = {
            "dry_run": _example(f"The dry run of a sheet of {len(jobs)} fixture vacancies", checked)
        }
        return {
            ("POST", "/imports/candidates"): Shown(answer, upload),
            # Its answer is a workbook, shown in the route's own responses.
            ("POST", "/imports/candidates/annotated"): Shown({}, upload),
            ("POST", "/imports/vacancies"): Shown(vacancies, upload),
            ("POST", "/imports/vacancies/annotated"): Shown({}, upload),
        }

    def health(self) -> Shown:
        f = self.f
        health = Health(
            status="ok",
            candidates=len(f.people),
            vacancies=len(f.jobs),
            open_vacancies=sum(v.status == "open" for v in f.jobs),
            catalog_version=1,  # the fixtures, loaded in one write
            weights_version=f.engine.weights.version,
        )
        fresh = _example("A fresh database with the fixtures loaded", health, asked="GET /health")
        return Shown({"fresh": fresh})

    # ------------------------------------------------------------------ people and vacancies

    def candidates(self) -> dict[tuple[str, str], Shown]:
        f = self.f
        anytime = next(c for c in f.ready if not c.availability)
        posted = {
            "school_hours": Example(
                summary=f"Available in school hours (fixture {f.person.id})",
                value=_body(f.person),
            ),
            "any_time": Example(
                summary=f"Available at any time (fixture {anytime.id})", value=_body(anytime)
            ),
        }
        stored = {
            "school_hours": _example(
                f"As stored (fixture {f.person.id})",
                f.person,
                asked=f"GET /candidates/{f.person.id}",
            ),
            "any_time": _example(f"As stored (fixture {anytime.id})", anytime),
        }
        moved = patched(Candidate, f.person.model_dump(mode="json"), _MOVE_ON, str(f.person.id))
        page = CandidatePage(data=f.people[:2], count=len(f.people), limit=2, offset=0)
        one = "/candidates/{candidate_id}"
        return {
            ("POST", "/candidates"): Shown(stored, posted),
            ("GET", "/candidates"): Shown(
                {"first_page": _example("?limit=2", page, asked="GET /candidates?limit=2")}
            ),
            ("GET", one): Shown({"stored": stored["school_hours"]}),
            ("PUT", one): Shown(stored, posted),
            ("PATCH", one): Shown(
                {"move_on": _example(f"{f.person.id} after the patch move_on", moved)}
            ),
        }

    def vacancies(self) -> dict[tuple[str, str], Shown]:
        f = self.f
        light = f.vacancy
        dutch = next(v for v in f.jobs if v.language.dutch is not None)
        posted = {
            "language_light": Example(
                summary=f"Language-light: a contact language suffices (fixture {light.id})",
                value=_body(light),
            ),
            "dutch_required": Example(
                summary=f"Dutch required at {dutch.language.dutch} (fixture {dutch.id})",
                value=_body(dutch),
            ),
            "with_your_id": Example(
                summary="With your own reference as id",
                value={**_body(light), "id": "acme-2025-017"},
            ),
        }
        stored = {
            "language_light": _example(
                f"As stored (fixture {light.id})", light, asked=f"GET /vacancies/{light.id}"
            ),
            "dutch_required": _example(f"As stored (fixture {dutch.id})", dutch),
            "with_your_id": _example(
                "As stored, with your id", light.model_copy(update={"id": "acme-2025-017"})
            ),
        }
        closed = patched(Vacancy, light.model_dump(mode="json"), _CLOSE, str(light.id))
        lights = [v for v in f.jobs if v.language.dutch is None]
        page = VacancyPage(data=lights[:2], count=len(lights), limit=2, offset=0)
        one = "/vacancies/{vacancy_id}"
        return {
            ("POST", "/vacancies"): Shown(stored, posted),
            ("GET", "/vacancies"): Shown(
                {
                    "language_light": _example(
                        "?language_light=true&limit=2",
                        page,
                        asked="GET /vacancies?language_light=true&limit=2",
                    )
                }
            ),
            ("GET", one): Shown({"stored": stored["language_light"]}),
            ("PUT", one): Shown(stored, posted),
            ("PATCH", one): Shown({"close": _example(f"{light.id} after the patch close", closed)}),
        }

    # ------------------------------------------------------------------ matching

    def shortlists(self) -> dict[tuple[str, str], Shown]:
        f = self.f
        record = f.record_of(f.person)
        mine = {
            name: _example(
                f"{f.person.id}'s shortlist, {query}",
                rank_for(
                    f.engine,
                    f.person,
                    record,
                    top=top,
                    include_blocked=blocked,
                    any_stage=False,
                )[1],
                asked=f"GET /candidates/{f.person.id}/shortlist{query}",
            )
            for name, query, top, blocked in (
                ("top_3", "?top=3", 3, False),
                ("near_misses", "?top=1&include_blocked=true", 1, True),
            )
        }
        people = f.engine.rank_candidates(f.vacancy, f.ready, top=3)
        theirs = RecordView().mark(people.as_dict(), id_field="candidate_id")
        return {
            ("GET", "/candidates/{candidate_id}/shortlist"): Shown(mine),
            ("GET", "/vacancies/{vacancy_id}/shortlist"): Shown(
                {
                    "top_3": _example(
                        f"The ready people for {f.vacancy.id}, ?top=3",
                        theirs,
                        asked=f"GET /vacancies/{f.vacancy.id}/shortlist?top=3",
                    )
                }
            ),
        }

    def barriers(self) -> dict[tuple[str, str], Shown]:
        from service.routers.barriers import _spread

        f = self.f
        report = analyse_barriers(f.engine, f.person, top=3).as_dict()
        sample = _spread(f.ready, 8)
        stats = BarrierStats(open_vacancies=len(f.engine.vacancies_)).merge(
            barrier_stats(f.engine, sample)
        )
        overall = {
            "weights_version": f.engine.weights.version,
            "ready_candidates": len(f.ready),
            **stats.as_dict(),
        }
        return {
            ("GET", "/candidates/{candidate_id}/barriers"): Shown(
                {
                    "top_3": _example(
                        f"What would unlock most for {f.person.id}, ?top=3",
                        report,
                        asked=f"GET /candidates/{f.person.id}/barriers?top=3",
                    )
                }
            ),
            ("GET", "/stats/barriers"): Shown(
                {
                    "sample": _example(
                        "Over eight of the ready people, ?sample=8",
                        overall,
                        asked="GET /stats/barriers?sample=8",
                    )
                }
            ),
        }

    def plans(self) -> dict[tuple[str, str], Shown]:
        from service.routers.plans import PlanIn, _plan

        f = self.f
        three = f.ready[:3]
        request = {"candidate_ids": [str(c.id) for c in three], "per_candidate": 2}
        # As `record.under_way` reads the record: every pair, what is in progress, the hires.
        hired = Counter(a.vacancy_id for a in f.applications if a.status == "hired")
        under_way = UnderWay(
            pairs={who: frozenset(a.vacancy_id for a in apps) for who, apps in f.by_person.items()},
            open_by_candidate=Counter(
                a.candidate_id for a in f.applications if a.status in OPEN_STATUSES
            ),
            open_by_vacancy=Counter(
                a.vacancy_id for a in f.applications if a.status in OPEN_STATUSES
            ),
            hired_by_vacancy=hired,
        )
        plan = _plan(Catalog(), f.engine, three, PlanIn.model_validate(request), under_way)
        return {
            ("POST", "/plans"): Shown(
                {"three_people": _example("Two proposals each for three ready people", plan)},
                {"three_people": Example(summary="Three ready people", value=request)},
            )
        }

    # ------------------------------------------------------------------ the record

    def applications(self) -> dict[tuple[str, str], Shown]:
        f = self.f
        proposed = f.ending_in("proposed")
        proposal = {
            "candidate_id": proposed.candidate_id,
            "vacancy_id": proposed.vacancy_id,
            "on": proposed.proposed_on.isoformat(),
        }
        if proposed.steps[0].note:
            proposal["note"] = proposed.steps[0].note
        hired = f.ending_in("hired")
        interview = f.ending_in("interview")
        person = next(who for who, apps in f.by_person.items() if 2 <= len(apps) <= 3)
        job = next(
            ident
            for ident, apps in f.by_job.items()
            if 2 <= len(apps) <= 3 and ident in f.job and any(a.status == "hired" for a in apps)
        )
        return {
            ("POST", "/applications"): Shown(
                {"proposed": _example("As recorded", f.application_out(proposed))},
                {"proposal": Example(summary=f"Fixture {proposed.id}", value=proposal)},
            ),
            ("GET", "/applications/{application_id}"): Shown(
                {
                    "hired": _example(
                        f"A hire (fixture {hired.id})",
                        f.application_out(hired),
                        asked=f"GET /applications/{hired.id}",
                    )
                }
            ),
            ("PATCH", "/applications/{application_id}"): Shown(
                {
                    "interview": _example(
                        f"After an interview step (fixture {interview.id})",
                        f.application_out(interview),
                    ),
                    "employer": _example(
                        "The same, answered to an employer key",
                        EmployerApplication.of(interview),
                    ),
                }
            ),
            ("GET", "/candidates/{candidate_id}/applications"): Shown(
                {
                    "record": _example(
                        f"Everything proposed to {person}",
                        [f.application_out(a) for a in f.by_person[person]],
                        asked=f"GET /candidates/{person}/applications",
                    )
                }
            ),
            ("GET", "/vacancies/{vacancy_id}/applications"): Shown(
                {
                    "record": _example(
                        f"Everything proposed for {job}",
                        [f.application_out(a) for a in f.by_job[job]],
                        asked=f"GET /vacancies/{job}/applications",
                    ),
                    "employer": _example(
                        "The same, answered to its employer's key",
                        [EmployerApplication.of(a) for a in f.by_job[job]],
                    ),
                }
            ),
            ("GET", "/followups/due"): Shown(
                {
                    "due": _example(
                        f"?on={f.followup_day}",
                        f.followups_due(f.followup_day),
                        asked=f"GET /followups/due?on={f.followup_day}",
                    )
                }
            ),
        }

    def followups(self) -> dict[tuple[str, str], Shown]:
        from service.routers.followups import FollowUpOut

        f = self.f
        due = f.followups_due(f.followup_day)[0]
        note = "Still on the early shift; the bus pass is paid by the employer now."
        request = {
            "candidate_id": due.candidate_id,
            "outcome": "still_working",
            "on": f.followup_day.isoformat(),
            "note": note,
        }
        recorded = FollowUpOut.of(
            FollowUpRecord(
                candidate_id=due.candidate_id,
                on=f.followup_day,
                outcome="still_working",
                reason=None,
                note=note,
                recorded_by="jobhunter-1",
                stage="follow_up",
            )
        )
        return {
            ("POST", "/followups"): Shown(
                {"still_working": _example("Recorded; the person moves to follow_up", recorded)},
                {
                    "still_working": Example(
                        summary=f"{due.candidate_id} is still working", value=request
                    )
                },
            ),
            ("GET", "/candidates/{candidate_id}/followups"): Shown(
                {"one": _example(f"{due.candidate_id}'s follow-ups", [recorded])}
            ),
        }

    def programme(self) -> dict[tuple[str, str], Shown]:
        from service.routers.programme import ProgrammeOut

        f = self.f
        targets = {
            name: Settings.model_fields[name].default for name in ("target_people", "target_placed")
        }
        first = min(change.on for change in f.history.stage_changes)
        programme = Programme.starting(first, **targets)
        figures = programme_figures(
            f.people,
            f.applications,
            f.history.stage_changes,
            today=f.today,
            programme=programme,
            **targets,
        )
        stored = ProgrammeOut(
            **programme.model_dump(),
            changed_by="system (first start)",
            changed_at=_stamped(f.today),
            excluded=[],
        )
        longer = programme.model_copy(update={"target_placed": programme.target_placed + 20})
        coordinator = Principal(
            account_id="a-3f9a01c2", account_name="Sara", role="coordinator", employer=None
        )
        changed = stored.model_copy(
            update={
                **longer.model_dump(),
                "changed_by": coordinator.label,
                "changed_at": _stamped(f.today, 5),
            }
        )
        return {
            ("GET", "/stats"): Shown(
                {"fixtures": _example(f"?on={f.today}", figures, asked=f"GET /stats?on={f.today}")}
            ),
            ("GET", "/programme"): Shown(
                {"first_start": _example("As set at first start", stored)}
            ),
            ("PUT", "/programme"): Shown(
                {"more_placements": _example("Set by a coordinator", changed)},
                {
                    "more_placements": Example(
                        summary="Twenty placements more", value=longer.model_dump(mode="json")
                    )
                },
            ),
        }

    def weights(self) -> dict[tuple[str, str], Shown]:
        f = self.f
        start = default_weights()
        first = WeightsOut(
            version=start.version,
            weights=start.weights,
            note=start.note,
            changed_by="system (matcher/weights.json)",
            changed_at=_stamped(f.today),
        )
        tuned = {"skills": 0.3, "language": 0.25, "commute": 0.25, "childcare": 0.2}
        note = "Commute weighs more: rejections for the trip were a third of all last quarter."
        request = {"weights": tuned, "note": note, "version": start.version + 1}
        coordinator = Principal(
            account_id="a-3f9a01c2", account_name="Sara", role="coordinator", employer=None
        )
        second = WeightsOut(
            version=start.version + 1,
            weights=tuned,
            note=note,
            changed_by=coordinator.label,
            changed_at=_stamped(f.today, 5),
        )
        return {
            ("GET", "/weights"): Shown({"first_start": _example("The starting weights", first)}),
            ("PUT", "/weights"): Shown(
                {"commute_up": _example("The next version", second)},
                {"commute_up": Example(summary="Commute weighs more", value=request)},
            ),
            ("GET", "/weights/history"): Shown(
                {"two_versions": _example("After one change", [second, first])}
            ),
        }

    def keys(self) -> dict[tuple[str, str], Shown]:
        f = self.f
        employer = f.vacancy.employer
        request = {"role": "employer", "employer": employer, "name": f"{employer} (HR)"}
        made = NewKey(
            id=f"k-{_made_up('employer key', 8, hex_only=True)}",
            role="employer",
            employer=employer,
            name=request["name"],
            created_at=_stamped(f.today, 10),
            account_id=f"a-{_made_up('employer key account', 8, hex_only=True)}",
            key=KEY_PREFIX + _made_up("employer key secret", 43),
        )
        admin = KeyOut(
            id="k-0c1d2e3f",
            role="admin",
            employer=None,
            name="first admin",
            created_at=_stamped(f.today),
            account_id="a-1a2b3c4d",
        )
        return {
            ("POST", "/keys"): Shown(
                {"employer": _example("Its key, shown this once", made)},
                {"employer": Example(summary=f"A key for {employer}", value=request)},
            ),
            ("GET", "/keys"): Shown(
                {
                    "two": _example(
                        "An admin's and an employer's", [admin, KeyOut(**made.model_dump())]
                    )
                }
            ),
        }

    def accounts(self) -> dict[tuple[str, str], Shown]:
        from service.routers.accounts import AccountOut, NewAccount
        from service.routers.erasures import ErasureOut

        request = {"name": "Olena Kovalenko", "email": "olena@example.org", "role": "jobhunter"}
        made = NewAccount(
            id=f"a-{_made_up('account', 8, hex_only=True)}",
            name=request["name"],
            email=request["email"],
            role="jobhunter",
            employer=None,
            language=None,
            can_sign_in=True,
            created_at=_stamped(self.f.today, 10),
            disabled_at=None,
            password=_made_up("account password", 16),
        )
        first = AccountOut(
            id="a-0c1d2e3f",
            name="Coordinator",
            email="coordinator@localhost",
            role="coordinator",
            employer=None,
            language="uk",
            can_sign_in=True,
            created_at=_stamped(self.f.today),
            disabled_at=None,
        )
        shown = AccountOut(**made.model_dump(exclude={"password"}))
        renamed = shown.model_copy(update={"name": "Olena Kovalenko-Peeters"})
        return {
            ("POST", "/accounts"): Shown(
                {"jobhunter": _example("Its password, shown this once", made)},
                {"jobhunter": Example(summary="A jobhunter's account", value=request)},
            ),
            ("GET", "/accounts"): Shown(
                {"two": _example("The first coordinator and a jobhunter", [first, shown])}
            ),
            ("PATCH", "/accounts/{account_id}"): Shown(
                {"renamed": _example("As changed", renamed)},
                {"renamed": Example(summary="A new name", value={"name": renamed.name})},
            ),
            ("GET", "/erasures"): Shown(
                {
                    "one": _example(
                        "Who erased someone, and when (never whom)",
                        [
                            ErasureOut(
                                erased_at=_stamped(self.f.today, 30),
                                account_id=first.id,
                                erased_by=first.name,
                                role="coordinator",
                            )
                        ],
                    )
                }
            ),
            ("PUT", "/accounts/{account_id}/password"): Shown(
                {},
                {
                    "new": Example(
                        summary="A new password", value={"password": "a password long enough"}
                    )
                },
            ),
        }

    def employers(self) -> dict[tuple[str, str], Shown]:
        f = self.f
        contact = next((v.contact for v in f.jobs if v.contact is not None), None)
        request: dict[str, Any] = {"name": f.vacancy.employer}
        if contact is not None:
            request["contact"] = contact.model_dump(mode="json", exclude_none=True)
        made = Employer(
            id=f"e-{_made_up('employer', 12, hex_only=True)}",
            name=f.vacancy.employer,
            contact=contact,
            created_at=_stamped(f.today, 10),
        )
        return {
            ("POST", "/employers"): Shown(
                {"fixture": _example("Created", made)},
                {"fixture": Example(summary="An employer of the fixtures", value=request)},
            ),
            ("GET", "/employers"): Shown({"one": _example("After the one above", [made])}),
        }

    def attention(self) -> dict[tuple[str, str], Shown]:
        from service.routers.attention import (
            AttentionOut,
            ProposalToClosedVacancy,
            QuietProposal,
            WaitingPerson,
        )

        f = self.f
        days = {
            name: Settings.model_fields[f"attention_{name}"].default
            for name in ("stale_days", "ready_days")
        }
        found = needs_attention(
            f.applications,
            f.history.stage_changes,
            stages={str(c.id): c.stage for c in f.people},
            vacancy_status={str(v.id): v.status for v in f.jobs},
            as_of=f.followup_day,
            **days,
        )

        def line(application: Application) -> dict[str, Any]:
            job = f.job.get(application.vacancy_id)
            return {
                "application_id": str(application.id),
                "candidate_id": application.candidate_id,
                "vacancy_id": application.vacancy_id,
                "title": job.title if job else None,
                "employer": job.employer if job else None,
                "status": application.status,
                "jobhunter": application.jobhunter,
            }

        shown = AttentionOut(
            as_of=f.followup_day,
            **days,
            quiet_proposals=[
                QuietProposal(
                    **line(s.application),
                    last_step_on=s.last_step_on,
                    days_without_step=s.days_without_step,
                )
                for s in found.stale_proposals[:2]
            ],
            proposals_to_closed_vacancies=[
                ProposalToClosedVacancy(**line(a), vacancy_status=status)
                for a, status in found.proposals_to_closed_vacancies[:2]
            ],
            followups_due=f.followups_due(f.followup_day)[:2],
            ready_without_proposal=[
                WaitingPerson(
                    candidate_id=w.candidate_id, ready_since=w.ready_since, days_ready=w.days_ready
                )
                for w in found.ready_without_proposal[:2]
            ],
        )
        return {
            ("GET", "/attention"): Shown(
                {
                    "coordinator": _example(
                        f"A coordinator's, ?on={f.followup_day} (two of each)", shown
                    )
                }
            )
        }
