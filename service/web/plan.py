"""This week's plan as a page (POST /plans's proposals per person, each with a propose button),
and a vacancy's candidates for an employer visit, on screen and on one printed page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from matcher.reasons import Language, Translator, translator
from service import store
from service.catalog import Catalog
from service.deps import CatalogDep, SessionDep, SettingsDep
from service.routers.applications import with_vacancies
from service.routers.plans import PlanIn, plan_for
from service.routers.shortlists import vacancy_document, vacancy_shortlist_body
from service.settings import Settings
from service.store import SignedIn
from service.web.coach import (
    DOWNLOADS,
    CoachDep,
    RecordMemo,
    error_page,
    propose_from_page,
    shown_name,
)
from service.web.render import page_language, render

router = APIRouter(include_in_schema=False)

PER_CANDIDATE_MIN, PER_CANDIDATE_MAX, PER_CANDIDATE_DEFAULT = 1, 5, 3
CANDIDATES_SHOWN = 20
"""People on a vacancy's candidates page (and its printed page, which must fit one A4)."""
CANDIDATES_PRINTED = 8


PLANS: RecordMemo[dict[str, Any]] = RecordMemo(32)
"""Plans while the record, the catalog, the weights and the parameters are unchanged: a coach
opens the page again after each proposal (which changes the record, so that line is gone)."""


def _plan(session: Session, catalog: Catalog, body: PlanIn) -> dict[str, Any]:
    fitted = catalog.current(session)
    key = (fitted.catalog_version, fitted.engine.weights.version, body.model_dump_json())
    return PLANS.get(session, key, lambda: plan_for(session, catalog, body))


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)


def _plan_path(whose: str, per_candidate: str, **more: str) -> str:
    return "/plan?" + urlencode({"whose": whose, "per_candidate": per_candidate, **more})


# ---------------------------------------------------------------- this week's plan


def _plan_page(
    request: Request,
    session: Session,
    catalog: Catalog,
    signed_in: SignedIn,
    *,
    whose: str,
    per_candidate: str,
    notice: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The plan for `whose` (mine, all; by default mine when the account coaches anyone ready),
    grouped per person; a bad `per_candidate` shows the form with the error beside it (422)."""
    language = page_language(request, signed_in)
    t = translator(language)
    ready = catalog.candidates_at(session, stages=["ready"])
    mine = [p for p in ready if p.coach and p.coach == signed_in.account.name]
    if whose not in ("mine", "all"):
        whose = "mine" if mine else "all"
    errors: dict[str, str] = {}
    number = per_candidate.strip()
    if not (number.isdigit() and PER_CANDIDATE_MIN <= int(number) <= PER_CANDIDATE_MAX):
        errors["per_candidate"] = t.fill(
            "page.plan.error.per_candidate",
            {"value": per_candidate, "min": PER_CANDIDATE_MIN, "max": PER_CANDIDATE_MAX},
        )
    people = mine if whose == "mine" else ready
    groups: list[dict[str, Any]] = []
    spread: list[dict[str, str]] = []
    if people and not errors:
        body = PlanIn(
            per_candidate=int(number),
            candidate_ids=[str(p.id) for p in people] if whose == "mine" else None,
        )
        try:
            plan = _plan(session, catalog, body)
        except HTTPException as too_large:  # more people than one plan scores: say so
            detail: list[dict[str, Any]] = too_large.detail  # type: ignore[assignment]
            errors["whose"] = str(detail[0]["msg"])
        else:
            spread = _spread(t, plan["summary"])
            by_id = {str(p.id): p for p in people}
            for entry in plan["candidates"]:
                person = by_id[entry["candidate_id"]]
                groups.append(
                    {
                        "id": entry["candidate_id"],
                        "name": shown_name(person),
                        "stage": person.stage,
                        "lines": entry["proposals"],
                    }
                )
    return render(
        request,
        "coach/plan.html",
        page="plan",
        signed_in=signed_in,
        status_code=status_code if not errors else status.HTTP_422_UNPROCESSABLE_CONTENT,
        whose=whose,
        per_candidate=per_candidate,
        choices=range(PER_CANDIDATE_MIN, PER_CANDIDATE_MAX + 1),
        has_mine=bool(mine),
        errors=errors,
        nobody=not people,
        groups=groups,
        proposals=sum(len(g["lines"]) for g in groups),
        spread=spread,
        notice=notice,
    )


SPREAD_ROWS = (
    "proposals",
    "total_score",
    "max_per_vacancy",
    "over_capacity",
    "coverage_reachable",
    "candidates_without",
)
"""What POST /plans's summary says of how evenly proposals spread (the planner's fairness), shown
for the plan and for plain top-k, each person's best whatever the others get."""


