"""Vacancies: employers post and change their own; jobhunters and coordinators see them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from matcher import Vacancy
from matcher.models import VacancyStatus
from matcher.travel.geo import postcode_place
from service import store
from service.deps import SessionDep, VacancyUser, employer_scope, require_own_employer, sees
from service.examples import VACANCY_PATCHES
from service.formats import Formats, document_response, document_responses
from service.patch import MERGE_PATCH, patched
from service.queries import PostcodeQuery
from service.routers import VacancyId, errors, location, require_path_id
from service.schemas import VacancyPage
from service.sheets.workbooks import vacancies_sheet
from service.store import Principal

router = APIRouter(prefix="/vacancies", tags=["vacancies"])

# Its examples, from the fixtures, are added to the built document (service.examples).
VacancyBody = Annotated[Vacancy, Body()]


async def _posted_json(request: Request) -> Any:
    """The body as JSON (validated in the route, once the key is known: see create_vacancy)."""
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if not (
        kind == "application/json" or kind.startswith("application/") and kind.endswith("+json")
    ):
        # As FastAPI refuses another content type for a body parameter.
        raise RequestValidationError(
            [{"type": "model_attributes_type", "loc": ["body"], "msg": "send the vacancy as JSON"}]
        )
    try:
        return await request.json()  # cached by the app's check of every body
    except UnicodeDecodeError as error:  # as FastAPI answers for a body parameter
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "the body is not UTF-8 text") from error
    except ValueError as error:
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ["body"], "msg": "the body is not JSON"}]
        ) from error


def posted_vacancy(body: Any, principal: Principal) -> Vacancy:
    """The vacancy posted (pydantic's ValidationError if it is not one): with an employer key or
    session, `employer` may be left out (it is theirs)."""
    if principal.role == "employer" and isinstance(body, dict) and "employer" not in body:
        body = {**body, "employer": principal.employer}
    return Vacancy.model_validate(body)


def _posted_vacancy(body: Any, principal: Principal) -> Vacancy:
    try:
        return posted_vacancy(body, principal)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from error


# The body is read as the Vacancy it is, published so; only its `employer` is read knowing the
# key (an employer key may leave it out), which a body parameter cannot do.
_VACANCY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Vacancy"},
            }
        },
    },
    # What FastAPI states for a route with a body parameter, which this one reads itself.
    "responses": {
        "422": {
            "description": "Validation Error",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}
            },
        }
    },
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 401, 403, 409, 413),
    openapi_extra=_VACANCY_BODY,
)
def create_vacancy(
    session: SessionDep,
    principal: VacancyUser,
    body: Annotated[Any, Depends(_posted_json)],
    response: Response,
) -> Vacancy:
    """Post a vacancy; `language.dutch: null` with contact languages makes it language-light.

    Leave `id` out to get a new one; a deleted vacancy's id is never given out again (409). With
    an employer key, `employer` may be left out: it is the key's."""
    created = post_vacancy(session, principal, _posted_vacancy(body, principal))
    response.headers["Location"] = location("vacancies", str(created.id))
    return created


def post_vacancy(session: Session, principal: Principal, vacancy: Vacancy) -> Vacancy:
    """Store a new vacancy, only for the caller's own employer if they are one (403)."""
    require_own_employer(principal, vacancy.employer, "body.employer")
    return store.create_vacancy(session, vacancy=vacancy)


@router.get(
    "",
    response_model=VacancyPage,
    responses={**document_responses("csv", "xlsx"), **errors(401, 403)},
)
def list_vacancies(
    session: SessionDep,
    principal: VacancyUser,
    language_light: Annotated[
        bool | None, Query(description="true: Dutch not required; false: Dutch required")
    ] = None,
    employer: Annotated[str | None, Query(max_length=200)] = None,
    status_: Annotated[VacancyStatus | None, Query(alias="status")] = None,
    postcode: Annotated[
        PostcodeQuery | None, Query(description="Only vacancies at this postcode")
    ] = None,
    near: Annotated[
        PostcodeQuery | None,
        Query(description="With within_km: only vacancies this close to the postcode's point"),
    ] = None,
    within_km: Annotated[
        float | None,
        Query(gt=0, le=500, description="With near: the greatest distance, crow-fly, in km"),
    ] = None,
    title: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Text inside the title (letter case and accents aside)",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    kind: Annotated[str | None, Depends(Formats("csv", "xlsx"))] = None,
) -> VacancyPage | Response:
    """Vacancies in id order, a page at a time; an employer key sees only its own. `count` is
    how many match every filter given."""
    if employer is not None:
        require_own_employer(principal, employer, "query employer")
    where = store.VacancyFilter(
        employer=employer,
        status=status_,
        language_light=language_light,
        postcode=postcode,
        title=title,
        near=_near(near, within_km),
    )
    if kind is not None:
        # Every matching vacancy (no pages) in the import template's columns, which POST
        # /imports/vacancies reads back; the template's headers are Dutch whatever the reader's.
        every = vacancies_for(session, principal, where=where, limit=_EVERY, offset=0).data
        return document_response(
            vacancies_sheet(every, kind="csv" if kind == "csv" else "xlsx"), kind, "vacatures", "nl"
        )
    return vacancies_for(session, principal, where=where, limit=limit, offset=offset)


_EVERY = 1_000_000
"""More vacancies than a programme has: a sheet holds every one matching."""


def vacancies_for(
    session: Session, principal: Principal, *, where: store.VacancyFilter, limit: int, offset: int
) -> VacancyPage:
    """A page of the vacancies matching that the caller may see: an employer only its own."""
    where = replace(where, employer=employer_scope(principal) or where.employer)
    jobs, count = store.list_vacancies(session, where=where, limit=limit, offset=offset)
    return VacancyPage(data=jobs, count=count, limit=limit, offset=offset)


def _near(postcode: str | None, km: float | None) -> store.Near | None:
    """`near` and `within_km` go together (422 naming the one missing)."""
    if postcode is None and km is None:
        return None
    if postcode is None or km is None:
        missing, given = ("near", "within_km") if postcode is None else ("within_km", "near")
        raise RequestValidationError(
            [
                {
                    "type": "missing",
                    "loc": ["query", missing],
                    "msg": f"{missing} is required with {given}",
                }
            ]
        )
    place = postcode_place(postcode)
    assert place is not None  # PostcodeQuery let only known postcodes through
    return store.Near(lat=place.lat, lon=place.lon, km=km)


@router.get("/{vacancy_id}", responses=errors(401, 403, 404))
def get_vacancy(session: SessionDep, principal: VacancyUser, vacancy_id: VacancyId) -> Vacancy:
    """A vacancy; to an employer key, another employer's is as missing (404) as no vacancy."""
    return visible_vacancy(session, principal, vacancy_id)


def visible_vacancy(session: Session, principal: Principal, vacancy_id: str) -> Vacancy:
    """The vacancy if the caller may see it; store.NotFound otherwise (another employer's is as
    missing to an employer as no vacancy)."""
    vacancy = store.get_vacancy(session, vacancy_id=vacancy_id)
    if vacancy is None or not sees(principal, vacancy.employer):
        raise store.vacancy_not_found(vacancy_id)
    return vacancy


@router.put("/{vacancy_id}", responses=errors(400, 401, 403, 404, 413))
def replace_vacancy(
    session: SessionDep, principal: VacancyUser, vacancy_id: VacancyId, vacancy: VacancyBody
) -> Vacancy:
    """Change a vacancy (set `status` to closed or filled to take it out of shortlists)."""
    require_path_id(vacancy.id, vacancy_id)
    require_own_employer(principal, vacancy.employer, "body.employer")
    return store.replace_vacancy(
        session,
        vacancy=vacancy.model_copy(update={"id": vacancy_id}),
        owner=employer_scope(principal),
    )


@router.patch("/{vacancy_id}", responses=errors(400, 401, 403, 404, 413))
def patch_vacancy(
    session: SessionDep,
    principal: VacancyUser,
    vacancy_id: VacancyId,
    patch: Annotated[
        dict[str, Any], Body(media_type=MERGE_PATCH, openapi_examples=VACANCY_PATCHES)
    ],
) -> Vacancy:
    """Change some fields: a JSON merge patch (RFC 7396; `application/merge-patch+json` or
    `application/json`). Members given replace the stored ones (objects are merged), `null`
    removes one (back to its default); the result is checked whole, as a PUT of it would be
    (422 naming the field, nothing stored). An `id`, if given, must be the path's; an employer
    key patches only its own vacancies (another's is 404, as a missing one)."""

    return change_vacancy(
        session,
        principal,
        vacancy_id,
        lambda stored: patched(Vacancy, stored, patch, vacancy_id),
    )


def change_vacancy(
    session: Session,
    principal: Principal,
    vacancy_id: str,
    change: Callable[[dict[str, Any]], Vacancy],
) -> Vacancy:
    """Store `change(stored JSON)` over the vacancy: an employer changes only its own (another's
    is as missing, NotFound) and may not hand it to another employer (403)."""

    def checked(stored: dict[str, Any]) -> Vacancy:
        vacancy = change(stored)
        require_own_employer(principal, vacancy.employer, "body.employer")
        return vacancy

    return store.patch_vacancy(
        session, vacancy_id=vacancy_id, change=checked, owner=employer_scope(principal)
    )


@router.delete(
    "/{vacancy_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404)
)
def delete_vacancy(session: SessionDep, principal: VacancyUser, vacancy_id: VacancyId) -> None:
    """Take a vacancy away: one with applications is archived (status `closed`, kept with its
    history, so its applications keep their title and employer); one without is removed and its
    id never given out again."""
    store.delete_vacancy(session, vacancy_id=vacancy_id, owner=employer_scope(principal))
