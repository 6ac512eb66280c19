"""JSON merge patch (RFC 7396) of a stored document, validated whole as the model it stores."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from service.routers import require_path_id

MERGE_PATCH = "application/merge-patch+json"

Model = TypeVar("Model", bound=BaseModel)


def merge(target: Any, patch: Any) -> Any:
    """`patch` merged into `target`: a member set to null is removed, an object is merged into
    the object it names, anything else (a list too) replaces what was there."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge(merged.get(name), value)
    return merged


def patched(
    model: type[Model], stored: dict[str, Any], patch: dict[str, Any], path_id: str
) -> Model:
    """The stored document with `patch` merged, validated as a whole as `model`, with the
    path's id: 422 naming each field that is wrong in the result (at `body.<field>`, as a PUT
    of it would say), and on `body.id` if the patch names another id."""
    require_path_id(_named_id(patch), path_id)
    document = merge(stored, patch)
    document["id"] = path_id
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise RequestValidationError(
            [
                {
                    "type": e["type"],
                    "loc": ["body", *e["loc"]],
                    "msg": e["msg"],
                    # Only what the caller sent or could read; a whole object is not echoed.
                    **({"input": e["input"]} if _scalar(e.get("input")) else {}),
                }
                for e in error.errors(include_url=False)
            ]
        ) from None


def _named_id(patch: dict[str, Any]) -> str | None:
    ident = patch.get("id")
    return None if ident is None else str(ident)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
