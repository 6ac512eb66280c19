"""A vacancy write is spliced into the fitted engine, not refitted, and cached shortlists that it
cannot change survive it; one it does change is never served stale."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import as_role, candidate_body, settings_for, vacancy_body

from service import catalog
from service.app import create_app

# Far from the fixtures' vacancies, someone who walks at most 10 minutes: only vacancies posted
# next door can be in their shortlist, so what a write does to it is plain to see. Each test has
# a home of its own, kilometres from the others'.
HOMES = {
    name: {"lat": 50.71, "lon": 5.21 + 0.15 * k}
    for k, name in enumerate(
        ["spliced", "kept", "seen", "refit", "always", "left", "many", "share", "apart"]
    )
}
HOMEBOUND: dict[str, Any] = {
    "transport": [],
    "max_commute_minutes": 10,
    "languages": {"nl": "B1", "en": "B2"},
    "skills": ["schoonmaken", "kassa"],
}


def next_door(home: str, km: float = 0.1) -> dict[str, Any]:
    """A place `km` east of that home (70.5 km to a degree of longitude there)."""
    return {"lat": HOMES[home]["lat"], "lon": HOMES[home]["lon"] + km / 70.5}


@pytest.fixture(scope="module")
def who(keys: dict[str, str]) -> dict[str, str]:
    return as_role(keys, "jobhunter")


@pytest.fixture(scope="module")
def fresh(database_url: str) -> Iterator[TestClient]:
    """Another process on the same database, caching no shortlist: what a ranking from scratch
    gives, to compare the cached answers with."""
    other = create_app(settings_for(database_url, load_fixtures=False, shortlist_cache_size=0))
    with TestClient(other) as client:
        yield client


def person(client: TestClient, who: dict[str, str], home: str, **profile: Any) -> str:
    body = candidate_body(home=HOMES[home], **{**HOMEBOUND, **profile})
    assert client.post("/candidates", json=body, headers=who).status_code == 201
    ident: str = body["id"]
    return ident


def listed(client: TestClient, who: dict[str, str], path: str) -> list[dict[str, Any]]:
    response = client.get(path, headers=who)
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def ids(client: TestClient, who: dict[str, str], path: str) -> list[str]:
    return [r["vacancy_id"] for r in listed(client, who, path)]


def test_a_vacancy_write_shows_in_the_next_shortlist_without_a_full_fit(
    app: FastAPI, client: TestClient, who: dict[str, str]
) -> None:
    catalog = app.state.catalog
    path = f"/candidates/{person(client, who, 'spliced')}/shortlist?top=5"
    assert ids(client, who, path) == []
    fits, splices = catalog.full_fits, catalog.splices

    vacancy = vacancy_body(location=next_door("spliced"))
    assert client.post("/vacancies", json=vacancy, headers=who).status_code == 201
    assert ids(client, who, path) == [vacancy["id"]]
    renamed = {**vacancy, "title": "Kassamedewerker (nieuw)"}
    assert client.put(f"/vacancies/{vacancy['id']}", json=renamed, headers=who).status_code == 200
    assert [r["title"] for r in listed(client, who, path)] == ["Kassamedewerker (nieuw)"]
    assert client.delete(f"/vacancies/{vacancy['id']}", headers=who).status_code == 204
    assert ids(client, who, path) == []

    assert catalog.full_fits == fits, "a write made the next shortlist fit the whole catalog"
    assert catalog.splices == splices + 3


def test_a_cached_shortlist_survives_a_write_that_cannot_change_it(
    app: FastAPI, client: TestClient, who: dict[str, str]
) -> None:
    cache = app.state.shortlist_cache
    tag = secrets.token_hex(3)
    near = vacancy_body(id=f"v-s{tag}", location=next_door("kept"))
    assert client.post("/vacancies", json=near, headers=who).status_code == 201
    path = f"/candidates/{person(client, who, 'kept')}/shortlist"
    before = client.get(path, headers=who).content
    kept = cache.kept

    # A vacancy kilometres away from them, changed: it cannot enter their list.
    far = client.get("/vacancies/v-0002", headers=who).json()
    far["title"] = f"Magazijnier {tag}"
    assert client.put("/vacancies/v-0002", json=far, headers=who).status_code == 200
    assert client.get(path, headers=who).content == before
    # (Every kept shortlist the write cannot change is carried over at once, not only this one.)
    assert cache.kept >= kept + 1, "the write emptied a shortlist it could not change"
    kept = cache.kept

    # Their own line's vacancy, changed in what their line does not show: it stays as it was.
    more = {**near, "positions": 4}
    assert client.put(f"/vacancies/{near['id']}", json=more, headers=who).status_code == 200
    assert client.get(path, headers=who).content == before
    assert cache.kept >= kept + 1


def test_one_request_after_a_write_carries_every_kept_shortlist_it_cannot_change(
    app: FastAPI, client: TestClient, fresh: TestClient, who: dict[str, str]
) -> None:
    """The first shortlist asked for after a write re-checks everyone's (up to a pass's size):
    the others are then served as they were, without a re-check of their own."""
    cache = app.state.shortlist_cache
    paths = [f"/candidates/{person(client, who, 'many')}/shortlist" for _ in range(5)]
    before = [client.get(path, headers=who).content for path in paths]  # all cached now
    far = client.get("/vacancies/v-0003", headers=who).json()
    far["title"] = f"Heftruckchauffeur {secrets.token_hex(3)}"
    assert client.put("/vacancies/v-0003", json=far, headers=who).status_code == 200
    kept = cache.kept
    assert client.get(paths[0], headers=who).content == before[0]
    assert cache.kept >= kept + len(paths), "the others were left to be re-checked one by one"
    kept = cache.kept
    for path, was in zip(paths[1:], before[1:], strict=True):
        assert client.get(path, headers=who).content == was == fresh.get(path, headers=who).content
    assert cache.kept == kept  # served as carried over, no check of their own


def test_after_a_write_the_next_requests_share_the_re_check_a_few_entries_each(
    app: FastAPI,
    client: TestClient,
    fresh: TestClient,
    who: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With more kept than one pass takes, the first request re-checks its own entry and the
    latest asked for; each later one whose entry is still unchecked takes the next few, its own
    first; every answer is the one a fresh ranking gives."""
    monkeypatch.setattr(catalog, "BROUGHT_UP_AT_ONCE", 2)
    cache = app.state.shortlist_cache
    paths = [f"/candidates/{person(client, who, 'share')}/shortlist" for _ in range(5)]
    before = [client.get(path, headers=who).content for path in paths]
    far = client.get("/vacancies/v-0004", headers=who).json()
    far["title"] = f"Schoonmaker {secrets.token_hex(3)}"
    assert client.put("/vacancies/v-0004", json=far, headers=who).status_code == 200
    kept = cache.kept
    assert client.get(paths[0], headers=who).content == before[0]
    assert cache.kept == kept + 2, "one pass: its own entry and the latest asked for"
    for path, was in zip(paths[1:], before[1:], strict=True):
        assert client.get(path, headers=who).content == was == fresh.get(path, headers=who).content
    assert cache.kept >= kept + 5  # each carried over, by a pass or its own


