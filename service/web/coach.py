"""The jobhunters' and coaches' pages: the caseload, a person's page (shortlist, barriers,
applications), intake and edit, and a print view; over the same store and engine as the API."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher import Candidate
from matcher.models import DAYS, LEVELS, Location
from matcher.outcomes.applications import OPEN_STATUSES, NewStep, RejectionReason
from matcher.outcomes.programme import STAGES
from matcher.planning.barriers import analyse_barriers
from matcher.reading.vocabulary import default_vocabulary
from matcher.reasons import Language, translator
from matcher.reasons.messages import MESSAGES
from service import store
from service.catalog import Catalog, Fitted
from service.deps import (
    PEOPLE_READERS,
    CatalogDep,
    DbEngineDep,
    SessionDep,
    SettingsDep,
    ShortlistCacheDep,
    SignedInDep,
)
from service.erasure import ErasuresDep
from service.routers.applications import propose_application, with_vacancies
from service.routers.attention import (
    AttentionBasis,
    AttentionOut,
    attention_basis,
    attention_for,
)
from service.routers.candidates import erase, matching_candidates
from service.routers.shortlists import Asked, candidate_document, candidate_shortlist_body
from service.schemas import ApplicationIn, ApplicationOut
from service.settings import Settings
from service.store import Principal, SignedIn
from service.tables import (
    ApplicationRow,
    CandidateRow,
    FollowUpRow,
    ServiceState,
    StageChangeRow,
)
from service.web.render import page_language, render

router = APIRouter(include_in_schema=False)
Found = TypeVar("Found")

SHORTLIST_TOP = 10
NEAR_MISSES_SHOWN = 5
BARRIERS_SHOWN = 5
PER_STAGE = 100
"""People listed per stage on the caseload; the filters narrow a longer list."""
ATTENTION_SHOWN = 10
"""Lines per kind of attention; the rest are counted."""
TRANSPORT = ("bike", "public_transport", "car")
REJECTION_REASONS: tuple[str, ...] = RejectionReason.__args__  # type: ignore[attr-defined]
NEXT_STEPS = ("applied", "interview", "hired", "rejected", "withdrawn")
KNOWN_LANGUAGES = tuple(k.removeprefix("language.") for k in MESSAGES if k.startswith("language."))


class NotForThisRole(Exception):
    """A signed-in account whose role may not see people (an employer, an administrator)."""


async def require_people_reader(signed_in: SignedInDep) -> SignedIn:
    """Jobhunters and coordinators, as on the API's people routes (an employer never sees a
    person)."""
    if signed_in.account.role not in PEOPLE_READERS:
        raise NotForThisRole
    return signed_in


CoachDep = Annotated[SignedIn, Depends(require_people_reader)]


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)


def error_page(request: Request, signed_in: SignedIn | None, which: str, code: int) -> HTMLResponse:
    return render(
        request,
        "error.html",
        page="error",
        signed_in=signed_in,
        status_code=code,
        title=f"page.coach.error.{which}.title",
        message=f"page.coach.error.{which}",
    )


def _not_for_this_role(request: Request, _: Exception) -> Response:
    return error_page(request, None, "forbidden", status.HTTP_403_FORBIDDEN)


# ---------------------------------------------------------------- shown values


def window_text(language: Language, days: Sequence[str], start: str, end: str) -> str:
    t = translator(language)
    return t.fill("page.coach.window", {"days": t.days(days), "start": start, "end": end})


def shown_name(person: Candidate) -> str:
    """How the pages name a person: the name the coaches gave, else the id."""
    return person.display_name or str(person.id)


def _person_row(language: Language, person: Candidate) -> dict[str, Any]:
    t = translator(language)
    return {
        "id": str(person.id),
        "name": shown_name(person),
        "postcode": person.home.postcode or "",
        "coach": person.coach or "",
        "languages": ", ".join(
            f"{_language_name(language, code)} {_level(language, level)}"
            for code, level in person.languages.items()
        ),
        "skills": ", ".join([*person.occupations, *person.skill_labels][:6]),
        "availability": "; ".join(
            window_text(language, w.days, w.start, w.end) for w in person.availability or []
        )
        or t.text("page.coach.any_time"),
    }


def _language_name(language: Language, code: str) -> str:
    key = f"language.{code}"
    return translator(language).text(key) if key in MESSAGES else code


def _level(language: Language, level: str) -> str:
    return translator(language).text("level.native") if level == "native" else level


# ---------------------------------------------------------------- the caseload


RECORD_FINGERPRINT = select(
    select(func.count()).select_from(ApplicationRow).scalar_subquery(),
    select(func.max(ApplicationRow.updated_at)).scalar_subquery(),
    select(func.count()).select_from(CandidateRow).scalar_subquery(),
    select(func.max(CandidateRow.updated_at)).scalar_subquery(),
    select(func.count()).select_from(StageChangeRow).scalar_subquery(),
    select(func.count()).select_from(FollowUpRow).scalar_subquery(),
    select(ServiceState.catalog_version).where(ServiceState.id == 1).scalar_subquery(),
)
"""What the attention list is made of, in one cheap statement: any write to the record, the
people or the vacancies changes it (an erasure too: the counts go down)."""


class RecordMemo(Generic[Found]):
    """What a page worked out from the whole record, kept while the record (RECORD_FINGERPRINT,
    read from the database on every call, so workers never disagree) and the rest of the key are
    unchanged: the attention list reads the whole record (some 120 ms on the fixtures), a plan
    for the 290 ready people takes some 700 ms."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: dict[tuple[Any, ...], Found] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, key: tuple[Any, ...], make: Callable[[], Found]) -> Found:
        full = (tuple(session.execute(RECORD_FINGERPRINT).one()), *key)
        with self._lock:
            found = self._found.get(full)
        if found is None:
            found = make()
            with self._lock:
                if len(self._found) >= self._size:
                    self._found.clear()
                self._found[full] = found
        return found


