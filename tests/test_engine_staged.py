"""A large catalog's shortlist scores exactly only the vacancies its bounds cannot rule out
(`matcher/bounds.py`); it must say exactly what scoring every vacancy says (hypothesis)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from factories import make_candidate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_properties import VACANCIES, candidates

from matcher import Engine, Weights
from matcher.bounds import VacancyBounds
from matcher.travel.estimate import EstimatedTravelTimes
from matcher.travel.journeys import TimetableTravelTimes
from matcher.travel.streets import StreetTravelTimes, read_osm
from matcher.travel.timetable import read_feeds
from matcher.weights import FEATURES

# Twins of some vacancies under other ids (equal scores: ties go by id), and of some more with
# the employer's transport, so that many lines tie at the cut of a pool.
CATALOG = [
    *VACANCIES,
    *(v.model_copy(update={"id": f"w-{i:03d}"}) for i, v in enumerate(VACANCIES[:40])),
    *(
        v.model_copy(update={"id": f"a-{i:03d}", "transport_provided": True})
        for i, v in enumerate(VACANCIES[20:50])
    ),
]


class SlowerTravel(EstimatedTravelTimes):
    """Another travel model than the estimate the bounds know: theirs must hold for it too."""

    def minutes(self, modes, origins, destinations):  # type: ignore[no-untyped-def]
        return {m: t * 1.5 + 3 for m, t in super().minutes(modes, origins, destinations).items()}


def _engines(travel=None) -> tuple[Engine, Engine]:
    """The same fit twice: one always scoring everything, one staged from the smallest pool."""
    everything = Engine(travel=travel).fit(CATALOG)
    everything.staged_from = 10**9
    staged = Engine(travel=travel).fit(CATALOG)
    staged.staged_from, staged.staged_pool, staged.staged_until = 0, 1, 1
    return everything, staged


FEEDS = Path(__file__).parents[1] / "fixtures" / "transit"
TIMETABLE = TimetableTravelTimes(
    read_feeds(sorted(FEEDS.glob("*.zip"))), week_of=dt.date(2026, 11, 30)
)  # the synthetic Antwerp feeds: its minutes may beat the estimate's, at any hour

ENGINES = {
    "estimate": _engines(),
    "another model": _engines(SlowerTravel()),
    "timetable": _engines(TIMETABLE),
    # The synthetic street map: its minutes may beat the estimate's too (a motorway, a
    # straight road) and lose to it (round by a bridge).
    "streets": _engines(StreetTravelTimes(read_osm(FEEDS / "antwerp_synthetic.osm.pbf"))),
}

people = st.one_of(
    candidates,
    candidates.map(lambda c: make_candidate(**{**c.model_dump(), "home": {"postcode": "2100"}})),
)
weights = st.fixed_dictionaries(
    {name: st.sampled_from([0.0, 0.1, 0.35, 1.0]) for name in FEATURES}
).filter(lambda w: sum(w.values()) > 0)
props = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@props
@given(
    people,
    st.integers(1, 40),
    st.booleans(),
    st.lists(st.sampled_from([v.id for v in CATALOG]), max_size=30),
    weights,
    st.sampled_from(sorted(ENGINES)),
)
def test_a_staged_shortlist_says_exactly_what_scoring_every_vacancy_says(
    person, top, include_blocked, withhold, weighed, model
):
    everything, staged = (
        engine.with_weights(Weights(version=3, weights=weighed)) for engine in ENGINES[model]
    )
    expected = everything.shortlist(
        person, top=top, include_blocked=include_blocked, withhold=withhold
    )
    got = staged.shortlist(person, top=top, include_blocked=include_blocked, withhold=withhold)
    for language in ("en", "uk"):
        assert got.as_dict(language) == expected.as_dict(language)


@props
@given(people, weights, st.sampled_from(["estimate", "another model"]))  # none on a timetable
def test_bounds_are_never_below_a_score_nor_block_what_scoring_does_not(person, weighed, model):
    engine = ENGINES[model][0].with_weights(Weights(version=3, weights=weighed))
    scores = engine.score([person])
    bounds = VacancyBounds(engine).bound(engine, person, engine.skills_.credits(person), near=True)
    assert np.all(bounds.score >= scores.score[0])
    assert not np.any(bounds.blocked & ~scores.blocked[0])
    # As a near miss: never below the score of a vacancy that is blocked.
    assert bounds.near is not None
    blocked = scores.blocked[0]
    assert np.all(bounds.near[blocked] >= scores.score[0][blocked])


@props
@given(
    people,
    weights,
    st.integers(1, 2 * len(CATALOG)),
    st.sampled_from(["estimate", "another model"]),
)
def test_bounds_made_closely_only_for_the_promising_are_still_bounds(
    person, weighed, promising, model
):
    engine = ENGINES[model][0].with_weights(Weights(version=3, weights=weighed))
    scores = engine.score([person])
    bounds = VacancyBounds(engine)
    credits = engine.skills_.credits(person)
    listed = bounds.listed(engine, person, credits, promising=promising)
    listable = ~scores.blocked[0]
    assert np.all(listed[listable] >= scores.score[0][listable])
    # Surely blocked only where bounding every commute closely says so; never closer than that.
    exact = bounds.bound(engine, person, credits)
    surely = listed == -np.inf
    assert not np.any(surely & ~exact.blocked)
    assert np.all(listed[~surely] >= exact.score[~surely])


def test_a_shortlist_of_nothing_but_withheld_vacancies_is_empty():
    person = make_candidate()
    everything, staged = ENGINES["estimate"]
    every_id = [v.id for v in CATALOG]
    for include_blocked in (False, True):
        got = staged.shortlist(person, include_blocked=include_blocked, withhold=every_id)
        expected = everything.shortlist(person, include_blocked=include_blocked, withhold=every_id)
        assert got.as_dict() == expected.as_dict()
        assert got.results == []


@props
@given(
    people,
    st.lists(st.integers(0, len(CATALOG) - 1), max_size=20),
    st.lists(st.integers(0, len(CATALOG) - 1), max_size=20),
    st.booleans(),
)
def test_a_spliced_engine_shortlists_as_it_would_scoring_every_vacancy(
    person, removed, changed, include_blocked
):
    _, staged = _engines()
    staged.shortlist(person)  # works its bounds out, which the splices carry on
    spliced = staged.splice(
        removed=[CATALOG[k].id for k in removed],
        upserted=[
            CATALOG[k].model_copy(update={"hours_per_week": 12, "skills_required": ["koken"]})
            for k in changed
        ],
    ).splice(upserted=[CATALOG[0].model_copy(update={"id": "z-new", "title": "Kok"})])
    everything = spliced.with_weights(spliced.weights)
    everything.staged_from = 10**9
    got = spliced.shortlist(person, top=12, include_blocked=include_blocked)
    expected = everything.shortlist(person, top=12, include_blocked=include_blocked)
    assert got.as_dict() == expected.as_dict()
