"""One APIRouter per resource: health, candidates, vacancies, shortlists, applications, stats,
weights, keys, barriers, plans."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import HTTPException, Path, status

from matcher.models import Identifier
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
    # The id's own rules come from `Identifier` (the type the body's `id` has too), so a path
    # can name every id a body was allowed to create.
    return Path(
        description="The id as created, percent-encoded: 1 to 64 characters of any script, no"
        " spaces, controls or ASCII punctuation other than _ . : -",
        examples=[example],
    )


def location(collection: str, record_id: str) -> str:
    """The path of a created record, for its `Location` header.

    Headers are Latin-1 on the wire, so a Cyrillic or Arabic-Indic id written as it is would
    fail the response; percent-encoded UTF-8 is ASCII. The ids "." and ".." have their dots
    encoded too, since clients resolve them as dot segments (RFC 3986) before sending.
    """
    segment = quote(record_id, safe=":")
    if record_id in {".", ".."}:
        segment = segment.replace(".", "%2E")
    return f"/{collection}/{segment}"


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


ApplicationId = Annotated[Identifier, _id_param("a-0001")]
CandidateId = Annotated[Identifier, _id_param("c-0002")]
VacancyId = Annotated[Identifier, _id_param("v-0002")]
