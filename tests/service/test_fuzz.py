"""Schemathesis over the app's own OpenAPI schema, against a live uvicorn: no 5xx, and every
response (status, content type, body) is what the schema says, for valid and invalid requests.

(Not `negative_data_rejection`: the service ignores unknown query parameters, as most do, and
the key header is always sent, so schemathesis would count both as accepted invalid data.)"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import Case as _Case
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from support import LiveServer, make_key, settings_for

from service.app import create_app
from service.settings import Settings

SCHEMA = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
Operation = schemathesis.APIOperation[Any, Any, Any, Any]
Case = _Case[Any]
EXAMPLES = int(os.environ.get("MATCHER_FUZZ_EXAMPLES", "15"))


def _has_inputs(operation: Operation) -> bool:
    return any(len(group) for group in (operation.path_parameters, operation.query, operation.body))


# Negative cases (invalid on purpose) only where there is something to get wrong.
CASES = [
    pytest.param(op, mode, id=f"{op.label} {mode.value}")
    for op in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or _has_inputs(op)
]


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[tuple[LiveServer, FastAPI]]:
    app = create_app(settings_for(database_url))
    with LiveServer(app) as server:
        yield server, app


@pytest.fixture(scope="module")
def http(live: tuple[LiveServer, FastAPI]) -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers["X-API-Key"] = make_key(live[1], "coordinator")
    yield session
    session.close()


@pytest.mark.slow
@pytest.mark.parametrize(("operation", "mode"), CASES)
def test_the_schema_holds_under_fuzzing(
    live: tuple[LiveServer, FastAPI],
    http: requests.Session,
    operation: Operation,
    mode: GenerationMode,
) -> None:
    server, _ = live

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES if _has_inputs(operation) else 2,  # else the same request
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Case) -> None:
        case.call_and_validate(base_url=server.url, session=http, checks=CHECKS)

    run()
