"""Choosing the reader's language: from an Accept-Language header, a locale, a tag."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.reasons import LANGUAGES, from_accept_language, from_environment, supported


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("uk", "uk"),
        ("nl-BE,nl;q=0.9,en;q=0.8", "nl"),
        ("de-DE, fr;q=0.9", None),  # none of ours: the caller's default
        ("de, ru;q=0.4, uk;q=0.7", "uk"),  # by weight, not by place
        ("en;q=0.5, ru;q=0.5", "en"),  # equal weight: the first
        ("uk;q=0, nl", "nl"),  # q=0 means "not this one"
        ("*", None),
        ("RU-ua", "ru"),
        ("uk;q=abc, nl;q=0.2", "nl"),  # a malformed weight skips that part only
        ("", None),
    ],
)
def test_accept_language_picks_the_best_language_we_write(header, expected) -> None:
    assert from_accept_language(header) == expected


@given(st.text(max_size=200))
def test_any_header_gives_one_of_ours_or_none(header: str) -> None:
    assert from_accept_language(header) in (*LANGUAGES, None)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "uk_UA.UTF-8"}, "uk"),
        ({"LANG": "nl_BE.UTF-8", "LC_ALL": "ru_RU.UTF-8"}, "ru"),  # LC_ALL wins over LANG
        ({"LANGUAGE": "fr:nl", "LANG": "en_GB.UTF-8"}, "nl"),  # gettext's list, first ours
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_command_line_defaults_to_the_locale_language(environ, expected) -> None:
    assert from_environment(environ) == expected


def test_tags_are_read_by_their_primary_language() -> None:
    assert supported("nl-BE") == "nl"
    assert supported("uk_UA.UTF-8") == "uk"
    assert supported("ukr") is None
    assert supported(None) is None
