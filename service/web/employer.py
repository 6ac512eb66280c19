"""The employers' pages: their own vacancies, a form to post and change one (language-light the
easy case), and the applications to each with their progress, where interviews, hires and
rejections are recorded. Every rule is the JSON routes' (routers.vacancies, .applications)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from matcher import Vacancy
from matcher.models import DAYS, LEVELS, ClockTime, LanguageCode, Level, Location, Shift
from matcher.outcomes.applications import FINAL_STATUSES, NewStep, RejectionReason
from matcher.reasons import page_text
from matcher.reasons.messages import MESSAGES
from matcher.reasons.reason import translator
from service import store
from service.deps import PEOPLE_READERS, SessionDep, SignedInDep, permit
from service.routers import location
from service.routers.applications import EMPLOYER_STEPS, applications_to, record_step
from service.routers.vacancies import (
    change_vacancy,
    post_vacancy,
    posted_vacancy,
    vacancies_for,
    visible_vacancy,
)
from service.store import Principal, SignedIn
from service.web.render import page_language, render

ROLES: tuple[store.Role, ...] = ("employer", *PEOPLE_READERS)
"""Who may use these pages: as the JSON vacancy routes (VacancyUser)."""
CONTACT_LANGUAGES: tuple[str, ...] = (
    "en", "uk", "ru", "fr", "ar", "tr", "pl", "ro", "es", "de", "fa", "ti", "so", "ps",
)  # fmt: skip
"""The contact languages offered as boxes to tick (others are typed as codes)."""
REASONS: tuple[str, ...] = RejectionReason.__args__  # type: ignore[attr-defined]
STATUSES: tuple[str, ...] = ("open", "closed", "filled")
MAX_SHIFTS = 21
PAGE_SIZE = 50
_CLOCK = TypeAdapter(ClockTime)
_LEVEL = TypeAdapter(Level)
_CODE = TypeAdapter(LanguageCode)


PREFIX = "/employer/vacancies"
"""The pages' own paths, beside the API's /vacancies (which answers scripts with keys)."""
router = APIRouter(prefix=PREFIX, include_in_schema=False)


async def _form(request: Request) -> FormData:
    """The posted form (read once: the CSRF check read it already)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


def _path(vacancy_id: str) -> str:
    """A vacancy's page, its id percent-encoded (any script, ASCII on the wire)."""
    return PREFIX + location("vacancies", vacancy_id).removeprefix("/vacancies")


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)


def _principal(signed_in: SignedIn) -> Principal:
    """The signed-in account as the JSON routes' caller, if its role may use these pages."""
    return permit(Principal.of(signed_in.account), ROLES)


def _refused(request: Request, signed_in: SignedIn, status_code: int) -> Response:
    which = "missing" if status_code == status.HTTP_404_NOT_FOUND else "forbidden"
    return render(
        request,
        "employer/refused.html",
        page="employer-refused",
        signed_in=signed_in,
        status_code=status_code,
        which=which,
    )


def guarded(request: Request, signed_in: SignedIn, work: Any) -> Response:
    """`work(principal)`'s page; the role refused (403) or a vacancy it may not see (404) as a
    page in the reader's language."""
    try:
        return work(_principal(signed_in))  # type: ignore[no-any-return]
    except HTTPException as error:
        if error.status_code in (status.HTTP_403_FORBIDDEN, status.HTTP_404_NOT_FOUND):
            return _refused(request, signed_in, error.status_code)
        raise
    except store.NotFound:
        return _refused(request, signed_in, status.HTTP_404_NOT_FOUND)


# ---------------------------------------------------------------- how vacancies read


@dataclass(frozen=True)
class Row:
    vacancy: Vacancy
    language: str
    shifts: list[str]


def _language_text(vacancy: Vacancy, language: Any) -> str:
    t = translator(language)
    text = page_text(language)
    need = vacancy.language
    if need.dutch is not None:
        return text.gettext("page.employer.needs_dutch", level=_level_name(need.dutch, language))
    names = [_language_name(c, language) for c in need.contact_languages]
    return text.gettext(
        "page.employer.needs_contact",
        languages=t.join(names, joiner="or"),
        level=_level_name(need.contact_level, language),
    )


