"""Reasons in the reader's language over HTTP: Accept-Language (or ?lang=, which wins) picks
Dutch, English, Ukrainian or Russian, the response says which, and codes and params are the
same in all four."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import as_role

PERSON = "c-0002"
VACANCY = "v-0107"

_QUOTED = re.compile(r"'[^']*'|«[^»]*»|“[^”]*”|„[^“”]*[“”]")
"""The person's own words, quoted in messages, are in whatever language they wrote."""


def _messages(body: dict[str, Any]) -> str:
    found = []
    for line in [*body["results"], *(body.get("near_misses") or [])]:
        for feature in line["features"].values():
            found += [_QUOTED.sub("", r["message"]) for r in feature["reasons"]]
    return "\n".join(found)


def _codes_and_params(body: dict[str, Any]) -> list[Any]:
    return [
        (name, r["code"], r["params"])
        for line in body["results"]
        for name, feature in line["features"].items()
        for r in feature["reasons"]
    ]


# Letters and words each language has and the others (as these messages use them) do not.
_ONLY = {
    "uk": lambda text: re.search(r"[іїєґ]", text) and not re.search(r"[ыэъё]", text),
    "ru": lambda text: re.search(r"[ыэъё]", text) and not re.search(r"[іїєґ]", text),
    "nl": lambda text: (
        re.search(r"\b(een|niet|geen|het|uur|nodig)\b", text)
        and not re.search(r"[а-яіїєґ]", text, re.IGNORECASE)
    ),
    "en": lambda text: (
        re.search(r"\b(the|has|about|needs)\b", text, re.IGNORECASE)
        and not re.search(r"\b(een|het)\b", text)
        and not re.search(r"[а-яіїєґ]", text, re.IGNORECASE)
    ),
}


@pytest.mark.parametrize(
    "path", [f"/candidates/{PERSON}/shortlist", f"/vacancies/{VACANCY}/shortlist"]
)
def test_each_language_reads_as_itself_with_the_same_codes_and_params(
    client: TestClient, keys: dict[str, str], path: str
) -> None:
    headers = as_role(keys, "jobhunter")
    bodies = {}
    for language in ("uk", "nl", "ru", "en"):
        response = client.get(
            f"{path}?top=5&include_blocked=true",
            headers={**headers, "Accept-Language": f"{language},en;q=0.5"},
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-language"] == language
        assert "accept-language" in response.headers["vary"].lower()
        bodies[language] = response.json()
        text = _messages(bodies[language])
        assert _ONLY[language](text), f"{language} reasons do not read as {language}:\n{text}"
    english = _codes_and_params(bodies["en"])
    assert english
    for language in ("uk", "nl", "ru"):
        assert _codes_and_params(bodies[language]) == english


def test_lang_in_the_query_wins_over_the_header(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get(
        f"/candidates/{PERSON}/shortlist?top=2&lang=uk",
        headers={**as_role(keys, "jobhunter"), "Accept-Language": "ru"},
    )
    assert response.status_code == 200
    assert response.headers["content-language"] == "uk"
    assert _ONLY["uk"](_messages(response.json()))


def test_no_preference_or_one_we_do_not_write_is_english(
    client: TestClient, keys: dict[str, str]
) -> None:
    for header in ({}, {"Accept-Language": "de-DE, fr;q=0.8"}, {"Accept-Language": ";;q=x,"}):
        response = client.get(
            f"/candidates/{PERSON}/shortlist?top=2",
            headers={**as_role(keys, "jobhunter"), **header},
        )
        assert response.status_code == 200
        assert response.headers["content-language"] == "en"


def test_a_language_we_do_not_write_asked_by_name_is_a_422_naming_lang(
    client: TestClient, keys: dict[str, str]
) -> None:
    response = client.get(
        f"/candidates/{PERSON}/shortlist?lang=de", headers=as_role(keys, "jobhunter")
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "lang"]
    assert "en, nl, uk, ru" in response.json()["detail"][0]["msg"]
    # What a hurried person types for a language we do write is read as it.
    for typed, language in (("UK", "uk"), ("nl-BE", "nl"), ("ru_RU", "ru")):
        answer = client.get(
            f"/candidates/{PERSON}/shortlist?top=1&lang={typed}", headers=as_role(keys, "jobhunter")
        )
        assert answer.status_code == 200 and answer.headers["content-language"] == language


def test_a_cached_shortlist_is_kept_per_language(client: TestClient, keys: dict[str, str]) -> None:
    headers = as_role(keys, "jobhunter")
    first = client.get(f"/candidates/{PERSON}/shortlist?top=3&lang=nl", headers=headers).json()
    other = client.get(f"/candidates/{PERSON}/shortlist?top=3&lang=ru", headers=headers).json()
    again = client.get(f"/candidates/{PERSON}/shortlist?top=3&lang=nl", headers=headers).json()
    assert first == again
    assert _messages(first) != _messages(other)


def test_barriers_say_each_change_in_the_readers_language(
    client: TestClient, keys: dict[str, str]
) -> None:
    headers = as_role(keys, "jobhunter")
    answers = {
        language: client.get(
            f"/candidates/{PERSON}/barriers?top=3",
            headers={**headers, "Accept-Language": language},
        )
        for language in ("en", "uk", "ru", "nl")
    }
    for language, response in answers.items():
        assert response.status_code == 200
        assert response.headers["content-language"] == language
    labels = {lang: [c["label"] for c in r.json()["changes"]] for lang, r in answers.items()}
    codes = {lang: [c["code"] for c in r.json()["changes"]] for lang, r in answers.items()}
    assert codes["en"] and all(c == codes["en"] for c in codes.values())
    assert _ONLY["uk"]("\n".join(labels["uk"])) and _ONLY["ru"]("\n".join(labels["ru"]))
    assert labels["nl"] != labels["en"]
    stats = client.get("/stats/barriers?sample=5&lang=uk", headers=as_role(keys, "coordinator"))
    assert stats.status_code == 200 and stats.headers["content-language"] == "uk"
    assert _ONLY["uk"]("\n".join(c["label"] for c in stats.json()["changes"]))
