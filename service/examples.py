"""Request examples for the OpenAPI docs, taken from the synthetic fixtures."""

from __future__ import annotations

from typing import Any

from fastapi.openapi.models import Example

from matcher.fixtures import load_candidates, load_vacancies


def _body(model: Any) -> dict[str, Any]:
    """The fixture as a client would post it: no id (the server assigns one), no empty fields.

    (The OpenAPI document drops nulls anyway, so a language-light example shows no `dutch`.)
    """
    data: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, exclude={"id"})
    return data


def candidate_examples() -> dict[str, Example]:
    people = load_candidates()
    with_hours = next(c for c in people if c.availability)
    anytime = next(c for c in people if not c.availability)
    return {
        "school_hours": Example(
            summary=f"Available in school hours (fixture {with_hours.id})",
            value=_body(with_hours),
        ),
        "any_time": Example(
            summary=f"Available at any time (fixture {anytime.id})", value=_body(anytime)
        ),
    }


def vacancy_examples() -> dict[str, Example]:
    jobs = load_vacancies()
    light = next(v for v in jobs if v.language.dutch is None)
    dutch = next(v for v in jobs if v.language.dutch is not None)
    return {
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