def _language_name(code: str, language: Any) -> str:
    key = f"language.{code}"
    return translator(language).text(key) if key in MESSAGES else code


def _level_name(level: str | None, language: Any) -> str:
    return translator(language).text("level.native") if level == "native" else str(level)


def _shift_texts(vacancy: Vacancy, language: Any) -> list[str]:
    t = translator(language)
    return [f"{t.days(s.days)} {s.start}–{s.end}" for s in vacancy.shifts]


def _row(vacancy: Vacancy, language: Any) -> Row:
    return Row(vacancy, _language_text(vacancy, language), _shift_texts(vacancy, language))


# ---------------------------------------------------------------- the list


@router.get("")
def vacancies_page(
    request: Request, session: SessionDep, signed_in: SignedInDep, page: int = 1
) -> Response:
    """The vacancies the reader may see (an employer: its own), a page at a time."""
    language = page_language(request, signed_in)
    page = max(1, min(page, 100_000))

    def work(principal: Principal) -> Response:
        found = vacancies_for(
            session,
            principal,
            where=store.VacancyFilter(),
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        return render(
            request,
            "employer/vacancies.html",
            page="employer-vacancies",
            signed_in=signed_in,
            rows=[_row(v, language) for v in found.data],
            count=found.count,
            number=page,
            more=page * PAGE_SIZE < found.count,
            employer=principal.employer,
        )

    return guarded(request, signed_in, work)


# ---------------------------------------------------------------- the form


@dataclass
class ShiftRow:
    days: list[str] = field(default_factory=list)
    start: str = ""
    end: str = ""

    @property
    def empty(self) -> bool:
        return not self.days and not self.start.strip() and not self.end.strip()


@dataclass
class Typed:
    """What the form holds, as typed: shown again as it was after an error."""

    title: str = ""
    employer: str = ""
    postcode: str = ""
    address: str = ""
    skills_required: str = ""
    skills_preferred: str = ""
    contact_languages: list[str] = field(default_factory=lambda: ["en"])
    contact_other: str = ""
    contact_level: str = "A2"
    dutch_required: bool = False
    dutch_level: str = "A2"
    shifts: list[ShiftRow] = field(default_factory=list)
    shift_pattern: str = "all"
    hours_per_week: str = ""
    positions: str = "1"
    transport_provided: bool = False
    driving_licence_required: bool = False
    description: str = ""
    status: str = "open"

    @classmethod
    def of(cls, vacancy: Vacancy) -> Typed:
        need = vacancy.language
        return cls(
            title=vacancy.title,
            employer=vacancy.employer,
            postcode=vacancy.location.postcode or "",
            address=vacancy.address or "",
            skills_required="\n".join(vacancy.skills_required),
            skills_preferred="\n".join(vacancy.skills_preferred),
            contact_languages=[c for c in need.contact_languages if c in CONTACT_LANGUAGES],
            contact_other=", ".join(
                c for c in need.contact_languages if c not in CONTACT_LANGUAGES
            ),
            contact_level=need.contact_level or "A2",
            dutch_required=need.dutch is not None,
            dutch_level=need.dutch or "A2",
            shifts=[ShiftRow(list(s.days), s.start, s.end) for s in vacancy.shifts],
            shift_pattern=vacancy.shift_pattern,
            hours_per_week=f"{vacancy.hours_per_week:g}",
            positions=str(vacancy.positions),
            transport_provided=vacancy.transport_provided,
            driving_licence_required=vacancy.driving_licence_required,
            description=vacancy.description or "",
            status=vacancy.status,
        )

    @classmethod
    def read(cls, form: FormData) -> Typed:
        def one(name: str, default: str = "") -> str:
            value = form.get(name)
            return value if isinstance(value, str) else default

        rows = []
        for i in range(MAX_SHIFTS):
            if f"shift_start_{i}" not in form:
                break
            days = [d for d in form.getlist(f"shift_days_{i}") if d in DAYS]
            rows.append(ShiftRow(days, one(f"shift_start_{i}"), one(f"shift_end_{i}")))
        return cls(
            title=one("title"),
            employer=one("employer"),
            postcode=one("postcode"),
            address=one("address"),
            skills_required=one("skills_required"),
            skills_preferred=one("skills_preferred"),
            contact_languages=[
                c for c in form.getlist("contact_languages") if c in CONTACT_LANGUAGES
            ],
            contact_other=one("contact_other"),
            contact_level=one("contact_level", "A2"),
            dutch_required=one("dutch_required") == "yes",
            dutch_level=one("dutch_level", "A2"),
            shifts=rows,
            shift_pattern=one("shift_pattern", "all"),
            hours_per_week=one("hours_per_week"),
            positions=one("positions", "1"),
            transport_provided=one("transport_provided") == "yes",
            driving_licence_required=one("driving_licence_required") == "yes",
            description=one("description"),
            status=one("status", "open"),
        )

    def rows(self, extra: int) -> list[ShiftRow]:
        """The shift rows to show: those typed (empty ones dropped) and `extra` empty ones."""
        kept = [r for r in self.shifts if not r.empty]
        return (kept + [ShiftRow() for _ in range(extra)])[: max(MAX_SHIFTS, len(kept))]


def _phrases(text: str) -> list[str]:
    """Skills one per line or comma-separated, as people type lists."""
    return [p.strip() for p in re.split(r"[\n,;]", text) if p.strip()]


Errors = dict[str, str]


def _checked(typed: Typed, *, who: Principal, language: Any) -> tuple[dict[str, Any], Errors]:
    """The vacancy's fields the form sets, as the JSON body would give them, and each field's
    error in the page's language (the model's own rules; only the words are the page's)."""
    text = page_text(language)
    errors: Errors = {}

    def say(key: str, message: str) -> None:
        errors.setdefault(key, text.gettext(f"page.employer.error.{message}"))

    body: dict[str, Any] = {}
    for name in ("title",):
        if not getattr(typed, name).strip():
            say(name, "required")
        body[name] = getattr(typed, name).strip()
    if who.role != "employer":
        if not typed.employer.strip():
            say("employer", "required")
        body["employer"] = typed.employer.strip()
    if not typed.postcode.strip():
        say("postcode", "required")
    else:
        try:
            body["location"] = Location(postcode=typed.postcode).model_dump(mode="json")
        except ValidationError:
            say("postcode", "postcode")
    body["address"] = typed.address.strip() or None
    body["description"] = typed.description.strip() or None
    body["skills_required"] = _phrases(typed.skills_required)
    body["skills_preferred"] = _phrases(typed.skills_preferred)

    codes = list(typed.contact_languages)
    for code in _phrases(typed.contact_other):
        try:
            codes.append(_CODE.validate_python(code))
        except ValidationError:
            say("contact_other", "language_code")
    need: dict[str, Any] = {"dutch": None, "contact_languages": codes, "contact_level": None}
    if typed.dutch_required:
        need["dutch"] = _level(typed.dutch_level, "dutch_level", say)
    if codes:
        need["contact_level"] = _level(typed.contact_level, "contact_level", say)
    elif not typed.dutch_required:
        say("contact_languages", "contact_languages")
    body["language"] = need

    shifts = []
    for i, row in enumerate(typed.shifts):
        if row.empty:
            continue
        if not row.days:
            say(f"shift_{i}", "days")
        times = {}
        for part in ("start", "end"):
            try:
                times[part] = _CLOCK.validate_python(getattr(row, part))
            except ValidationError:
                say(f"shift_{i}_{part}", "time")
        if row.days and len(times) == 2:
            try:
                shifts.append(Shift(days=row.days, **times).model_dump(mode="json"))
            except ValidationError:
                say(f"shift_{i}_end", "shift_length")
    if not any(not r.empty for r in typed.shifts):
        say("shifts", "no_shift")
    body["shifts"] = shifts
    body["shift_pattern"] = typed.shift_pattern if typed.shift_pattern in ("all", "any") else "all"

    body["hours_per_week"] = _number(typed.hours_per_week, "hours_per_week", "hours", say)
    body["positions"] = _number(typed.positions, "positions", "positions", say, whole=True)
    body["transport_provided"] = typed.transport_provided
    body["driving_licence_required"] = typed.driving_licence_required
    body["status"] = typed.status if typed.status in STATUSES else "open"
    return body, errors


def _level(value: str, name: str, say: Any) -> str | None:
    try:
        level: str = _LEVEL.validate_python(value)
    except ValidationError:
        say(name, "level")
        return None
    return level


def _number(value: str, name: str, message: str, say: Any, *, whole: bool = False) -> Any:
    """A number as typed ("38", "19,5"); the model checks its range."""
    cleaned = value.strip().replace(",", ".")
    try:
        number = int(cleaned) if whole else float(cleaned)
    except ValueError:
        say(name, message)
        return None
    return number


# What the model refuses that the checks above let through, by the field it names.
_FIELD_OF = {
    "hours_per_week": ("hours_per_week", "hours"),
    "positions": ("positions", "positions"),
    "title": ("title", "too_long"),
    "employer": ("employer", "too_long"),
    "address": ("address", "too_long"),
    "description": ("description", "too_long"),
    "skills_required": ("skills_required", "too_many"),
    "skills_preferred": ("skills_preferred", "too_many"),
    "shifts": ("shifts", "too_many_shifts"),
}


def _model_errors(error: ValidationError, language: Any) -> Errors:
    text = page_text(language)
    found: Errors = {}
    for e in error.errors(include_url=False):
        head = str(e["loc"][0]) if e["loc"] else "form"
        name, message = _FIELD_OF.get(head, ("form", "invalid"))
        found.setdefault(name, text.gettext(f"page.employer.error.{message}"))
    return found


def _form_page(
    request: Request,
    signed_in: SignedIn,
    *,
    typed: Typed,
    vacancy_id: str | None,
    errors: Errors | None = None,
    extra_rows: int = 1,
    status_code: int = 200,
) -> Response:
    language = page_language(request, signed_in)
    t = translator(language)
    return render(
        request,
        "employer/form.html",
        page="employer-form",
        signed_in=signed_in,
        status_code=status_code,
        here=f"{PREFIX}/new" if vacancy_id is None else f"{_path(vacancy_id)}/edit",
        typed=typed,
        shift_rows=typed.rows(extra_rows),
        vacancy_id=vacancy_id,
        errors=errors or {},
        asks_employer=signed_in.account.role != "employer",
        contact_choices=[(c, _language_name(c, language)) for c in CONTACT_LANGUAGES],
        levels=[(level, _level_name(level, language)) for level in LEVELS],
        days=[(d, t.text(f"day.{d}")) for d in DAYS],
        statuses=STATUSES,
    )


@router.get("/new")
def new_vacancy_form(request: Request, signed_in: SignedInDep) -> Response:
    """An empty form, the language-light case ready: English at A2 to speak with the team."""

    def work(_: Principal) -> Response:
        return _form_page(request, signed_in, typed=Typed(), vacancy_id=None, extra_rows=2)

    return guarded(request, signed_in, work)


@router.post("/new")
def create_vacancy(
    request: Request, session: SessionDep, signed_in: SignedInDep, form: FormDep
) -> Response:
    """A new vacancy from the form (then its page); else the form again, each error beside its
    field (422), everything typed kept. "Another shift" shows one more shift row."""

    def work(principal: Principal) -> Response:
        typed = Typed.read(form)
        if "add_shift" in form:
            return _form_page(request, signed_in, typed=typed, vacancy_id=None, extra_rows=1)
        language = page_language(request, signed_in)
        body, errors = _checked(typed, who=principal, language=language)
        vacancy = None
        if not errors:
            try:
                vacancy = posted_vacancy(body, principal)
            except ValidationError as error:
                errors = _model_errors(error, language)
        if vacancy is None:
            return _form_page(
                request,
                signed_in,
                typed=typed,
                vacancy_id=None,
                errors=errors,
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        created = post_vacancy(session, principal, vacancy)
        return _see(f"{_path(str(created.id))}?saved=true")

    return guarded(request, signed_in, work)


@router.get("/{vacancy_id}/edit")
def edit_vacancy_form(
    request: Request, session: SessionDep, signed_in: SignedInDep, vacancy_id: str
) -> Response:
    def work(principal: Principal) -> Response:
        vacancy = visible_vacancy(session, principal, vacancy_id)
        return _form_page(request, signed_in, typed=Typed.of(vacancy), vacancy_id=vacancy_id)

    return guarded(request, signed_in, work)


@router.post("/{vacancy_id}/edit")
def save_vacancy(
    request: Request, session: SessionDep, signed_in: SignedInDep, vacancy_id: str, form: FormDep
) -> Response:
    """The vacancy changed as the form says; what the form does not show (a contact, the wage,
    the dates) is kept as stored."""

    def work(principal: Principal) -> Response:
        visible_vacancy(session, principal, vacancy_id)
        typed = Typed.read(form)
        if "add_shift" in form:
            return _form_page(request, signed_in, typed=typed, vacancy_id=vacancy_id)
        language = page_language(request, signed_in)
        body, errors = _checked(typed, who=principal, language=language)

        def change(stored: dict[str, Any]) -> Vacancy:
            return posted_vacancy({**stored, **body, "id": vacancy_id}, principal)

        if not errors:
            stored = store.get_vacancy(session, vacancy_id=vacancy_id)
            assert stored is not None
            try:
                change(stored.model_dump(mode="json"))
            except ValidationError as error:
                errors = _model_errors(error, language)
        if errors:
            return _form_page(
                request,
                signed_in,
                typed=typed,
                vacancy_id=vacancy_id,
                errors=errors,
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        change_vacancy(session, principal, vacancy_id, change)
        return _see(f"{_path(vacancy_id)}?saved=true")

    return guarded(request, signed_in, work)


# ---------------------------------------------------------------- a vacancy and its applications


def _vacancy_page(
    request: Request,
    session: Session,
    signed_in: SignedIn,
    principal: Principal,
    vacancy_id: str,
    *,
    step_errors: dict[str, str] | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> Response:
    language = page_language(request, signed_in)
    vacancy = visible_vacancy(session, principal, vacancy_id)
    found = applications_to(session, principal, vacancy_id)
    return render(
        request,
        "employer/vacancy.html",
        page="employer-vacancy",
        signed_in=signed_in,
        status_code=status_code,
        here=_path(vacancy_id),
        row=_row(vacancy, language),
        applications=found,
        final=FINAL_STATUSES,
        steps=[s for s in EMPLOYER_STEPS if s != "rejected"],
        reasons=REASONS,
        step_errors=step_errors or {},
        today=date.today().isoformat(),
        notice=notice,
        shows_people=principal.role != "employer",
    )


@router.get("/{vacancy_id}")
def vacancy_page(
    request: Request,
    session: SessionDep,
    signed_in: SignedInDep,
    vacancy_id: str,
    saved: bool = False,
    recorded: bool = False,
) -> Response:
    """The vacancy, and the applications to it with their progress (to an employer: ids, status
    and days, as GET /vacancies/{id}/applications gives it)."""
    notice = "saved" if saved else "recorded" if recorded else None

    def work(principal: Principal) -> Response:
        return _vacancy_page(request, session, signed_in, principal, vacancy_id, notice=notice)

    return guarded(request, signed_in, work)


StepName = Literal["applied", "interview", "hired", "rejected"]


@router.post("/{vacancy_id}/applications/{application_id}/steps")
def record_application_step(
    request: Request,
    session: SessionDep,
    signed_in: SignedInDep,
    vacancy_id: str,
    application_id: str,
    form: FormDep,
) -> Response:
    """The step this form records (as PATCH /applications/{id} does), then the vacancy's page;
    a step that cannot be recorded shows why beside its application (422)."""
    text = page_text(page_language(request, signed_in))

    def work(principal: Principal) -> Response:
        visible_vacancy(session, principal, vacancy_id)
        fields = {k: v for k, v in form.items() if k in ("status", "on", "reason") and v}
        problem = None
        try:
            step = NewStep.model_validate(fields)
        except ValidationError as error:
            where = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
            problem = "step_reason" if "reason" in where or not where else "step_day"
            if "status" in where:
                problem = "step_impossible"
        else:
            try:
                record_step(session, principal, application_id, step)
            except (store.ImpossibleStep, RequestValidationError):
                problem = "step_impossible"
        if problem is not None:
            return _vacancy_page(
                request,
                session,
                signed_in,
                principal,
                vacancy_id,
                step_errors={application_id: text.gettext(f"page.employer.error.{problem}")},
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        return _see(f"{_path(vacancy_id)}?recorded=true#application-{quote(application_id)}")

    return guarded(request, signed_in, work)


def install(app: FastAPI) -> None:
    """The employer pages' routes."""
    app.include_router(router)
