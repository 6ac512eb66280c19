"""GET /candidates and GET /vacancies filter for real: each filter, filters together (AND), and
`count` as the number matching them all."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from factories import point_east
from fastapi.testclient import TestClient
from support import EMPLOYER, as_role, candidate_body, vacancy_body

from matcher.travel.geo import haversine_km, postcode_place


@pytest.fixture(scope="module")
def jobhunter(keys: dict[str, str]) -> dict[str, str]:
    return as_role(keys, "jobhunter")


def _coach() -> str:
    """A coach nobody else has, so a test sees only the people it made."""
    return f"Coach {secrets.token_hex(4)}"


def _people(client: TestClient, headers: dict[str, str], *bodies: dict[str, Any]) -> list[str]:
    for body in bodies:
        made = client.post("/candidates", json=body, headers=headers)
        assert made.status_code == 201, made.text
    return [str(b["id"]) for b in bodies]


def _ids(client: TestClient, path: str, headers: dict[str, str]) -> list[str]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["count"] == len(page["data"])  # every test page here holds all that match
    return [item["id"] for item in page["data"]]


# ---------------------------------------------------------------- candidates


def test_a_skill_in_ukrainian_or_russian_finds_the_person_whose_skill_is_in_dutch_or_english(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    coach = _coach()
    dutch, english, occupation, cashier = _people(
        client,
        jobhunter,
        candidate_body(coach=coach, skills=["heftruck rijden"]),
        candidate_body(coach=coach, skills=[{"label": "forklift driving", "years": 2}]),
        candidate_body(coach=coach, occupations=["heftruckchauffeur"]),
        candidate_body(coach=coach, skills=["kassa"], occupations=["kassier"]),
    )
    base = f"/candidates?coach={coach}&limit=500&skill="
    assert _ids(client, base + "водіння навантажувача", jobhunter) == sorted([dutch, english])
    assert _ids(client, base + "вождение погрузчика", jobhunter) == sorted([dutch, english])
    # The occupation, in either language, finds the person whose occupation it is.
    assert _ids(client, base + "водій навантажувача", jobhunter) == [occupation]
    assert _ids(client, base + "forklift driver", jobhunter) == [occupation]
    assert _ids(client, base + "касир", jobhunter) == [cashier]


def test_a_skill_the_vocabulary_does_not_know_finds_the_same_text(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    coach = _coach()
    word = f"Zqx{secrets.token_hex(3)}"
    found, _ = _people(
        client,
        jobhunter,
        candidate_body(coach=coach, skills=[f"{word} Vlechten"]),
        candidate_body(coach=coach, skills=[f"{word} anders"]),
    )
    assert _ids(client, f"/candidates?coach={coach}&skill={word.lower()} vlechten", jobhunter) == [
        found
    ]


def test_postcode_finds_the_people_living_there(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    coach = _coach()
    wijnegem, _ = _people(
        client,
        jobhunter,
        candidate_body(coach=coach, home={"postcode": "2110"}),
        candidate_body(coach=coach, home={"postcode": "2100"}),
    )
    assert _ids(client, f"/candidates?coach={coach}&postcode=2110", jobhunter) == [wijnegem]
    assert _ids(client, f"/candidates?coach={coach}&postcode=B-2110", jobhunter) == [wijnegem]
    everyone = client.get("/candidates?postcode=2110&limit=500", headers=jobhunter).json()
    assert wijnegem in [p["id"] for p in everyone["data"]]
    assert {p["home"]["postcode"] for p in everyone["data"]} == {"2110"}
    refused = client.get("/candidates?postcode=9999", headers=jobhunter)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == [
        "query",
        "postcode",
    ]


def test_coach_finds_the_people_they_follow_letter_case_and_accents_aside(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    tag = secrets.token_hex(3)
    theirs, _ = _people(
        client,
        jobhunter,
        candidate_body(coach=f"Zoë Hélène {tag}"),
        candidate_body(coach=f"Zoë Hélène {tag} Junior"),
    )
    assert _ids(client, f"/candidates?coach=zoe helene {tag}", jobhunter) == [theirs]


def test_q_finds_text_in_the_id_or_the_display_name(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    coach, tag = _coach(), secrets.token_hex(3)
    by_name, by_id, neither = _people(
        client,
        jobhunter,
        candidate_body(coach=coach, display_name=f"Olena Kovalenko-Müller {tag}"),
        candidate_body(coach=coach, id=f"c-intake-{tag}-7"),
        candidate_body(coach=coach, display_name="Someone Else"),
    )
    assert _ids(client, f"/candidates?coach={coach}&q=MULLER {tag}", jobhunter) == [by_name]
    assert _ids(client, f"/candidates?coach={coach}&q=kovalenko", jobhunter) == [by_name]
    assert _ids(client, f"/candidates?coach={coach}&q=INTAKE-{tag}", jobhunter) == [by_id]
    assert _ids(client, f"/candidates?coach={coach}&q={tag}", jobhunter) == sorted([by_name, by_id])
    assert neither not in _ids(client, f"/candidates?coach={coach}&q={tag}", jobhunter)


def test_candidate_filters_combine_and_count_all_that_match(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    coach = _coach()
    made = _people(
        client,
        jobhunter,
        *[
            candidate_body(
                coach=coach,
                home={"postcode": "2060" if n % 2 else "2018"},
                skills=["heftruck rijden"] if n % 3 else ["kassa"],
                stage="ready" if n < 8 else "activation",
            )
            for n in range(12)
        ],
    )
    # odd n (2060), n not a multiple of 3 (forklift), n < 8 (ready): 1, 5, 7
    want = sorted(made[n] for n in (1, 5, 7))
    path = f"/candidates?coach={coach}&postcode=2060&skill=heftruck&stage=ready"
    assert _ids(client, path + "&limit=500", jobhunter) == want
    first = client.get(path + "&limit=1", headers=jobhunter).json()
    second = client.get(path + "&limit=1&offset=1", headers=jobhunter).json()
    assert first["count"] == second["count"] == 3
    assert [first["data"][0]["id"], second["data"][0]["id"]] == want[:2]
    both_stages = f"/candidates?coach={coach}&stage=ready&stage=activation&limit=500"
    assert client.get(both_stages, headers=jobhunter).json()["count"] == 12


def test_employers_never_see_names_or_coaches(client: TestClient, keys: dict[str, str]) -> None:
    marker = f"Marker{secrets.token_hex(4)}"
    [person] = _people(
        client,
        as_role(keys, "jobhunter"),
        candidate_body(display_name=f"{marker} Name", coach=f"{marker} Coach"),
    )
    employer = as_role(keys, "employer")
    vacancy = vacancy_body(employer=EMPLOYER)
    assert client.post("/vacancies", json=vacancy, headers=employer).status_code == 201
    proposed = client.post(
        "/applications",
        json={"candidate_id": person, "vacancy_id": vacancy["id"]},
        headers=as_role(keys, "jobhunter"),
    )
    assert proposed.status_code == 201, proposed.text
    assert client.get(f"/candidates?q={marker}", headers=employer).status_code == 403
    assert client.get(f"/candidates/{person}", headers=employer).status_code == 403
    seen = client.get(f"/vacancies/{vacancy['id']}/applications", headers=employer)
    assert seen.status_code == 200 and len(seen.json()) == 1
    assert marker not in seen.text and person not in seen.text


# ---------------------------------------------------------------- vacancies


def _jobs(client: TestClient, headers: dict[str, str], *bodies: dict[str, Any]) -> list[str]:
    for body in bodies:
        made = client.post("/vacancies", json=body, headers=headers)
        assert made.status_code == 201, made.text
    return [str(b["id"]) for b in bodies]


def _employer() -> str:
    return f"Filters {secrets.token_hex(4)} BV"


def test_vacancy_postcode_filter(client: TestClient, keys: dict[str, str]) -> None:
    who, employer = as_role(keys, "coordinator"), _employer()
    merksem, _ = _jobs(
        client,
        who,
        vacancy_body(employer=employer, location={"postcode": "2170"}),
        vacancy_body(employer=employer, location={"postcode": "2000"}),
    )
    assert _ids(client, f"/vacancies?employer={employer}&postcode=2170", who) == [merksem]
    everywhere = client.get("/vacancies?postcode=2170&limit=500", headers=who).json()
    assert {v["location"]["postcode"] for v in everywhere["data"]} == {"2170"}


def test_vacancy_title_filter_ignores_letter_case_and_accents(
    client: TestClient, keys: dict[str, str]
) -> None:
    who, employer = as_role(keys, "coordinator"), _employer()
    cafe, _, percent = _jobs(
        client,
        who,
        vacancy_body(employer=employer, title="Medewerker Café Zuid"),
        vacancy_body(employer=employer, title="Magazijnmedewerker"),
        vacancy_body(employer=employer, title="Verkoper 100% flex"),
    )
    assert _ids(client, f"/vacancies?employer={employer}&title=CAFE", who) == [cafe]
    assert _ids(client, f"/vacancies?employer={employer}&title=café z", who) == [cafe]
    # % and _ are text, not LIKE's wildcards.
    assert _ids(client, f"/vacancies?employer={employer}&title=0%25 f", who) == [percent]
    assert _ids(client, f"/vacancies?employer={employer}&title=_", who) == []


def test_vacancy_distance_filter_uses_the_postcodes_point_and_great_circle_distance(
    client: TestClient, keys: dict[str, str]
) -> None:
    who, employer = as_role(keys, "coordinator"), _employer()
    place = postcode_place("2000")
    assert place is not None
    centre = (place.lat, place.lon)
    kms = [0.5, 4.9, 5.1, 12.0, 30.0]
    made = _jobs(
        client, who, *[vacancy_body(employer=employer, location=point_east(k, centre)) for k in kms]
    )
    by_postcode = vacancy_body(employer=employer, location={"postcode": "2018"})  # Antwerpen-Zuid
    [zuid] = _jobs(client, who, by_postcode)
    zuid_place = postcode_place("2018")
    assert zuid_place is not None
    zuid_km = float(haversine_km(*centre, zuid_place.lat, zuid_place.lon))
    for within in (5.0, 12.5, 100.0):
        expected = sorted(
            [v for v, k in zip(made, kms, strict=True) if k <= within]
            + ([zuid] if zuid_km <= within else [])
        )
        path = f"/vacancies?employer={employer}&near=2000&within_km={within}&limit=500"
        assert _ids(client, path, who) == expected, within
    assert zuid_km < 5 and _ids(client, f"/vacancies?employer={employer}&postcode=2018", who) == [
        zuid
    ]


@pytest.mark.parametrize(
    ("query", "loc", "words"),
    [
        ("near=2000", ["query", "within_km"], "within_km is required with near"),
        ("within_km=5", ["query", "near"], "near is required with within_km"),
        ("near=9999&within_km=5", ["query", "near"], "'9999' is not a Belgian postcode"),
        ("near=2000&within_km=0", ["query", "within_km"], "greater than 0"),
        ("postcode=12", ["query", "postcode"], "'12' is not a Belgian postcode"),
    ],
)
def test_a_bad_distance_or_postcode_filter_is_422_naming_it(
    client: TestClient, keys: dict[str, str], query: str, loc: list[str], words: str
) -> None:
    refused = client.get(f"/vacancies?{query}", headers=as_role(keys, "coordinator"))
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["detail"]
    assert error["loc"] == loc and words in error["msg"]


def test_vacancy_filters_combine_and_count_all_that_match(
    client: TestClient, keys: dict[str, str]
) -> None:
    who, employer = as_role(keys, "coordinator"), _employer()
    place = postcode_place("2000")
    assert place is not None
    light = {"dutch": None, "contact_languages": ["en"], "contact_level": "A2"}
    dutch = {"dutch": "B1", "contact_languages": [], "contact_level": None}
    bodies = [
        vacancy_body(
            employer=employer,
            title="Heftruckchauffeur" if n % 2 else "Kassamedewerker",
            location=point_east(2.0 if n % 3 else 40.0, (place.lat, place.lon)),
            language=light if n < 8 else dutch,
            status="open" if n != 5 else "closed",
        )
        for n in range(12)
    ]
    made = _jobs(client, who, *bodies)
    # odd (forklift), not a multiple of 3 (2 km), n < 8 (light), not 5 (open): 1, 7
    want = sorted(made[n] for n in (1, 7))
    path = (
        f"/vacancies?employer={employer}&title=heftruck&near=2000&within_km=10"
        "&language_light=true&status=open"
    )
    assert _ids(client, path + "&limit=500", who) == want
    page = client.get(path + "&limit=1&offset=1", headers=who).json()
    assert page["count"] == 2 and [v["id"] for v in page["data"]] == want[1:]
    no_distance = f"/vacancies?employer={employer}&title=heftruck&language_light=true&limit=1"
    assert client.get(no_distance, headers=who).json()["count"] == 4  # 1, 3, 5, 7


def test_an_employer_key_filters_only_its_own_vacancies(
    client: TestClient, keys: dict[str, str]
) -> None:
    employer = as_role(keys, "employer")
    [own] = _jobs(client, employer, vacancy_body(employer=EMPLOYER, title="Bakker Reigerhoek Zuid"))
    other = as_role(keys, "other_employer")
    page = client.get("/vacancies?title=reigerhoek zuid&limit=500", headers=other).json()
    assert page == {"data": [], "count": 0, "limit": 500, "offset": 0}
    assert _ids(client, "/vacancies?title=reigerhoek zuid&limit=500", employer) == [own]