ATTENTION: RecordMemo[AttentionBasis] = RecordMemo(8)
"""What every reader's attention list is filtered from: the caseload is the page coaches open
most (one memo per reader made each of them wait 120 ms the first time)."""


def attention_today(session: Session, settings: Settings, principal: Principal) -> AttentionOut:
    """Today's attention list as this reader sees it, filtered from the memo's basis."""
    today = date.today()
    basis = ATTENTION.get(
        session, (today,), lambda: attention_basis(session, settings, as_of=today)
    )
    return attention_for(session, settings, principal, as_of=today, basis=basis)


@router.get("/people")
def caseload(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    signed_in: CoachDep,
    stage: Annotated[list[str] | None, Query()] = None,
    coach: str = "",
    postcode: str = "",
    skill: str = "",
    q: str = "",
    erased: str = "",
) -> Response:
    """People by stage, filtered as GET /candidates filters them, what needs attention first."""
    language = page_language(request, signed_in)
    t = translator(language)
    errors: dict[str, str] = {}
    stages = [s for s in (stage or []) if s in STAGES] or list(STAGES)
    code = None
    if postcode.strip():
        try:
            code = Location(postcode=postcode).postcode
        except ValidationError:
            errors["postcode"] = t.fill("page.coach.error.postcode", {"value": postcode})
    reading = None
    if skill.strip():
        found = default_vocabulary().read(skill.strip()[:200])
        if found.concept_id is not None:
            reading = default_vocabulary().concepts[found.concept_id].label(language)
    people: list[Candidate] = []
    if not errors:
        where = store.CandidateFilter(
            postcode=code,
            skill=skill.strip()[:200] or None,
            coach=coach.strip()[:200] or None,
            q=q.strip()[:200] or None,
        )
        people = matching_candidates(session, catalog, stages=stages, where=where)
    by_stage = [(s, [p for p in people if p.stage == s]) for s in STAGES if s in stages]
    principal = Principal.of(signed_in.account)
    attention = attention_today(session, settings, principal)
    return render(
        request,
        "coach/caseload.html",
        page="caseload",
        signed_in=signed_in,
        status_code=422 if errors else 200,
        stages=STAGES,
        chosen=set(stage or []),
        filters={"coach": coach, "postcode": postcode, "skill": skill, "q": q},
        reading=reading,
        errors=errors,
        count=len(people),
        groups=[
            (s, len(found), [_person_row(language, p) for p in found[:PER_STAGE]])
            for s, found in by_stage
        ],
        attention=attention,
        shown=ATTENTION_SHOWN,
        notice=t.text("page.erase.done") if erased else None,
    )


