"""The coordinators' pages: the programme's figures as charts, the weights, accounts, attention."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, cast, get_args

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from matcher.outcomes.programme import STAGES, pace
from matcher.reasons import page_text
from matcher.weights import FEATURES
from service import store
from service.deps import CatalogDep, SessionDep, SettingsDep, SignedInDep
from service.routers.accounts import AccountIn, AccountPatch, change_account, create_account
from service.routers.barriers import barrier_overview, stats_pair_limit
from service.routers.stats import figures as programme_figures
from service.routers.weights import current_weights, set_weights, weights_history
from service.schemas import WeightsIn
from service.store import Principal, Role, SignedIn
from service.web.coach import attention_today
from service.web.render import page_language, render

router = APIRouter(include_in_schema=False)

BARRIER_SAMPLE = 30
"""Ready people the figures page scores for its barriers chart, spread over all of them: some
0.2 s on the fixtures (all 290 take 1.3 s); `GET /stats/barriers` scores everyone."""
HISTORY_SHOWN = 50
"""Weight versions listed on the weights page, newest first."""


# ---------------------------------------------------------------- who may open these pages


class NotForRole(Exception):
    """A signed-in account whose role these pages are not for (403, said on a page)."""

    def __init__(self, signed_in: SignedIn) -> None:
        self.signed_in = signed_in


class PageRole:
    """A signed-in account of one of these roles (as the JSON routes allow); NotForRole else."""

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    async def __call__(self, signed_in: SignedInDep) -> SignedIn:
        if signed_in.account.role not in self.roles:
            raise NotForRole(signed_in)
        return signed_in


CoordinatorIn = Annotated[SignedIn, Depends(PageRole("coordinator"))]
AccountManagerIn = Annotated[SignedIn, Depends(PageRole("admin", "coordinator"))]


async def form_fields(request: Request) -> dict[str, str]:
    """The form's text fields (after the CSRF check has read them too)."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)


def _page(request: Request, signed_in: SignedIn, template: str, **context: Any) -> Response:
    return render(
        request,
        f"coordinator/{template}.html",
        page=f"coordinator-{template}",
        signed_in=signed_in,
        section=template,
        **context,
    )