def _spread(t: Translator, summary: dict[str, dict[str, float]]) -> list[dict[str, str]]:
    def shown(metric: str, value: float) -> str:
        if metric == "coverage_reachable":
            return t.fill("page.plan.spread.percent", {"percent": round(100 * value)})
        if metric == "total_score":
            return t.decimal(round(value, 1))
        return str(int(value))

    return [
        {
            "label": t.text(f"page.plan.spread.{metric}"),
            "plan": shown(metric, summary["planner"][metric]),
            "top_k": shown(metric, summary["top_k"][metric]),
        }
        for metric in SPREAD_ROWS
    ]


def _proposed_notice(
    session: Session, language: Language, application_id: str
) -> dict[str, Any] | None:
    """What the coach just proposed, named, with the way to it on the person's page."""
    found = store.get_application(session, application_id=application_id)
    if found is None:
        return None
    (application,) = with_vacancies(session, [found])
    person = store.get_candidate(session, candidate_id=application.candidate_id)
    text = translator(language).fill(
        "page.plan.proposed",
        {
            "name": shown_name(person) if person is not None else application.candidate_id,
            "title": application.title or application.vacancy_id,
            "employer": application.employer or "",
        },
    )
    return {
        "text": text,
        "link": f"/people/{application.candidate_id}#application-{application.id}",
        "refused": False,
        "person": application.candidate_id,  # shown in their group, where the page scrolls to
    }


@router.get("/plan")
def plan_page(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    signed_in: CoachDep,
    whose: str = "",
    per_candidate: str = str(PER_CANDIDATE_DEFAULT),
    proposed: str = "",
) -> Response:
    """This week's plan, as POST /plans makes it, for the people one coaches or for everyone
    ready; each line proposes that vacancy to that person."""
    notice = None
    if proposed:
        notice = _proposed_notice(session, page_language(request, signed_in), proposed[:100])
    return _plan_page(
        request,
        session,
        catalog,
        signed_in,
        whose=whose,
        per_candidate=per_candidate,
        notice=notice,
    )


@router.post("/plan/accept")
def accept(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    signed_in: CoachDep,
    candidate_id: Annotated[str, Form()] = "",
    vacancy_id: Annotated[str, Form()] = "",
    whose: Annotated[str, Form()] = "",
    per_candidate: Annotated[str, Form()] = str(PER_CANDIDATE_DEFAULT),
) -> Response:
    """Records the proposal as the person page's propose button does (POST /applications, with
    its snapshot), under the account; then the plan again, that line gone (it is under way)."""
    t = translator(page_language(request, signed_in))
    created = propose_from_page(session, catalog, signed_in, candidate_id, vacancy_id)
    if isinstance(created, Exception):
        refused = created
        under_way = isinstance(refused, store.AlreadyExists)
        # A vacancy closed or filled since the plan was shown is as good as gone for it.
        key = "page.plan.refused.under_way" if under_way else "page.plan.refused.not_found"
        return _plan_page(
            request,
            session,
            catalog,
            signed_in,
            whose=whose,
            per_candidate=per_candidate,
            notice={"text": t.text(key), "link": None, "refused": True},
            status_code=status.HTTP_404_NOT_FOUND
            if isinstance(refused, (ValidationError, store.NotFound))
            else status.HTTP_409_CONFLICT,
        )
    path = _plan_path(whose or "all", per_candidate, proposed=created.id)
    return _see(f"{path}#person-{candidate_id}")


# ---------------------------------------------------------------- a vacancy's candidates