# ---------------------------------------------------------------- reading skills back


@dataclass(frozen=True)
class ReadBack:
    phrase: str
    label: str | None
    confidence: str


def read_back(language: Language, text: str) -> list[ReadBack]:
    """Each line (a skill or a past job, in any language) as the vocabulary reads it."""
    vocabulary = default_vocabulary()
    t = translator(language)
    lines = []
    for line in text.splitlines()[:100]:
        phrase = _skill_line(line)[0]
        if not phrase:
            continue
        found = vocabulary.read(phrase)
        label = None
        if found.concept_id is not None:
            concept = vocabulary.concepts[found.concept_id]
            label = concept.label("nl")
            if language != "nl" and concept.label(language) != label:
                label = f"{label} · {concept.label(language)}"
        lines.append(ReadBack(phrase, label, t.decimal(found.confidence)))
    return lines


@router.get("/people/reading")
def reading(request: Request, signed_in: CoachDep, text: str = "") -> Response:
    """The read-back of a skills or jobs field as an HTML fragment (the intake form's script
    asks for it as one types)."""
    language = page_language(request, signed_in)
    return render(
        request,
        "coach/_readings.html",
        page="reading",
        signed_in=signed_in,
        readings=read_back(language, text[:20_000]),
    )


# ---------------------------------------------------------------- intake and edit


class IntakeFields(BaseModel):
    """The intake form as typed: every value kept as text, so that nothing is lost on an error."""

    display_name: str = ""
    coach: str = ""
    stage: str = "intake"
    postcode: str = ""
    skills: str = ""
    occupations: str = ""
    lang_code: list[str] = Field(default_factory=list)
    lang_level: list[str] = Field(default_factory=list)
    avail_day: list[str] = Field(default_factory=list)
    """"row:day" for each ticked day, so one list carries every row's days."""
    avail_start: list[str] = Field(default_factory=list)
    avail_end: list[str] = Field(default_factory=list)
    transport: list[str] = Field(default_factory=list)
    driving_licence: str = ""
    max_commute_minutes: str = "60"
    hours_min: str = ""
    hours_max: str = ""
    csrf_token: str = ""


def _skill_line(line: str) -> tuple[str, float | None]:
    """ "Excel; 3" is Excel with 3 years; a line without years is the skill alone."""
    label, _, years = line.partition(";")
    number = years.strip().replace(",", ".")
    try:
        return label.strip(), float(number) if number else None
    except ValueError:
        return line.strip(), None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _fields_of(person: Candidate) -> IntakeFields:
    return IntakeFields(
        display_name=person.display_name or "",
        coach=person.coach or "",
        stage=person.stage,
        postcode=person.home.postcode or "",
        skills="\n".join(
            s if isinstance(s, str) else s.label if s.years is None else f"{s.label}; {s.years:g}"
            for s in person.skills
        ),
        occupations="\n".join(person.occupations),
        lang_code=list(person.languages),
        lang_level=list(person.languages.values()),
        avail_day=[f"{i}:{d}" for i, w in enumerate(person.availability or []) for d in w.days],
        avail_start=[w.start for w in person.availability or []],
        avail_end=[w.end for w in person.availability or []],
        transport=list(person.transport),
        driving_licence="on" if person.driving_licence else "",
        max_commute_minutes=str(person.max_commute_minutes),
        hours_min="" if person.hours_per_week is None else f"{person.hours_per_week.min:g}",
        hours_max="" if person.hours_per_week is None else f"{person.hours_per_week.max:g}",
    )


def _number(text: str) -> float | None:
    cleaned = text.strip().replace(",", ".").rstrip("hu ")
    return float(cleaned) if re.fullmatch(r"\d{1,3}(?:\.\d+)?", cleaned) else None


