"""One APIRouter per resource: health, candidates, vacancies, shortlists, applications, stats,
weights, keys, barriers, plans."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import HTTPException, Path, status

from service.schemas import Message

_ERRORS = {
    400: "The body is not JSON text at all (e.g. not UTF-8)",
    401: "No X-API-Key header, or a key that is unknown or revoked",
    403: "The key's role (or employer) may not do this",
    404: "No such id",
    409: "The id exists already (or, for weights, someone changed them first)",
    413: "The request body is larger than the service accepts",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error codes, each a `{"detail": "..."}` body."""
    return {code: {"model": Message, "description": _ERRORS[code]} for code in codes}


def _id_param(example: str) -> Any:
    return Path(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The id: letters, digits and _ . : - (at most 64)",
        examples=[example],
    )


def require_path_id(body_id: str | None, path_id: str) -> None:
    """A body may repeat the path's id, not name another (422 on `body.id` otherwise)."""
    if body_id is not None and body_id != path_id:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [
                {
                    "loc": ["body", "id"],
                    "msg": f"id '{body_id}' differs from the path's '{path_id}'",
                    "type": "value_error",
                }
            ],
        )


ApplicationId = Annotated[str, _id_param("a-0001")]
CandidateId = Annotated[str, _id_param("c-0002")]
VacancyId = Annotated[str, _id_param("v-0002")]
