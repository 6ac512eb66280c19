"""Invariants of the engine that must hold for any candidate (hypothesis)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from factories import ANTWERP, make_candidate, make_vacancy, point_east
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Engine, Weights
from matcher.models import DAYS, LEVELS

LANGS = ["nl", "en", "uk", "ru", "fr"]
MODES = ["bike", "public_transport", "car"]
SKILLS = [
    "heftruck rijden",
    "forklift driving",
    "schoonmaken",
    "koken",
    "Excel",
    "kassa",
    "metselen",
    "onbekende vaardigheid",
    "reachtruck",
]
START_TIMES = ["05:00", "06:00", "07:30", "09:00", "13:00", "14:00", "18:00", "22:00"]
END_TIMES = ["06:00", "12:00", "14:00", "15:30", "17:00", "22:00", "23:00", "01:00"]


def _vacancies(n: int = 80, seed: int = 7):
    rnd = random.Random(seed)
    vacancies = []
    for i in range(n):
        shifts = [
            {
                "days": rnd.sample(DAYS, rnd.randint(1, 6)),
                "start": rnd.choice(START_TIMES),
                "end": rnd.choice(END_TIMES),
            }
            for _ in range(rnd.randint(1, 3))
        ]
        shifts = [s for s in shifts if s["start"] != s["end"]] or [
            {"days": ["mon"], "start": "09:00", "end": "17:00"}
        ]
        if rnd.random() < 0.5:
            language = {
                "dutch": rnd.choice(LEVELS[:5]),
                "contact_languages": [],
                "contact_level": None,
            }
        else:
            language = {
                "dutch": None,
                "contact_languages": rnd.sample(LANGS[1:], 2),
                "contact_level": rnd.choice(LEVELS[:4]),
            }
        angle_km = rnd.uniform(0.2, 30)
        vacancies.append(
            make_vacancy(
                id=f"v-{i:03d}",
                location=point_east(angle_km)
                if i % 3
                else {"postcode": rnd.choice(["2000", "2030", "2100", "2660", "9130", "2800"])},
                skills_required=rnd.sample(SKILLS, rnd.randint(0, 3)),
                skills_preferred=rnd.sample(SKILLS, rnd.randint(0, 2)),
                language=language,
                shifts=shifts,
                shift_pattern=rnd.choice(["all", "any"]),
                hours_per_week=rnd.choice([19, 24, 30, 38, 40]),
                transport_provided=rnd.random() < 0.2,
                driving_licence_required=rnd.random() < 0.1,
            )
        )
    return vacancies


VACANCIES = _vacancies()
ENGINE = Engine().fit(VACANCIES)

windows = st.lists(
    st.fixed_dictionaries(
        {
            "days": st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True),
            "start": st.sampled_from(["00:00", "06:30", "08:45", "12:00", "18:00", "21:00"]),
            "end": st.sampled_from(["03:00", "12:00", "15:30", "18:00", "23:00", "24:00"]),
        }
    ).filter(lambda w: w["start"] != w["end"]),
    min_size=1,
    max_size=3,
)
candidates = st.builds(
    lambda languages, modes, licence, max_commute, availability, skills, km: make_candidate(
        home=point_east(km, ANTWERP),
        languages=languages,
        transport=modes,
        driving_licence=licence,
        max_commute_minutes=max_commute,
        availability=availability,
        skills=skills,
    ),
    st.dictionaries(st.sampled_from(LANGS), st.sampled_from(LEVELS), max_size=4),
    st.lists(st.sampled_from(MODES), unique=True, max_size=3),
    st.booleans(),
    st.integers(10, 120),
    st.none() | windows,
    st.lists(st.sampled_from(SKILLS), max_size=4, unique=True),
    st.floats(-5, 20),
)
props = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _never_worse(before, after):
    b, a = ENGINE.score([before]), ENGINE.score([after])
    assert np.all(a.score >= b.score - 1e-12)
    assert not np.any(a.blocked & ~b.blocked), "a change for the better blocked a vacancy"


@props
@given(candidates)
def test_scores_stay_in_the_unit_interval(candidate):
    scores = ENGINE.score([candidate])
    assert np.all((scores.score >= 0) & (scores.score <= 1))
    for name, feature in scores.features.items():
        assert np.all((feature.score >= 0) & (feature.score <= 1)), name


@props
@given(candidates, st.sampled_from(LANGS), st.integers(1, 6))
def test_a_better_language_level_never_lowers_a_score(candidate, language, steps):
    current = candidate.languages.get(language)
    rank = LEVELS.index(current) + 1 if current else 0
    better = LEVELS[min(rank + steps, len(LEVELS)) - 1]
    improved = candidate.model_copy(update={"languages": {**candidate.languages, language: better}})
    _never_worse(candidate, improved)


@props
@given(candidates, st.sampled_from(MODES))
def test_another_transport_mode_never_lowers_a_score(candidate, mode):
    improved = candidate.model_copy(
        update={"transport": sorted({*candidate.transport, mode}), "driving_licence": True}
    )
    _never_worse(candidate.model_copy(update={"driving_licence": True}), improved)


@props
@given(candidates, windows)
def test_wider_availability_never_lowers_a_score(candidate, extra):
    if candidate.availability is None:
        return
    wider = make_candidate(
        **{
            **candidate.model_dump(),
            "availability": [*[w.model_dump() for w in candidate.availability], *extra],
        }
    )
    _never_worse(candidate, wider)
    _never_worse(candidate, candidate.model_copy(update={"availability": None}))


@props
@given(candidates, candidates, st.sampled_from(["skills", "language", "commute", "childcare"]))
def test_a_weight_of_zero_removes_that_features_influence(first, second, feature):
    weights = {"skills": 1.0, "language": 1.0, "commute": 1.0, "childcare": 1.0, feature: 0.0}
    engine = ENGINE.with_weights(Weights(version=2, weights=weights))
    a = engine.score([first])
    others = [f for f in weights if f != feature]
    assert np.allclose(a.score, sum(a.features[f].score for f in others) / 3)
    vetoes = np.logical_or.reduce([a.features[f].blocking for f in others])
    assert np.array_equal(a.blocked, vetoes)
    # Two people who differ only in what the zero-weight feature looks at score the same.
    if feature == "language":
        twin = first.model_copy(update={"languages": second.languages})
        t = engine.score([twin])
        assert np.array_equal(t.score, a.score) and np.array_equal(t.blocked, a.blocked)


@props
@given(candidates, st.randoms(use_true_random=False))
def test_the_order_is_deterministic_and_independent_of_input_order(candidate, rnd):
    shuffled = list(VACANCIES)
    rnd.shuffle(shuffled)
    other = Engine().fit(shuffled)
    first = ENGINE.shortlist(candidate, top=15, include_blocked=True)
    again = ENGINE.shortlist(candidate, top=15, include_blocked=True)
    reordered = other.shortlist(candidate, top=15, include_blocked=True)
    ids = [m.vacancy_id for m in first.results]
    assert ids == [m.vacancy_id for m in again.results] == [m.vacancy_id for m in reordered.results]
    keys = [(m.blocked, -round(m.score, 4), m.vacancy_id) for m in first.results]
    assert keys == sorted(keys)


def test_equal_scores_are_ordered_by_id():
    twins = [make_vacancy(id=i) for i in ["v-b", "v-c", "v-a"]]
    ranked = Engine().fit(twins).shortlist(make_candidate())
    assert [m.vacancy_id for m in ranked.results] == ["v-a", "v-b", "v-c"]


def test_blocked_results_only_when_asked_and_after_the_unblocked():
    person = make_candidate(languages={"uk": "native"}, transport=[])
    shown = ENGINE.shortlist(person, top=80)
    everything = ENGINE.shortlist(person, top=80, include_blocked=True)
    assert all(not m.blocked for m in shown.results)
    blocked_flags = [m.blocked for m in everything.results]
    assert blocked_flags == sorted(blocked_flags)
    assert any(blocked_flags), "this person should be blocked from some vacancies"
    for m in everything.results:
        if m.blocked:
            assert any(f.blocking and f.reasons for f in m.features.values())


@pytest.mark.parametrize("top", [1, 5, 200])
def test_top_is_respected(top):
    assert len(ENGINE.shortlist(make_candidate(), top=top, include_blocked=True).results) == min(
        top, len(VACANCIES)
    )