def candidate_from(
    language: Language, typed: IntakeFields, *, before: Candidate | None
) -> tuple[Candidate | None, dict[str, str]]:
    """The person the form describes, or the errors by field (in the page's language)."""
    t = translator(language)
    errors: dict[str, str] = {}

    def error(name: str, key: str, **values: object) -> None:
        errors.setdefault(name, t.fill(key, values))

    home: dict[str, Any]
    if typed.postcode.strip():
        home = {"postcode": typed.postcode}
    elif before is not None and before.home.postcode is None:
        home = before.home.model_dump(exclude_none=True)  # coordinates the form does not show
    else:
        home = {}
        error("postcode", "page.intake.error.postcode_missing")
    languages: dict[str, str] = {}
    for code, level in zip(typed.lang_code, typed.lang_level, strict=False):
        if not code and not level:
            continue
        if not code or not level:
            error("languages", "page.intake.error.language_row")
        elif code in languages:
            error("languages", "page.intake.error.language_twice")
        else:
            languages[code] = level
    rows: list[dict[str, Any]] = []
    row_of: list[int] = []
    for i, (start, end) in enumerate(zip(typed.avail_start, typed.avail_end, strict=False)):
        days = [d for d in DAYS if f"{i}:{d}" in typed.avail_day]
        if not days and not start.strip() and not end.strip():
            continue
        rows.append({"days": days, "start": start, "end": end})
        row_of.append(i)
    skills: list[Any] = []
    for line in _lines(typed.skills):
        label, years = _skill_line(line)
        skills.append(label if years is None else {"label": label, "years": years})
    hours = None
    if typed.hours_min.strip() or typed.hours_max.strip():
        low = _number(typed.hours_min or typed.hours_max)
        high = _number(typed.hours_max or typed.hours_min)
        if low is None or high is None:
            error("hours", "page.intake.error.hours")
        else:
            hours = {"min": low, "max": high}
    commute = _number(typed.max_commute_minutes or "60")
    if commute is None or commute != int(commute):
        error("max_commute_minutes", "page.intake.error.commute")
    data: dict[str, Any] = {
        "home": home,
        "languages": languages,
        "skills": skills,
        "occupations": _lines(typed.occupations),
        "transport": [m for m in TRANSPORT if m in typed.transport],
        "driving_licence": bool(typed.driving_licence),
        "max_commute_minutes": int(commute or 60),
        "availability": rows or None,
        "hours_per_week": hours,
        "stage": typed.stage if typed.stage in STAGES else "intake",
        "display_name": typed.display_name.strip() or None,
        "coach": typed.coach.strip() or None,
    }
    if before is not None:
        data["id"] = before.id
    try:
        person = Candidate.model_validate(data)
    except ValidationError as invalid:
        for problem in invalid.errors():
            loc = problem["loc"]
            where = str(loc[0]) if loc else ""
            if where == "home":
                error("postcode", "page.intake.error.postcode", value=typed.postcode)
            elif where == "availability" and len(loc) > 1 and isinstance(loc[1], int):
                name = f"avail_{row_of[loc[1]]}"
                if len(loc) > 2 and loc[2] in ("start", "end"):
                    error(name, "page.intake.error.time")
                elif len(loc) > 2 and loc[2] == "days":
                    error(name, "page.intake.error.days")
                else:
                    error(name, "page.intake.error.window")
            elif where == "hours_per_week":
                error("hours", "page.intake.error.hours")
            elif where == "max_commute_minutes":
                error("max_commute_minutes", "page.intake.error.commute")
            elif where in ("skills", "occupations", "languages", "display_name", "coach"):
                error(where, f"page.intake.error.{where}")
            else:
                error("form", "page.intake.error.other")
        return None, errors
    if errors:
        return None, errors
    return person, {}