def test_after_a_write_the_shortlists_listing_it_are_checked_apart_from_the_others(
    app: FastAPI,
    client: TestClient,
    fresh: TestClient,
    who: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The few kept shortlists that list a written vacancy are explained again in a pass of
    their own, so the many that do not list it are not held up by them."""
    monkeypatch.setattr(catalog, "BROUGHT_UP_AT_ONCE", 3)
    cache = app.state.shortlist_cache
    dutch = {"dutch": "B2", "contact_languages": [], "contact_level": None}
    vacancy = vacancy_body(location=next_door("apart"), language=dutch, title="Kassamedewerker")
    assert client.post("/vacancies", json=vacancy, headers=who).status_code == 201
    speaks = f"/candidates/{person(client, who, 'apart', languages={'nl': 'B2'})}/shortlist"
    others = [
        f"/candidates/{person(client, who, 'apart', languages={'nl': 'A1'})}/shortlist"
        for _ in range(2)
    ]
    assert ids(client, who, others[1]) == []  # Dutch blocks
    assert ids(client, who, speaks) == [vacancy["id"]]
    assert ids(client, who, others[0]) == []
    # others[0] then speaks were the latest asked for: the old selection took speaks with it.
    vacancy["title"] = "Kassamedewerker (avond)"
    assert client.put(f"/vacancies/{vacancy['id']}", json=vacancy, headers=who).is_success
    assert ids(client, who, others[0]) == []
    kept = cache.kept
    assert [r["title"] for r in listed(client, who, speaks)] == ["Kassamedewerker (avond)"]
    assert cache.kept == kept + 1, "it was checked with the others, not in a pass of its own"
    for path in (speaks, *others):
        assert client.get(path, headers=who).content == fresh.get(path, headers=who).content


def test_a_write_that_changes_a_cached_shortlist_is_seen(
    client: TestClient, fresh: TestClient, who: dict[str, str]
) -> None:
    tag = secrets.token_hex(3)
    path = f"/candidates/{person(client, who, 'seen')}/shortlist?top=2"

    def same_as_fresh() -> list[str]:
        cached = client.get(path, headers=who)
        assert cached.content == fresh.get(path, headers=who).content
        return [r["vacancy_id"] for r in cached.json()["results"]]

    def post(name: str) -> str:
        body = vacancy_body(id=f"v-c{tag}-{name}", location=next_door("seen"))
        assert client.post("/vacancies", json=body, headers=who).status_code == 201
        return str(body["id"])

    assert same_as_fresh() == []
    b = post("b")
    assert same_as_fresh() == [b]  # a shorter list than asked for: anything listed enters
    c = post("c")
    assert same_as_fresh() == [b, c]
    a = post("a")  # as good as the last line, and first by id: it pushes that one out
    assert same_as_fresh() == [a, b]
    post("z")  # as good, but last by id: the list stays as it was
    assert same_as_fresh() == [a, b]

    changed = {**client.get(f"/vacancies/{b}", headers=who).json(), "title": "Kok (nieuw)"}
    assert client.put(f"/vacancies/{b}", json=changed, headers=who).status_code == 200
    assert [r["title"] for r in listed(client, who, path)][1] == "Kok (nieuw)"
    assert same_as_fresh() == [a, b]
    better = {**changed, "skills_required": ["schoonmaken"]}  # only b asks what they have
    client.put(f"/vacancies/{b}", json=better, headers=who)
    assert same_as_fresh() == [b, a]
    assert client.delete(f"/vacancies/{a}", headers=who).status_code == 204
    assert same_as_fresh() == [b, c]
    far = {**changed, "location": next_door("seen", km=5)}
    client.put(f"/vacancies/{b}", json=far, headers=who)
    assert same_as_fresh()[0] == c


def test_a_cached_shortlist_counts_what_it_leaves_out_as_the_catalog_has_it(
    client: TestClient, fresh: TestClient, who: dict[str, str]
) -> None:
    """A vacancy their record leaves out cannot enter their list, but closing it changes how
    many the list says it leaves out."""
    ident = person(client, who, "left")
    path = f"/candidates/{ident}/shortlist"
    proposed = vacancy_body(location=next_door("left"))
    assert client.post("/vacancies", json=proposed, headers=who).status_code == 201
    proposal = {"candidate_id": ident, "vacancy_id": proposed["id"]}
    assert client.post("/applications", json=proposal, headers=who).status_code == 201
    assert client.get(path, headers=who).json()["left_out"] == 1  # now cached
    closed = {**proposed, "status": "closed"}
    assert client.put(f"/vacancies/{proposed['id']}", json=closed, headers=who).status_code == 200
    cached = client.get(path, headers=who)
    assert cached.json()["left_out"] == 0
    assert cached.content == fresh.get(path, headers=who).content


def test_a_full_fit_runs_off_the_request_path_once_splices_widen_the_tables(
    app: FastAPI, client: TestClient, fresh: TestClient, who: dict[str, str]
) -> None:
    catalog = app.state.catalog
    path = f"/candidates/{person(client, who, 'refit')}/shortlist"
    ids(client, who, path)
    fits = catalog.full_fits
    catalog.refit_after, catalog.refit_share = 1, 0.0
    try:
        # A title no vocabulary knows: a concept of its own, a column no fit had.
        title = f"Zeepzieder {secrets.token_hex(3)}"
        vacancy = vacancy_body(location=next_door("refit"), title=title)
        assert client.post("/vacancies", json=vacancy, headers=who).status_code == 201
        assert vacancy["id"] in ids(client, who, path)  # spliced; the full fit starts meanwhile
        catalog.wait_for_refit(timeout=120)
    finally:
        catalog.refit_after, catalog.refit_share = 200, 0.2
    assert catalog.full_fits == fits + 1
    assert catalog.fitted.engine.spliced_ == catalog.fitted.engine.widened_ == 0
    assert client.get(path, headers=who).content == fresh.get(path, headers=who).content


def test_edits_that_bring_nothing_new_never_lead_to_a_full_fit(
    app: FastAPI, client: TestClient, fresh: TestClient, who: dict[str, str]
) -> None:
    """A steady stream of an employer's edits (the hours, the wage) stays spliced: a full fit
    takes nothing back from them, and cost every process tens of milliseconds of stalled
    shortlists (and everyone's skill credits worked out again after it)."""
    catalog = app.state.catalog
    path = f"/candidates/{person(client, who, 'refit')}/shortlist"
    vacancy = vacancy_body(location=next_door("refit"), hours_per_week=20)
    assert client.post("/vacancies", json=vacancy, headers=who).status_code == 201
    ids(client, who, path)
    catalog.wait_for_refit(timeout=120)
    fits = catalog.full_fits
    catalog.refit_after, catalog.refit_share = 1, 0.0
    try:
        for hours in (21, 22, 23, 20):
            vacancy["hours_per_week"] = hours
            assert client.put(f"/vacancies/{vacancy['id']}", json=vacancy, headers=who).is_success
            assert client.get(path, headers=who).content == fresh.get(path, headers=who).content
        catalog.wait_for_refit(timeout=120)
        assert catalog.full_fits == fits, "an edit with nothing new made a full fit"
        assert catalog.fitted.engine.spliced_ >= 8  # each edit took a column out and put one in
    finally:
        catalog.refit_after, catalog.refit_share = 200, 0.2


@pytest.fixture(scope="module")
def always(client: TestClient, who: dict[str, str]) -> list[str]:
    """People next to the random writes' vacancies, each suited to other ones."""
    return [
        person(client, who, "always"),
        person(client, who, "always", max_commute_minutes=20, transport=["bike"]),
        person(client, who, "always", languages={"ti": "native", "nl": "A1"}),
        person(client, who, "always", skills=["koken"], driving_licence=True),
    ]


vacancy_fields = st.fixed_dictionaries(
    {
        "title": st.sampled_from(["Kassamedewerker", "Schoonmaker", "Kok", "Zeepzieder"]),
        "location": st.builds(
            lambda km: next_door("always", km), st.sampled_from([0.05, 0.2, 0.5, 0.8, 3.0])
        ),
        "skills_required": st.lists(
            st.sampled_from(["schoonmaken", "kassa", "koken", "glasblazen"]),
            max_size=2,
            unique=True,
        ),
        "language": st.sampled_from(
            [
                {"dutch": "A2", "contact_languages": [], "contact_level": None},
                {"dutch": "B2", "contact_languages": [], "contact_level": None},
                {"dutch": None, "contact_languages": ["ti"], "contact_level": "A2"},
                {"dutch": None, "contact_languages": ["en"], "contact_level": "B1"},
            ]
        ),
        "status": st.sampled_from(["open", "open", "closed"]),
    }
)
writes = st.lists(
    st.tuples(st.sampled_from(["post", "put", "delete"]), st.integers(0, 99), vacancy_fields),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(writes=writes, top=st.sampled_from([1, 2, 3]), order=st.randoms(use_true_random=False))
def test_a_cached_shortlist_is_always_what_a_fresh_ranking_gives(
    client: TestClient,
    fresh: TestClient,
    who: dict[str, str],
    always: list[str],
    writes: list[Any],
    top: int,
    order: Any,
) -> None:
    # Several people, each asked for several lists: a write re-checks every kept one at once,
    # whichever of them is asked for first.
    paths = [
        f"/candidates/{ident}/shortlist?top={n}&include_blocked={blocked}"
        for ident in always
        for n, blocked in [(top, "false"), (top + 1, "false"), (top, "true")]
    ]
    mine: list[str] = []
    for which, where, fields in writes:
        for path in paths:  # cached before each write
            client.get(path, headers=who)
        if which == "post" or not mine:
            body = vacancy_body(**fields)
            assert client.post("/vacancies", json=body, headers=who).status_code == 201
            mine.append(body["id"])
        elif which == "put":
            ident = mine[where % len(mine)]
            body = vacancy_body(id=ident, **fields)
            assert client.put(f"/vacancies/{ident}", json=body, headers=who).status_code == 200
        else:
            ident = mine.pop(where % len(mine))
            assert client.delete(f"/vacancies/{ident}", headers=who).status_code == 204
        for path in order.sample(paths, len(paths)):
            assert client.get(path, headers=who).content == fresh.get(path, headers=who).content
    for ident in mine:  # the next example starts without them
        client.delete(f"/vacancies/{ident}", headers=who)
