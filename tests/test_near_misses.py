"""Near misses: with blocked matches asked for, a shortlist whose top is all unblocked still
names the best blocked matches, each with what blocks it; `results` keep the contract's order."""

from __future__ import annotations

import numpy as np

from matcher import Engine
from matcher.engine import NEAR_MISSES, SCORE_DECIMALS
from matcher.fixtures import load_candidates, load_vacancies

ENGINE = Engine().fit(load_vacancies())
PEOPLE = {c.id: c for c in load_candidates()}


def _best_blocked(person) -> list[str]:
    scores = ENGINE.score([person])
    blocked = np.flatnonzero(scores.blocked[0])
    shown = np.round(scores.score[0, blocked], SCORE_DECIMALS)
    order = sorted(zip(-shown, ENGINE.ids_[blocked], strict=True))
    return [ident for _, ident in order[:NEAR_MISSES]]


def test_near_misses_are_the_best_blocked_matches_when_unblocked_ones_fill_the_top() -> None:
    person = PEOPLE["c-0002"]
    shortlist = ENGINE.shortlist(person, top=10, include_blocked=True)
    assert not any(m.blocked for m in shortlist.results)  # the top is all unblocked
    near = shortlist.near_misses
    assert near is not None and len(near) == NEAR_MISSES
    assert [m.vacancy_id for m in near] == _best_blocked(person)
    for match in near:
        assert match.blocked and match.blocked_by
        for name in match.blocked_by:
            assert match.features[name].blocking
            assert match.features[name].reasons, name  # and says why
    body = shortlist.as_dict()
    assert [line["vacancy_id"] for line in body["near_misses"]] == _best_blocked(person)
    assert body["near_misses"][0]["blocked_by"] == near[0].blocked_by


def test_without_blocked_matches_asked_for_there_are_no_near_misses() -> None:
    shortlist = ENGINE.shortlist(PEOPLE["c-0002"], top=5)
    assert shortlist.near_misses is None
    assert "near_misses" not in shortlist.as_dict()


def test_the_vacancy_side_names_its_near_misses_too() -> None:
    vacancy = ENGINE.vacancies_[0]
    people = list(PEOPLE.values())
    shortlist = ENGINE.rank_candidates(vacancy, people, top=5, include_blocked=True)
    single = ENGINE.for_vacancy(vacancy).score(people)
    blocked = np.flatnonzero(single.blocked[:, 0])
    shown = np.round(single.score[blocked, 0], SCORE_DECIMALS)
    ids = [people[i].id for i in blocked]
    expected = [ident for _, ident in sorted(zip(-shown, ids, strict=True))][:NEAR_MISSES]
    got = [m.candidate_id for m in shortlist.near_misses or []]
    assert got == expected and all(m.blocked for m in shortlist.near_misses or [])
