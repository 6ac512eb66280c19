"""Commute: travel at the shift's real hours."""

from factories import WEEKDAYS, make_candidate, make_vacancy, point_east

from matcher.features.commute import CommuteFeature


def _score(candidate, vacancy):
    feature = CommuteFeature().fit([vacancy])
    scores = feature.score([candidate])
    return scores, feature.trip(candidate, 0)


def _early_port_shift(**fields):
    return make_vacancy(
        location=point_east(12.0),
        shifts=[{"days": WEEKDAYS, "start": "06:00", "end": "14:00"}],
        **fields,
    )


def test_six_oclock_shift_12km_away_with_only_public_transport_is_blocked_naming_the_hour():
    person = make_candidate(transport=["public_transport"], max_commute_minutes=90)
    scores, trip = _score(person, _early_port_shift())
    assert scores.blocking[0, 0]
    hour_reasons = [r for r in trip.reasons if r.code == "no_transport_at_shift_hours"]
    assert hour_reasons, trip.reasons
    assert "06:00" in hour_reasons[0].message
    assert hour_reasons[0].params["mode"] == "public_transport"


def test_the_same_shift_at_nine_is_reachable_by_public_transport():
    person = make_candidate(transport=["public_transport"], max_commute_minutes=90)
    late = make_vacancy(
        location=point_east(12.0), shifts=[{"days": WEEKDAYS, "start": "09:00", "end": "17:00"}]
    )
    scores, trip = _score(person, late)
    assert not scores.blocking[0, 0]
    assert trip.mode == "public_transport"
    assert 0 < scores.score[0, 0] <= 1


def test_employer_transport_makes_the_early_shift_feasible():
    person = make_candidate(transport=["public_transport"], max_commute_minutes=90)
    scores, trip = _score(person, _early_port_shift(transport_provided=True))
    assert not scores.blocking[0, 0]
    assert trip.mode == "employer_transport"
    assert trip.reasons[0].code == "employer_transport"


def test_a_bike_gets_there_at_six_when_the_tram_does_not():
    person = make_candidate(transport=["public_transport", "bike"], max_commute_minutes=90)
    scores, trip = _score(person, _early_port_shift())
    assert not scores.blocking[0, 0]
    assert trip.mode == "bike"


def test_no_public_transport_home_after_a_shift_ending_at_one():
    person = make_candidate(transport=["public_transport"], max_commute_minutes=60)
    bar = make_vacancy(
        location=point_east(5.0),
        shifts=[{"days": ["fri", "sat"], "start": "17:00", "end": "01:00"}],
    )
    scores, trip = _score(person, bar)
    assert scores.blocking[0, 0]
    assert any("01:00" in r.message for r in trip.reasons)


def test_a_car_without_a_driving_licence_does_not_count():
    vacancy = make_vacancy(location=point_east(25.0))
    without = make_candidate(transport=["car"], driving_licence=False)
    with_licence = make_candidate(transport=["car"], driving_licence=True)
    assert _score(without, vacancy)[0].blocking[0, 0]
    scores, trip = _score(with_licence, vacancy)
    assert not scores.blocking[0, 0] and trip.mode == "car"


def test_over_the_persons_maximum_blocks_and_says_so():
    person = make_candidate(transport=["public_transport"], max_commute_minutes=30)
    scores, trip = _score(person, make_vacancy(location=point_east(15.0)))
    assert scores.blocking[0, 0]
    assert trip.reasons[0].code == "commute_too_long"
    assert trip.reasons[0].params["max_minutes"] == 30


def test_closer_is_never_worse():
    person = make_candidate(transport=["public_transport", "bike"], max_commute_minutes=90)
    near, far = make_vacancy(location=point_east(2.0)), make_vacancy(location=point_east(9.0))
    feature = CommuteFeature().fit([near, far])
    scores = feature.score([person])
    assert scores.score[0, 0] >= scores.score[0, 1]
    assert scores.minutes[0, 0] < scores.minutes[0, 1]


def test_same_postcode_is_not_zero_minutes_away():
    person = make_candidate(home={"postcode": "2100"}, transport=[])
    scores, trip = _score(person, make_vacancy(location={"postcode": "2100"}))
    assert trip.minutes >= 10  # a postcode is an area: about 1 km on foot
    exact = make_candidate(home=point_east(0.0), transport=[])
    assert _score(exact, make_vacancy(location=point_east(0.05)))[1].minutes <= 2
