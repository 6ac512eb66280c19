"""One definition of an id: every id a body may create, a path can name, so it can be read,
changed, shortlisted and erased; the pattern the schema publishes means what the service checks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from typing import Annotated, Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import StringConstraints, TypeAdapter, ValidationError
from support import EMPLOYER, as_role, candidate_body, vacancy_body

from matcher.models import ID_PATTERN, Identifier
from service.app import create_app
from service.settings import Settings

# What bodies were checked with before: Unicode \w (pydantic checks patterns with Rust's regex).
EARLIER_BODY_ID = Annotated[str, StringConstraints(pattern=r"^[\w.:-]+$")]
EVERY_CHARACTER = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


def accepted(adapter: TypeAdapter[str], text: str) -> bool:
    try:
        adapter.validate_python(text)
    except ValidationError:
        return False
    return True


def test_every_id_a_body_could_create_before_is_still_an_id() -> None:
    earlier = TypeAdapter(EARLIER_BODY_ID)
    now = TypeAdapter(Identifier)
    lost = [hex(ord(c)) for c in EVERY_CHARACTER if accepted(earlier, c) and not accepted(now, c)]
    assert lost == []
    assert accepted(now, "c-é1") and accepted(now, "c-ж1") and accepted(now, "c-٣٤")


def test_the_published_id_pattern_means_what_is_checked() -> None:
    """The same characters pass the check (Rust regex), Python's `re` (what schemathesis and
    hypothesis generate from) and, where node is installed, ECMA-262 (what the schema means)."""
    published = {
        json.dumps(schema)
        for schema in _id_schemas(create_app(Settings()).openapi())
        if "pattern" in schema
    }
    assert published == {json.dumps({"pattern": ID_PATTERN, "minLength": 1, "maxLength": 64})}
    checked = TypeAdapter(Identifier)
    python = re.compile(ID_PATTERN)
    refused = [ord(c) for c in EVERY_CHARACTER if not accepted(checked, c)]
    assert refused == [ord(c) for c in EVERY_CHARACTER if not python.search(c)]
    assert ord("/") in refused and ord("%") in refused and ord(" ") in refused
    node = shutil.which("node")
    if node is None:
        return
    script = (
        f"const re = new RegExp({json.dumps(ID_PATTERN)}); const refused = [];"
        " for (let c = 0; c <= 0x10FFFF; c++) { if (c >= 0xD800 && c <= 0xDFFF) continue;"
        " if (!re.test(String.fromCodePoint(c))) refused.push(c); }"
        " console.log(JSON.stringify(refused));"
    )
    ran = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(ran.stdout) == refused
    astral = "c-\U0001d400\U00020000"  # a mathematical letter and a CJK ideograph: UTF-16 pairs
    check = f"console.log(new RegExp({json.dumps(ID_PATTERN)}).test({json.dumps(astral)}))"
    ran = subprocess.run([node, "-e", check], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "true" and accepted(checked, astral)


def _id_schemas(node: Any) -> list[dict[str, Any]]:
    """Every schema in the OpenAPI document that constrains an id (its pattern and lengths)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("maxLength") == 64 or node.get("pattern", "").startswith("^[^\\x00"):
            found.append({k: node[k] for k in ("pattern", "minLength", "maxLength") if k in node})
        for value in node.values():
            found.extend(_id_schemas(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_id_schemas(value))
    return found


def in_path(record_id: str) -> str:
    """Every byte percent-encoded, as a client that quotes everything sends it."""
    return "".join(f"%{byte:02X}" for byte in record_id.encode())


IDS = st.one_of(
    st.sampled_from(["c-é1", "c-ж1", "c-٣٤", ".", "..", "a:b.c_d-e", "x\u200dy", " padded "]),
    st.from_regex(ID_PATTERN, fullmatch=True).filter(lambda s: len(s) <= 64),
    st.text(
        st.characters(categories=("L", "M", "N", "Pc")) | st.sampled_from("._:-"),
        min_size=1,
        max_size=64,
    ),
    st.text(max_size=70),  # anything at all: refused or reachable, never a 500
)


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=IDS)
def test_an_id_accepted_at_creation_stays_reachable_and_erasable(
    client: TestClient, app: FastAPI, keys: dict[str, str], raw: str
) -> None:
    coordinator, employer = as_role(keys, "coordinator"), as_role(keys, "employer")

    person = candidate_body(id=None) | {"id": raw}
    created = client.post("/candidates", json=person, headers=coordinator)
    assert created.status_code in (201, 409, 422), created.text
    event(f"candidate id: {created.status_code}")
    if created.status_code != 201:
        return
    candidate_id = created.json()["id"]
    path = f"/candidates/{in_path(candidate_id)}"
    assert created.headers["location"].isascii()
    assert client.get(created.headers["location"], headers=coordinator).json() == created.json()
    assert client.get(path, headers=coordinator).json()["id"] == candidate_id
    changed = client.put(path, json=person | {"stage": "activation"}, headers=coordinator)
    assert changed.status_code == 200, changed.text
    assert client.get(f"{path}/shortlist", headers=coordinator).status_code == 200

    application_made = False
    job = vacancy_body(id=None, employer=EMPLOYER) | {"id": raw}
    posted = client.post("/vacancies", json=job, headers=employer)
    if posted.status_code == 201:  # 409 when an earlier example used (and retired) the id
        job_path = f"/vacancies/{in_path(candidate_id)}"
        assert posted.headers["location"].isascii()
        assert client.get(posted.headers["location"], headers=employer).status_code == 200
        assert client.get(job_path, headers=employer).json()["id"] == candidate_id
        closed = client.put(job_path, json=job | {"status": "closed"}, headers=employer)
        assert closed.status_code == 200, closed.text
        assert client.get(f"{job_path}/shortlist", headers=coordinator).status_code == 200

        proposal = {"candidate_id": candidate_id, "vacancy_id": candidate_id, "id": raw}
        proposed = client.post("/applications", json=proposal, headers=coordinator)
        assert proposed.status_code in (201, 409), proposed.text
        application_made = proposed.status_code == 201
        if application_made:
            application_path = f"/applications/{in_path(candidate_id)}"
            assert proposed.headers["location"].isascii()
            assert client.get(proposed.headers["location"], headers=coordinator).status_code == 200
            step = {"status": "applied", "on": proposed.json()["proposed_on"]}
            stepped = client.patch(application_path, json=step, headers=coordinator)
            assert stepped.status_code == 200, stepped.text
            listed = client.get(f"{path}/applications", headers=coordinator).json()
            assert [a["id"] for a in listed] == [candidate_id]

    assert client.delete(path, headers=coordinator).status_code == 204
    assert client.get(path, headers=coordinator).status_code == 404
    if application_made:  # erased with the person
        gone = client.get(f"/applications/{in_path(candidate_id)}", headers=coordinator)
        assert gone.status_code == 404
    if posted.status_code == 201:
        # Without its application (erased with the person) the vacancy has no history left, so
        # DELETE removes it rather than archiving it.
        deleted = client.delete(job_path, headers=employer)
        assert deleted.status_code == 204, deleted.text
        assert client.get(job_path, headers=employer).status_code == 404
