"""Vacancies: employers post and change their own; jobhunters and coordinators see them all."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from matcher import Vacancy
from matcher.models import VacancyStatus
from service import store
from service.deps import SessionDep, VacancyUser, employer_scope, require_own_employer, sees
from service.examples import vacancy_examples
from service.routers import VacancyId, errors, location, require_path_id
from service.schemas import VacancyPage

router = APIRouter(prefix="/vacancies", tags=["vacancies"])

VacancyBody = Annotated[Vacancy, Body(openapi_examples=vacancy_examples())]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(400, 401, 403, 409, 413))
def create_vacancy(
    session: SessionDep, principal: VacancyUser, vacancy: VacancyBody, response: Response
) -> Vacancy:
    """Post a vacancy; `language.dutch: null` with contact languages makes it language-light.

    Leave `id` out to get a new one; a deleted vacancy's id is never given out again (409)."""
    require_own_employer(principal, vacancy.employer, "body.employer")
    created = store.create_vacancy(session, vacancy=vacancy)
    response.headers["Location"] = location("vacancies", str(created.id))
    return created


@router.get("", responses=errors(401, 403))
def list_vacancies(
    session: SessionDep,
    principal: VacancyUser,
    language_light: Annotated[
        bool | None, Query(description="true: Dutch not required; false: Dutch required")
    ] = None,
    employer: Annotated[str | None, Query(max_length=200)] = None,
    status_: Annotated[VacancyStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> VacancyPage:
    """Vacancies in id order, a page at a time; an employer key sees only its own."""
    if employer is not None:
        require_own_employer(principal, employer, "query employer")
    where = store.VacancyFilter(
        employer=employer_scope(principal) or employer,
        status=status_,
        language_light=language_light,
    )
    jobs, count = store.list_vacancies(session, where=where, limit=limit, offset=offset)
    return VacancyPage(data=jobs, count=count, limit=limit, offset=offset)


@router.get("/{vacancy_id}", responses=errors(401, 403, 404))
def get_vacancy(session: SessionDep, principal: VacancyUser, vacancy_id: VacancyId) -> Vacancy:
    """A vacancy; to an employer key, another employer's is as missing (404) as no vacancy."""
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


@router.delete(
    "/{vacancy_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404)
)
def delete_vacancy(session: SessionDep, principal: VacancyUser, vacancy_id: VacancyId) -> None:
    """Take a vacancy away: one with applications is archived (status `closed`, kept with its
    history, so its applications keep their title and employer); one without is removed and its
    id never given out again."""
    store.delete_vacancy(session, vacancy_id=vacancy_id, owner=employer_scope(principal))