def _candidates_view(
    request: Request,
    session: Session,
    catalog: Catalog,
    settings: Settings,
    signed_in: SignedIn,
    vacancy_id: str,
    *,
    top: int,
) -> dict[str, Any] | None:
    """The vacancy and its ranked people, as GET /vacancies/{id}/shortlist answers it."""
    vacancy = store.get_vacancy(session, vacancy_id=vacancy_id)
    if vacancy is None:
        return None
    language = page_language(request, signed_in)
    body = _ready_candidates(session, catalog, settings, vacancy_id, language, top=top)
    people = {
        str(p.id): p
        for p in store.candidates_with_ids(
            session, ids=[line["candidate_id"] for line in body["results"]]
        )
    }
    lines = [
        {
            "candidate_id": line["candidate_id"],
            "name": shown_name(people[line["candidate_id"]])
            if line["candidate_id"] in people
            else line["candidate_id"],
            "score": line["score"],
            "reasons": [
                reason["message"]
                for feature in line["features"].values()
                for reason in feature["reasons"]
            ],
            # The first reason of each feature is its verdict (the skills asked for, Dutch,
            # the hours, the trip): what an employer reads on one printed page.
            "verdicts": [
                feature["reasons"][0]["message"]
                for feature in line["features"].values()
                if feature["reasons"]
            ],
        }
        for line in body["results"]
    ]
    return {"vacancy": vacancy, "lines": lines, "weights_version": body["weights_version"]}


@router.get("/vacancies/{vacancy_id}/candidates")
def vacancy_candidates(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    signed_in: CoachDep,
    vacancy_id: str,
) -> Response:
    """The people who suit this vacancy best, with why, each with a propose button: what a
    jobhunter takes to an employer visit."""
    return _candidates_page(
        request, session, catalog, settings, signed_in, vacancy_id, printed=False
    )


@router.get("/vacancies/{vacancy_id}/candidates/print")
def vacancy_candidates_print(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    signed_in: CoachDep,
    vacancy_id: str,
) -> Response:
    """One A4 page for the employer: each person's name and the reasons about this job, never
    how to reach them or where they live."""
    return _candidates_page(
        request, session, catalog, settings, signed_in, vacancy_id, printed=True
    )


def _ready_candidates(
    session: Session,
    catalog: Catalog,
    settings: Settings,
    vacancy_id: str,
    language: Language,
    *,
    top: int,
) -> dict[str, Any]:
    """The ready people who fit the vacancy, as GET /vacancies/{id}/shortlist answers it."""
    return vacancy_shortlist_body(
        session,
        catalog,
        settings,
        vacancy_id=vacancy_id,
        top=top,
        include_blocked=False,
        include_history=False,
        stages=["ready"],
        language=language,
    )


@router.get("/vacancies/{vacancy_id}/candidates.{kind}")
def vacancy_candidates_download(
    request: Request,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    signed_in: CoachDep,
    vacancy_id: str,
    kind: str,
) -> Response:
    """The candidates the page shows as GET /vacancies/{id}/shortlist?format= gives them: to
    take to the employer, people by their id only."""
    if store.get_vacancy(session, vacancy_id=vacancy_id) is None or kind not in DOWNLOADS:
        return error_page(request, signed_in, "not_found", status.HTTP_404_NOT_FOUND)
    language = page_language(request, signed_in)
    body = _ready_candidates(session, catalog, settings, vacancy_id, language, top=CANDIDATES_SHOWN)
    return vacancy_document(session, vacancy_id, body, language, kind)


def _candidates_page(
    request: Request,
    session: Session,
    catalog: Catalog,
    settings: Settings,
    signed_in: SignedIn,
    vacancy_id: str,
    *,
    printed: bool,
) -> Response:
    top = CANDIDATES_PRINTED if printed else CANDIDATES_SHOWN
    view = _candidates_view(request, session, catalog, settings, signed_in, vacancy_id, top=top)
    if view is None:
        return error_page(request, signed_in, "not_found", status.HTTP_404_NOT_FOUND)
    return render(
        request,
        "coach/vacancy_print.html" if printed else "coach/vacancy_candidates.html",
        page="vacancy-print" if printed else "vacancy-candidates",
        signed_in=signed_in,
        today=date.today().isoformat(),
        **view,
    )


def install(app: FastAPI) -> None:
    """The plan's and a vacancy's candidates' pages (their 403 for other roles is coach.py's)."""
    app.include_router(router)