# ---------------------------------------------------------------- charts, drawn as SVG


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, each with its label above it: long labels in any language fit."""

    bars: list[Bar]
    width: int
    height: int
    bar_height: int
    row: int


BAR_CHART_WIDTH = 480
MONTH_CHART_WIDTH = 900


def bar_chart(items: list[tuple[str, int]]) -> BarChart:
    row, bar_height, room_for_value = 46, 18, 56
    largest = max((v for _, v in items), default=0) or 1
    span = BAR_CHART_WIDTH - room_for_value
    bars = [
        Bar(label, value, y=i * row, width=max(value / largest * span, 2 if value else 0))
        for i, (label, value) in enumerate(items)
    ]
    return BarChart(bars, BAR_CHART_WIDTH, max(len(items) * row, row), bar_height, row)


@dataclass(frozen=True)
class Month:
    month: str
    hires: int
    hired_so_far: int
    pace: float
    x: float
    bar_y: float
    bar_height: float
    line_y: float
    pace_y: float
    labelled: bool


@dataclass(frozen=True)
class MonthChart:
    """Hires per month as bars, hires so far as a line, and the pace to the target dashed."""

    months: list[Month]
    width: int
    height: int
    left: int
    top: int
    bottom: float
    slot: float
    ticks: list[tuple[int, float]]
    line: str
    pace_line: str


def month_chart(per_month: list[dict[str, Any]], pace_by_month: list[float]) -> MonthChart:
    width, height, left, right, top, below = MONTH_CHART_WIDTH, 320, 48, 12, 12, 40
    plot_w, plot_h = width - left - right, height - top - below
    bottom = top + plot_h
    so_far: list[int] = []
    total = 0
    for month in per_month:
        total += month["hires"]
        so_far.append(total)
    highest = max([*so_far, *pace_by_month, 1])
    step = _nice_step(highest / 4)
    top_value = step * math.ceil(highest / step)
    slot = plot_w / max(len(per_month), 1)
    every = math.ceil(len(per_month) / 12)

    def y(value: float) -> float:
        return round(bottom - value / top_value * plot_h, 1)

    months = [
        Month(
            month=m["month"],
            hires=m["hires"],
            hired_so_far=so_far[i],
            pace=pace_by_month[i],
            x=round(left + i * slot, 1),
            bar_y=y(m["hires"]),
            bar_height=round(bottom - y(m["hires"]), 1),
            line_y=y(so_far[i]),
            pace_y=y(pace_by_month[i]),
            labelled=(len(per_month) - 1 - i) % every == 0,
        )
        for i, m in enumerate(per_month)
    ]
    centre = slot / 2
    return MonthChart(
        months=months,
        width=width,
        height=height,
        left=left,
        top=top,
        bottom=bottom,
        slot=round(slot, 1),
        ticks=[(v, y(v)) for v in range(0, int(top_value) + 1, int(step))],
        line=" ".join(f"{m.x + centre:.1f},{m.line_y}" for m in months),
        pace_line=" ".join(f"{m.x + centre:.1f},{m.pace_y}" for m in months),
    )


def _nice_step(rough: float) -> int:
    """1, 2, 5, 10, 20, 50, ...: the first at least `rough`."""
    magnitude = 10 ** max(math.floor(math.log10(max(rough, 1))), 0)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= rough:
            return int(factor * magnitude)
    return int(10 * magnitude)


def _month_end(month: str, as_of: date) -> date:
    year, number = (int(part) for part in month.split("-"))
    return min(date(year, number, calendar.monthrange(year, number)[1]), as_of)


# ---------------------------------------------------------------- the figures


@router.get("/figures")
def figures_page(
    request: Request, session: SessionDep, catalog: CatalogDep, signed_in: CoordinatorIn
) -> Response:
    """GET /stats and GET /stats/barriers (over a sample of the ready people), as charts."""
    language = page_language(request, signed_in)
    text = page_text(language)
    found = programme_figures(session, catalog).as_dict()
    programme = store.get_programme(session).programme
    as_of = date.fromisoformat(found["as_of"])
    pace_by_month = [
        pace(programme, [], as_of=_month_end(m["month"], as_of)).expected_by_now
        for m in found["per_month"]
    ]
    barriers: dict[str, Any] | None
    try:
        barriers = barrier_overview(
            session,
            catalog,
            limit=stats_pair_limit(),
            language=language,
            sample=BARRIER_SAMPLE,
        )
    except HTTPException:
        barriers = None
    stages = [
        (text.gettext(f"page.coordinator.stage.{s}"), found["candidates_per_stage"][s])
        for s in STAGES
    ]
    reasons = [
        (text.gettext(f"page.coordinator.reason.{r}"), n)
        for r, n in sorted(found["rejection_reasons"].items(), key=lambda item: -item[1])
    ]
    return _page(
        request,
        signed_in,
        "figures",
        figures=found,
        stages=bar_chart(stages),
        months=month_chart(found["per_month"], pace_by_month),
        reasons=bar_chart(reasons),
        barriers=barriers,
        barrier_chart=bar_chart([(c["label"], c["people"]) for c in barriers["changes"]])
        if barriers
        else None,
        percent=round(found["placements"]["share_of_target"] * 100),
    )


# ---------------------------------------------------------------- the weights


@router.get("/coordinator/weights")
def weights_page(
    request: Request, session: SessionDep, signed_in: CoordinatorIn, saved: int | None = None
) -> Response:
    return _weights_page(request, session, signed_in, saved=saved)


def _weights_page(
    request: Request,
    session: SessionDep,
    signed_in: SignedIn,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    form_error: str | None = None,
    saved: int | None = None,
    status_code: int = 200,
) -> Response:
    principal = Principal.of(signed_in.account)
    current = current_weights(session, principal)
    values = typed or {
        **{f: f"{current.weights[f]:g}" for f in FEATURES},
        "note": "",
        "version": str(current.version + 1),
    }
    return render(
        request,
        "coordinator/weights.html",
        page="coordinator-weights",
        signed_in=signed_in,
        section="weights",
        status_code=status_code,
        here="/coordinator/weights",
        current=current,
        history=weights_history(session, principal, limit=HISTORY_SHOWN, offset=0),
        features=FEATURES,
        values=values,
        errors=errors or {},
        form_error=form_error,
        saved=saved,
        when=_when,
    )


@router.post("/coordinator/weights")
def save_weights(
    request: Request, session: SessionDep, signed_in: CoordinatorIn, form: FormFields
) -> Response:
    """PUT /weights from a form: the next version, or the form again with what was typed (409
    when someone saved a version first; 422 for a weight that is not one)."""
    text = page_text(page_language(request, signed_in))
    typed = {f: form.get(f"weight_{f}", "").strip() for f in FEATURES}
    typed["note"] = form.get("note", "")
    typed["version"] = form.get("version", "")
    errors: dict[str, str] = {}
    weights: dict[str, float] = {}
    for feature in FEATURES:
        try:
            weights[feature] = float(typed[feature].replace(",", "."))
        except ValueError:
            errors[feature] = text.gettext("page.coordinator.weights.not_a_number")
            continue
        if not 0 <= weights[feature] <= 100:
            errors[feature] = text.gettext("page.coordinator.weights.out_of_range")
    form_error = None
    body = None
    if not errors:
        try:
            body = WeightsIn(
                weights=weights,
                note=typed["note"].strip() or None,
                version=int(typed["version"]) if typed["version"].isdigit() else None,
            )
        except ValidationError as error:
            if any(e["loc"][:1] == ("note",) for e in error.errors()):
                errors["note"] = text.gettext("page.coordinator.weights.note_too_long")
            else:
                form_error = text.gettext("page.coordinator.weights.all_zero")
    if body is None:
        return _weights_page(
            request,
            session,
            signed_in,
            typed=typed,
            errors=errors,
            form_error=form_error,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    principal = Principal.of(signed_in.account)
    try:
        saved = set_weights(session, principal, body)
    except store.VersionConflict:
        session.rollback()
        latest = current_weights(session, principal).version
        return _weights_page(
            request,
            session,
            signed_in,
            typed={**typed, "version": str(latest + 1)},
            form_error=text.gettext("page.coordinator.weights.conflict", version=latest),
            status_code=status.HTTP_409_CONFLICT,
        )
    return _see(f"/coordinator/weights?saved={saved.version}")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


# ---------------------------------------------------------------- the accounts

ROLES: tuple[Role, ...] = get_args(Role)


@router.get("/coordinator/accounts")
def accounts_page(
    request: Request,
    session: SessionDep,
    signed_in: AccountManagerIn,
    disabled: str | None = None,
    enabled: str | None = None,
) -> Response:
    text = page_text(page_language(request, signed_in))
    notice = None
    for key, changed in (("disabled_now", disabled), ("enabled_now", enabled)):
        found = store.get_account(session, account_id=changed) if changed else None
        if found is not None:
            notice = text.gettext(f"page.coordinator.accounts.{key}", name=found.name)
    return _accounts_page(request, session, signed_in, notice=notice)


def _accounts_page(
    request: Request,
    session: SessionDep,
    signed_in: SignedIn,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    created: dict[str, str] | None = None,
    form_error: str | None = None,
    status_code: int = 200,
) -> Response:
    text = page_text(page_language(request, signed_in))
    manager = signed_in.account.role
    return render(
        request,
        "coordinator/accounts.html",
        page="coordinator-accounts",
        signed_in=signed_in,
        section="accounts",
        status_code=status_code,
        here="/coordinator/accounts",
        accounts=store.list_accounts(session),
        roles=[
            (r, text.gettext(f"page.role.{r}")) for r in ROLES if r != "admin" or manager == "admin"
        ],
        role_names={r: text.gettext(f"page.role.{r}") for r in ROLES},
        may_change=lambda account: (
            account.id != signed_in.account.id and (account.role != "admin" or manager == "admin")
        ),
        values=typed or {"name": "", "email": "", "role": "jobhunter", "employer": ""},
        errors=errors or {},
        form_error=form_error,
        notice=notice,
        created=created,
    )


_ACCOUNT_FIELDS = ("name", "email", "role", "employer")


@router.post("/coordinator/accounts")
def new_account(
    request: Request, session: SessionDep, signed_in: AccountManagerIn, form: FormFields
) -> Response:
    """POST /accounts from a form; the password made for the account is shown this once."""
    text = page_text(page_language(request, signed_in))
    typed = {f: form.get(f, "").strip() for f in _ACCOUNT_FIELDS}
    errors: dict[str, str] = {}

    def again(status_code: int = status.HTTP_422_UNPROCESSABLE_CONTENT) -> Response:
        return _accounts_page(
            request, session, signed_in, typed=typed, errors=errors, status_code=status_code
        )

    try:
        body = AccountIn(
            name=typed["name"],
            email=typed["email"],
            role=cast(Role, typed["role"]),
            employer=typed["employer"] or None,
        )
    except ValidationError as error:
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "employer"
            errors.setdefault(field, _account_error(text.gettext, field, typed))
        return again()
    try:
        made = create_account(session, Principal.of(signed_in.account), body)
    except store.AlreadyExists:
        session.rollback()
        errors["email"] = text.gettext("page.coordinator.accounts.email_taken")
        return again(status.HTTP_409_CONFLICT)
    except RequestValidationError:  # the employer is no employer's record
        session.rollback()
        errors["employer"] = text.gettext(
            "page.coordinator.accounts.employer_unknown", employer=typed["employer"]
        )
        return again()
    except HTTPException:  # a coordinator may not make an admin
        session.rollback()
        errors["role"] = text.gettext("page.coordinator.accounts.role_invalid")
        return again(status.HTTP_403_FORBIDDEN)
    return _accounts_page(
        request,
        session,
        signed_in,
        created={"name": made.name, "password": made.password or ""},
        status_code=status.HTTP_201_CREATED,
    )


def _account_error(gettext: Any, field: str, typed: dict[str, str]) -> str:
    if field == "name":
        return str(gettext("page.coordinator.accounts.name_missing"))
    if field == "email":
        return str(gettext("page.coordinator.accounts.email_invalid"))
    if field == "role":
        return str(gettext("page.coordinator.accounts.role_invalid"))
    if typed["role"] == "employer":
        return str(gettext("page.coordinator.accounts.employer_missing"))
    return str(gettext("page.coordinator.accounts.employer_not_for_role"))


@router.post("/coordinator/accounts/{account_id}/disable")
def disable_account(
    request: Request, session: SessionDep, signed_in: AccountManagerIn, account_id: str
) -> Response:
    return _change(request, session, signed_in, account_id, disabled=True)


@router.post("/coordinator/accounts/{account_id}/enable")
def enable_account(
    request: Request, session: SessionDep, signed_in: AccountManagerIn, account_id: str
) -> Response:
    return _change(request, session, signed_in, account_id, disabled=False)


def _change(
    request: Request, session: SessionDep, signed_in: SignedIn, account_id: str, *, disabled: bool
) -> Response:
    """PATCH /accounts/{id} with `disabled`, under its rules (never your own account; only an
    admin changes an admin's)."""
    try:
        change_account(
            session, Principal.of(signed_in.account), account_id, AccountPatch(disabled=disabled)
        )
    except (HTTPException, store.NotFound):
        session.rollback()
        text = page_text(page_language(request, signed_in))
        return _accounts_page(
            request,
            session,
            signed_in,
            form_error=text.gettext("page.coordinator.accounts.refused"),
            status_code=status.HTTP_403_FORBIDDEN,
        )
    return _see(f"/coordinator/accounts?{'disabled' if disabled else 'enabled'}={account_id}")


# ---------------------------------------------------------------- what needs attention


@router.get("/coordinator/attention")
def attention_page(
    request: Request, session: SessionDep, settings: SettingsDep, signed_in: CoordinatorIn
) -> Response:
    """GET /attention, as a coordinator sees it: everyone's."""
    found = attention_today(session, settings, Principal.of(signed_in.account))
    return _page(request, signed_in, "attention", attention=found)


# ---------------------------------------------------------------- installing


def _not_for_role(request: Request, error: Exception) -> Response:
    signed_in = cast(NotForRole, error).signed_in
    text = page_text(page_language(request, signed_in))
    return render(
        request,
        "coordinator/forbidden.html",
        page="coordinator-forbidden",
        signed_in=signed_in,
        status_code=status.HTTP_403_FORBIDDEN,
        role=text.gettext(f"page.role.{signed_in.account.role}"),
    )


def install(app: FastAPI) -> None:
    """The coordinators' routes, and their page for an account of another role."""
    app.include_router(router)
    app.add_exception_handler(NotForRole, _not_for_role)
