"""The command line's shortlist as a jobhunter reads it: full titles and employers, long reasons
wrapped (not cut) to the terminal, one line each with --wide, in the language asked for."""

from __future__ import annotations

import re

import pytest

from matcher import Engine
from matcher.cli import main
from matcher.fixtures import load_candidates, load_vacancies


def _run(capsys, monkeypatch, *args: str, columns: int = 80) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["shortlist", "c-0002", "--fixtures", "--top", "5", *args]) == 0
    return capsys.readouterr().out


def test_titles_and_employers_in_full_and_reasons_wrapped_to_the_terminal(
    capsys, monkeypatch
) -> None:
    out = _run(capsys, monkeypatch, "--lang", "en", columns=80)
    person = next(c for c in load_candidates() if c.id == "c-0002")
    shortlist = Engine().fit(load_vacancies()).shortlist(person, top=5)
    flat = " ".join(line.strip() for line in out.splitlines())
    for match in shortlist.results:
        assert match.title in flat and match.employer in flat
        for feature in match.features.values():
            assert feature.reasons[0].message in flat  # the verdict, whole
    body = out.split("\n\n", 1)[1]  # the lines under the heading
    assert all(len(line) <= 80 for line in body.splitlines()), body
    assert "..." not in out


def test_wide_gives_one_line_per_reason(capsys, monkeypatch) -> None:
    wrapped = _run(capsys, monkeypatch, "--lang", "en", columns=80)
    wide = _run(capsys, monkeypatch, "--lang", "en", "--wide", columns=80)
    verdicts = [line for line in wide.splitlines() if re.match(r"^ {11}[ x] \w", line)]
    assert len(verdicts) == 5 * 4  # four features per result, one line each
    assert len(wide.splitlines()) < len(wrapped.splitlines())


@pytest.mark.parametrize(
    ("language", "word"),
    [("uk", "навичк"), ("ru", "навык"), ("nl", "vaardighe"), ("en", "skill")],
)
def test_the_shortlist_prints_in_the_language_asked_for(
    capsys, monkeypatch, language: str, word: str
) -> None:
    out = _run(capsys, monkeypatch, "--lang", language, "--wide")
    assert word in out.lower()


def test_the_default_language_is_the_locales(capsys, monkeypatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.setenv("LANG", "uk_UA.UTF-8")
    out = _run(capsys, monkeypatch)
    assert re.search(r"[іїє]", out)
