"""Blocking never drops a pair the engine would not block: whatever the person, their modes
and limit, and wherever the vacancies are, each one the engine does not block on commute (so
every one it would list unblocked) is within the person's reach."""

from __future__ import annotations

import numpy as np
from factories import make_candidate, make_vacancy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Engine, Weights
from matcher.batch.blocking import Reach
from matcher.models import LAT_RANGE, LON_RANGE

latitudes = st.floats(*LAT_RANGE)
longitudes = st.floats(*LON_RANGE)
# Near each other most of the time (where it matters), anywhere in the region otherwise.
offsets = st.floats(-0.6, 0.6)
SHIFTS = [
    [{"days": ["mon", "tue"], "start": "09:00", "end": "17:00"}],
    [{"days": ["sat"], "start": "22:00", "end": "06:00"}],  # no tram at night
    [
        {"days": ["mon"], "start": "06:00", "end": "14:00"},
        {"days": ["mon"], "start": "14:00", "end": "22:00"},
    ],
]


@st.composite
def scenes(draw: st.DrawFn) -> tuple[object, list[object]]:
    lat, lon = draw(latitudes), draw(longitudes)
    home = (
        {"lat": lat, "lon": lon}
        if draw(st.booleans())
        else {"postcode": draw(st.sampled_from(["2000", "2060", "3000", "8400", "9000", "3600"]))}
    )
    person = make_candidate(
        home=home,
        transport=draw(
            st.lists(st.sampled_from(["public_transport", "bike", "car"]), unique=True, max_size=3)
        ),
        driving_licence=draw(st.booleans()),
        max_commute_minutes=draw(st.integers(5, 240)),
    )
    jobs = []
    for j in range(draw(st.integers(1, 25))):
        vlat = min(max(lat + draw(offsets), LAT_RANGE[0]), LAT_RANGE[1])
        vlon = min(max(lon + draw(offsets), LON_RANGE[0]), LON_RANGE[1])
        jobs.append(
            make_vacancy(
                id=f"v-{j:03d}",
                location={"lat": vlat, "lon": vlon},
                transport_provided=draw(st.booleans()),
                shifts=draw(st.sampled_from(SHIFTS)),
                shift_pattern=draw(st.sampled_from(["all", "any"])),
            )
        )
    return person, jobs


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
def test_blocking_never_drops_a_pair_scoring_every_pair_leaves_unblocked(scene):
    person, jobs = scene
    engine = Engine().fit(jobs)
    scores = engine.score([person])
    reachable = set(Reach().fit(engine).reachable(person).tolist())
    not_blocked_on_commute = np.flatnonzero(~scores.features["commute"].blocking[0])
    assert set(not_blocked_on_commute.tolist()) <= reachable


def test_out_of_reach_is_most_of_a_region_and_none_of_the_next_street():
    person = make_candidate(transport=["bike"], max_commute_minutes=30)
    near = make_vacancy(id="v-near", location={"lat": 51.2194, "lon": 4.42})
    far = make_vacancy(id="v-far", location={"lat": 50.85, "lon": 4.35})  # Brussels
    engine = Engine().fit([near, far])
    assert Reach().fit(engine).reachable(person).tolist() == [0]


def test_with_commute_weighted_zero_nothing_is_out_of_reach():
    """A feature weighted zero blocks nothing, so distance cannot rule a vacancy out."""
    weights = Weights(version=2, weights={"skills": 1, "language": 1, "commute": 0, "childcare": 1})
    far = make_vacancy(id="v-far", location={"lat": 50.85, "lon": 4.35})
    engine = Engine(weights).fit([far])
    person = make_candidate(transport=[], max_commute_minutes=5)
    assert Reach().fit(engine).reachable(person).tolist() == [0]
    assert not engine.score([person]).blocked[0, 0]