def _intake_page(
    request: Request,
    signed_in: SignedIn,
    typed: IntakeFields,
    *,
    person_id: str | None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    language = page_language(request, signed_in)
    codes = list(typed.lang_code)
    levels = list(typed.lang_level)
    padding = max(3, len(codes) + 2) - len(codes)
    known = [*KNOWN_LANGUAGES, *(c for c in codes if c and c not in KNOWN_LANGUAGES)]
    windows = [
        {
            "days": {d for d in DAYS if f"{i}:{d}" in typed.avail_day},
            "start": start,
            "end": end,
        }
        for i, (start, end) in enumerate(zip(typed.avail_start, typed.avail_end, strict=False))
    ]
    windows += [{"days": set(), "start": "", "end": ""}] * (max(2, len(windows) + 1) - len(windows))
    return render(
        request,
        "coach/intake.html",
        page="intake",
        signed_in=signed_in,
        status_code=422 if errors else 200,
        person_id=person_id,
        typed=typed,
        errors=errors or {},
        stages=STAGES,
        language_rows=list(zip(codes + [""] * padding, levels + [""] * padding, strict=True)),
        language_choices=[(c, _language_name(language, c)) for c in known],
        levels=LEVELS,
        windows=windows,
        days=DAYS,
        day_names={d: translator(language).text(f"day.{d}") for d in DAYS},
        transport=TRANSPORT,
        skill_readings=read_back(language, typed.skills),
        job_readings=read_back(language, typed.occupations),
    )


IntakeForm = Annotated[IntakeFields, Form()]


@router.get("/people/new")
def intake_form(request: Request, signed_in: CoachDep) -> Response:
    return _intake_page(request, signed_in, IntakeFields(), person_id=None)


@router.post("/people/new")
def intake(
    request: Request, session: SessionDep, signed_in: CoachDep, typed: IntakeForm
) -> Response:
    """A new person from the form, then their page; else the form again, as typed, with each
    error beside its field."""
    person, errors = candidate_from(page_language(request, signed_in), typed, before=None)
    if person is None:
        return _intake_page(request, signed_in, typed, person_id=None, errors=errors)
    created = store.create_candidate(session, candidate=person)
    return _see(f"/people/{created.id}")


@router.get("/people/{person_id}/edit")
def edit_form(
    request: Request, session: SessionDep, signed_in: CoachDep, person_id: str
) -> Response:
    person = store.get_candidate(session, candidate_id=person_id)
    if person is None:
        return error_page(request, signed_in, "not_found", status.HTTP_404_NOT_FOUND)
    return _intake_page(request, signed_in, _fields_of(person), person_id=person_id)


@router.post("/people/{person_id}/edit")
def edit(
    request: Request,
    session: SessionDep,
    signed_in: CoachDep,
    cache: ShortlistCacheDep,
    person_id: str,
    typed: IntakeForm,
) -> Response:
    before = store.get_candidate(session, candidate_id=person_id)
    if before is None:
        return error_page(request, signed_in, "not_found", status.HTTP_404_NOT_FOUND)
    person, errors = candidate_from(page_language(request, signed_in), typed, before=before)
    if person is None:
        return _intake_page(request, signed_in, typed, person_id=person_id, errors=errors)
    store.replace_candidate(session, candidate=person)
    cache.forget(person_id)
    return _see(f"/people/{person_id}")


# ---------------------------------------------------------------- a person's page


@dataclass
class StepError:
    application_id: str
    message: str
    note: str = ""
    reason: str = ""


_BARRIERS: dict[tuple[str, int, int, Language], list[dict[str, Any]]] = {}
_BARRIERS_LOCK = threading.Lock()


def _barriers(fitted: Fitted, catalog: Catalog, person: Candidate, language: Language) -> Any:
    """What would unlock most, as GET /candidates/{id}/barriers answers it, kept while the
    person and the catalog are unchanged (it scores every change against every vacancy)."""
    key = (person.model_dump_json(), fitted.catalog_version, fitted.weights_version, language)
    with _BARRIERS_LOCK:
        found = _BARRIERS.get(key)
    if found is None:
        with catalog.scoring:
            report = analyse_barriers(fitted.engine, person, top=SHORTLIST_TOP)
        found = report.as_dict(language)["changes"]
        with _BARRIERS_LOCK:
            if len(_BARRIERS) >= 512:
                _BARRIERS.clear()
            _BARRIERS[key] = found
    return found


def person_view(
    request: Request,
    session: Session,
    catalog: Catalog,
    settings: Settings,
    person: Candidate,
    language: Language,
    *,
    barriers: bool = True,
) -> dict[str, Any]:
    """What a person's page shows: their shortlist as GET /candidates/{id}/shortlist answers it
    (with near misses; from the same cache), what would unlock most as GET .../barriers does,
    their applications as GET .../applications lists them."""
    person_id = str(person.id)
    body = json.loads(
        _shortlist(request, catalog, settings, person_id, language, include_blocked=True)
    )
    changes = []
    if barriers:
        found = _barriers(catalog.current(session), catalog, person, language)
        changes = [c for c in found if c["unblocked"] > 0][:BARRIERS_SHOWN]
    applications = with_vacancies(session, store.applications(session, candidate_id=person_id))
    return {
        "results": body["results"],
        "near_misses": (body.get("near_misses") or [])[:NEAR_MISSES_SHOWN],
        "withheld": body["withheld"],
        "left_out": body["left_out"],
        "weights_version": body["weights_version"],
        "changes": changes,
        "applications": list(reversed(applications)),
    }


def _person_page(
    request: Request,
    session: SessionDep,
    catalog: Catalog,
    settings: Settings,
    signed_in: SignedIn,
    person_id: str,
    *,
    template: str = "coach/person.html",
    page: str = "person",
    notice: str | None = None,
    step_error: StepError | None = None,
    status_code: int = 200,
) -> Response:
    person = store.get_candidate(session, candidate_id=person_id)
    if person is None:
        return error_page(request, signed_in, "not_found", status.HTTP_404_NOT_FOUND)
    language = page_language(request, signed_in)
    return render(
        request,
        template,
        page=page,
        signed_in=signed_in,
        status_code=status_code,
        here=f"/people/{person_id}",
        person=_person_row(language, person),
        stage=person.stage,
        view=person_view(
            request, session, catalog, settings, person, language, barriers=page == "person"
        ),
        open_statuses=OPEN_STATUSES,
        next_steps=NEXT_STEPS,
        rejection_reasons=REJECTION_REASONS,
        notice=notice,
        step_error=step_error,
        today=date.today().isoformat(),
    )


@router.get("/people/{person_id}")
def person_page(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    signed_in: CoachDep,
    person_id: str,
) -> Response:
    return _person_page(request, session, catalog, settings, signed_in, person_id)


@router.get("/people/{person_id}/print")
def person_print(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    signed_in: CoachDep,
    person_id: str,
) -> Response:
    """The shortlist on one A4 page, without the site's header or forms."""
    return _person_page(
        request,
        session,
        catalog,
        settings,
        signed_in,
        person_id,
        template="coach/print.html",
        page="person-print",
    )


DOWNLOADS = ("pdf", "xlsx", "csv")
"""The documents a page offers beside its print view (as the API's ?format= gives them)."""


@router.get("/people/{person_id}/shortlist.{kind}")
def person_shortlist_download(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    signed_in: CoachDep,
    person_id: str,
    kind: str,
) -> Response:
    """The shortlist the page shows as GET /candidates/{id}/shortlist?format= gives it."""
    person = store.get_candidate(session, candidate_id=person_id)
    if person is None or kind not in DOWNLOADS:
        return error_page(request, signed_in, "not_found", status.HTTP_404_NOT_FOUND)
    language = page_language(request, signed_in)
    # The page's lines without its near misses: the employer sees what fits.
    body = _shortlist(request, catalog, settings, person_id, language, include_blocked=False)
    return candidate_document(body, language, kind)


def _shortlist(
    request: Request,
    catalog: Catalog,
    settings: Settings,
    person_id: str,
    language: Language,
    *,
    include_blocked: bool,
) -> bytes:
    """GET /candidates/{id}/shortlist's body (from the same cache), for a signed-in session."""
    return candidate_shortlist_body(
        request.app.state.sessions,
        None,
        catalog,
        request.app.state.shortlist_cache,
        settings,
        person_id,
        Asked(SHORTLIST_TOP, include_blocked, False, False, language),
    )


REFUSED_PROPOSALS = (ValidationError, store.NotFound, store.AlreadyExists, store.VacancyNotOpen)
"""What POST /applications refuses (422, 404, 409, 409), as the pages' propose buttons meet it."""


def propose_from_page(
    session: Session, catalog: Catalog, signed_in: SignedIn, candidate_id: str, vacancy_id: str
) -> ApplicationOut | Exception:
    """POST /applications's proposal under the signed-in account, or why it was refused (then
    nothing is stored): the person page's and the plan's buttons both record through this."""
    try:
        body = ApplicationIn(candidate_id=candidate_id, vacancy_id=vacancy_id)
        return propose_application(session, catalog, Principal.of(signed_in.account), body)
    except REFUSED_PROPOSALS as refused:
        session.rollback()
        return refused


@router.post("/people/{person_id}/propose")
def propose(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    signed_in: CoachDep,
    person_id: str,
    vacancy_id: Annotated[str, Form()] = "",
) -> Response:
    """Records the proposal as POST /applications does (with its snapshot), under the account."""
    t = translator(page_language(request, signed_in))
    created = propose_from_page(session, catalog, signed_in, person_id, vacancy_id)
    if isinstance(created, Exception):
        return _person_page(
            request,
            session,
            catalog,
            settings,
            signed_in,
            person_id,
            notice=t.text("page.person.propose_failed"),
            status_code=status.HTTP_409_CONFLICT,
        )
    return _see(f"/people/{person_id}#application-{created.id}")


@router.post("/people/{person_id}/applications/{application_id}/step")
def record_step(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    signed_in: CoachDep,
    cache: ShortlistCacheDep,
    person_id: str,
    application_id: str,
    step: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    on: Annotated[str, Form()] = "",
) -> Response:
    """The next step, as PATCH /applications/{id} records it; else the page again with the
    error beside that application's form and the note kept."""
    t = translator(page_language(request, signed_in))
    found = store.get_application(session, application_id=application_id)
    if found is None or found.candidate_id != person_id:
        return error_page(request, signed_in, "not_found", status.HTTP_404_NOT_FOUND)

    def again(key: str) -> Response:
        return _person_page(
            request,
            session,
            catalog,
            settings,
            signed_in,
            person_id,
            step_error=StepError(application_id, t.text(key), note=note, reason=reason),
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )

    if step == "rejected" and not reason:
        return again("page.person.error.reason_missing")
    try:
        new = NewStep.model_validate(
            {
                "status": step,
                "reason": reason if step == "rejected" else None,
                "note": note.strip() or None,
                "on": on or None,
            }
        )
    except ValidationError:
        return again("page.person.error.step")
    try:
        store.add_step(session, application_id=application_id, step=new.step())
    except store.ImpossibleStep:
        session.rollback()
        return again("page.person.error.impossible")
    cache.forget(person_id)
    return _see(f"/people/{person_id}#application-{application_id}")


# ---------------------------------------------------------------- erasure


def _erase_page(
    request: Request,
    signed_in: SignedIn,
    person: Candidate,
    *,
    typed: str = "",
    error: str | None = None,
) -> Response:
    language = page_language(request, signed_in)
    return render(
        request,
        "coach/erase.html",
        page="erase",
        signed_in=signed_in,
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if error else status.HTTP_200_OK,
        person=_person_row(language, person),
        typed=typed,
        error=error,
    )


@router.get("/people/{person_id}/erase")
def erase_form(
    request: Request, session: SessionDep, signed_in: CoachDep, person_id: str
) -> Response:
    """What erasing takes away, and a field to type their name in: it cannot be undone."""
    person = store.get_candidate(session, candidate_id=person_id)
    if person is None:
        return error_page(request, signed_in, "not_found", status.HTTP_404_NOT_FOUND)
    return _erase_page(request, signed_in, person)


@router.post("/people/{person_id}/erase")
def erase_person(
    request: Request,
    session: SessionDep,
    db: DbEngineDep,
    erasures: ErasuresDep,
    signed_in: CoachDep,
    person_id: str,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Erases as DELETE /candidates/{id} does, under the account, once their name is typed."""
    person = store.get_candidate(session, candidate_id=person_id)
    if person is None:
        return error_page(request, signed_in, "not_found", status.HTTP_404_NOT_FOUND)
    name = _person_row(page_language(request, signed_in), person)["name"]
    if confirm.strip().casefold() != name.strip().casefold():
        t = translator(page_language(request, signed_in))
        return _erase_page(
            request, signed_in, person, typed=confirm, error=t.text("page.erase.mismatch")
        )
    erase(session, db, erasures, candidate_id=person_id, by=Principal.of(signed_in.account))
    return _see("/people?erased=1")


def install(app: FastAPI) -> None:
    """The coaches' pages, and their answer to a role that may not see people."""
    app.include_router(router)
    app.add_exception_handler(NotForThisRole, _not_for_this_role)
