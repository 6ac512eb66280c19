"""Schemathesis over the app's own OpenAPI schema, against a live uvicorn on SQLite and
PostgreSQL, with a coordinator's, an employer's and a jobhunter's key: no 5xx, and every response
(status, content type, body) is what the schema says, for valid and invalid requests alike, one
request at a time and in sequences that follow the links between operations (an id a POST
created used in the next GET, PUT, shortlist or DELETE).

(Not `negative_data_rejection`: the key header is always sent, so schemathesis would count it as
accepted invalid data.)

Every failure is collected rather than stopping at the first, so the figures (requests, failures
and accepted writes, per database and key) are complete; they are printed at the end of the
module and, with MATCHER_FUZZ_REPORT=path, appended to that file as JSON lines."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import FlakyStrategyDefinition
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import Case as _Case
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from support import EMPLOYER, LiveServer, make_key, settings_for

from matcher.travel.estimate import MODES
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
# Examples per operation and generation mode (a tenth of it for the jobhunter, whose rights are
# the coordinator's but for the weights), and steps of linked sequences per key. The defaults keep
# the whole module near a minute per database on two cores; raise them for a longer hunt.
EXAMPLES = int(os.environ.get("MATCHER_FUZZ_EXAMPLES", "6"))
STATEFUL_SCENARIOS = int(os.environ.get("MATCHER_FUZZ_SCENARIOS", "12"))
KEYS = ("coordinator", "employer", "jobhunter")
TIMEOUT = 60  # seconds per request; the heavy reports (plans, barriers) on a busy CI runner


def _has_inputs(operation: Operation) -> bool:
    return any(len(group) for group in (operation.path_parameters, operation.query, operation.body))


@dataclass
class Tally:
    """What one database and key saw: requests, failures (deduplicated), 2xx writes."""

    requests: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)

    def check(self, case: Case, response: Any) -> None:
        self.requests += 1
        self.statuses[f"{case.operation.label} {response.status_code}"] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as failure:  # a FailureGroup or one check's failure
            text = f"{case.operation.label}: {type(failure).__name__}: {failure}"
            if text not in self.failures:
                self.failures.append(text)


def as_own_employer(case: Case, role: str) -> None:
    """An employer's vacancy bodies name its own employer, so its writes get past the owner
    check (which no schema can state) and reach the write logic."""
    body = case.body
    if role == "employer" and isinstance(body, dict) and isinstance(body.get("employer"), str):
        body["employer"] = EMPLOYER


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[tuple[LiveServer, FastAPI]]:
    app = create_app(settings_for(database_url))
    with LiveServer(app) as server:
        yield server, app


@pytest.fixture(scope="module")
def sessions(live: tuple[LiveServer, FastAPI]) -> Iterator[dict[str, requests.Session]]:
    made = {}
    for role in KEYS:
        session = requests.Session()
        employer = EMPLOYER if role == "employer" else None
        session.headers["X-API-Key"] = make_key(live[1], role, employer)  # type: ignore[arg-type]
        made[role] = session
    yield made
    for session in made.values():
        session.close()


@pytest.fixture(scope="module")
def tallies(request: pytest.FixtureRequest, database_url: str) -> Iterator[dict[str, Tally]]:
    made = {role: Tally() for role in KEYS}
    yield made
    kind = "postgres" if database_url.startswith("postgresql") else "sqlite"
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    for role, tally in made.items():
        line = {
            "database": kind,
            "key": role,
            "requests": tally.requests,
            "failures": len(tally.failures),
            "accepted_writes": sum(
                n
                for label, n in tally.statuses.items()
                if label.split()[0] in {"POST", "PUT", "PATCH", "DELETE"}
                and label.split()[-1].startswith("2")
            ),
        }
        if reporter is not None:
            reporter.write_line(f"schemathesis: {json.dumps(line)}")
        if path := os.environ.get("MATCHER_FUZZ_REPORT"):
            with open(path, "a", encoding="utf-8") as report:
                report.write(json.dumps(line | {"statuses": dict(tally.statuses)}) + "\n")


CASES = [
    pytest.param(op, mode, id=f"{op.label} {mode.value}")
    for op in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or _has_inputs(op)  # else nothing to get wrong
]


@pytest.mark.slow
@pytest.mark.parametrize(("operation", "mode"), CASES)
def test_the_schema_holds_under_fuzzing(
    live: tuple[LiveServer, FastAPI],
    sessions: dict[str, requests.Session],
    tallies: dict[str, Tally],
    operation: Operation,
    mode: GenerationMode,
) -> None:
    server, _ = live
    failures_before = {role: len(t.failures) for role, t in tallies.items()}
    for role in KEYS:
        examples = EXAMPLES if role != "jobhunter" else max(1, EXAMPLES // 10)

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=examples if _has_inputs(operation) else 1,  # else the same request
            deadline=None,
            database=None,
            phases=[Phase.generate],  # failures are collected, not shrunk
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Case) -> None:
            # The key passed on: schemathesis would otherwise send a made-up one (the security
            # scheme's header) and every request would stop at 401.
            # (run is called right away, so the loop's role is the one meant: noqa B023)
            session = sessions[role]  # noqa: B023
            key = {"X-API-Key": session.headers["X-API-Key"]}
            tally = tallies[role]  # noqa: B023
            as_own_employer(case, role)  # noqa: B023
            try:
                response = case.call(
                    base_url=server.url, session=session, headers=key, timeout=TIMEOUT
                )
            except requests.RequestException as error:  # no answer in time is a failure too
                tally.requests += 1
                tally.failures.append(f"{case.operation.label}: {type(error).__name__}")
                return
            tally.check(case, response)

        run()
    new = [f for role, t in tallies.items() for f in t.failures[failures_before[role] :]]
    assert not new, "\n".join(new)


@pytest.mark.slow
@pytest.mark.parametrize("role", KEYS)
def test_the_schema_holds_along_the_links(
    live: tuple[LiveServer, FastAPI],
    sessions: dict[str, requests.Session],
    tallies: dict[str, Tally],
    role: str,
) -> None:
    server, _ = live
    tally, failures_before = tallies[role], len(tallies[role].failures)

    class Workflow(SCHEMA.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            key = {"X-API-Key": sessions[role].headers["X-API-Key"]}
            return {
                "base_url": server.url,
                "session": sessions[role],
                "headers": key,
                "timeout": TIMEOUT,
            }

        def before_call(self, case: Case) -> None:
            as_own_employer(case, role)

        def validate_response(self, response: Any, case: Case, *_: Any, **__: Any) -> None:
            tally.check(case, response)

    scenarios = STATEFUL_SCENARIOS if role != "jobhunter" else max(1, STATEFUL_SCENARIOS // 4)
    try:
        run_state_machine_as_test(
            Workflow,
            settings=settings(
                max_examples=scenarios,
                stateful_step_count=8,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            ),
        )
    except FlakyStrategyDefinition:
        # Links draw from what earlier steps created on the live server, which a replay cannot
        # recreate; every response was checked as it came (the tally), which is what counts.
        pass
    assert not tally.failures[failures_before:], "\n".join(tally.failures[failures_before:])


def test_every_shortlist_line_conforms_to_the_published_schema(
    live: tuple[LiveServer, FastAPI], sessions: dict[str, requests.Session]
) -> None:
    """Every commute mode the engine can emit is in the published enum (a generated client
    refuses a value it does not know): fixture people's whole shortlists, blocked lines included,
    checked by schemathesis against the operation's 200 schema."""
    server, _ = live
    http = sessions["coordinator"]
    operation = SCHEMA["/candidates/{candidate_id}/shortlist"]["GET"]
    people = http.get(f"{server.url}/candidates", params={"limit": 500}).json()["data"]
    modes: Counter[str] = Counter()
    for person in people[::10]:  # forty people, a few thousand lines: all five modes occur
        case = operation.Case(
            path_parameters={"candidate_id": person["id"]},
            query={"top": 100, "include_blocked": True},
        )
        response = case.call(base_url=server.url, session=http)
        assert response.status_code == 200, response.text
        case.validate_response(response, checks=[response_schema_conformance])
        modes.update(line["features"]["commute"]["mode"] for line in response.json()["results"])
    assert set(modes) == set(MODES)  # employer_transport included, the value it once lacked


def test_schema_valid_bodies_are_mostly_accepted() -> None:
    """The schema states what is checked (postcodes, clock times, coordinates' range, a postcode
    or both coordinates, the language rule, one weight per feature), so most bodies valid by it
    get past validation (it was 5-6% for people and vacancies, 0% for weights)."""
    from benchmarks.schema_acceptance import BODIES, acceptance_share

    for (path, method), model in BODIES.items():
        # 200 bodies each (about 8 s): at 60 the share of one body swung across the line as
        # unrelated schema changes reshuffled the generated bodies.
        accepted, total = acceptance_share(SCHEMA[path][method], model, 200)
        assert accepted >= 0.5 * total, f"{method} {path}: {accepted}/{total}"
