"""The engine's combination of features, on cases a coach would check by hand."""

from factories import make_candidate, make_vacancy, point_east

from matcher import Engine


def _only(candidate, vacancy):
    shortlist = Engine().fit([vacancy]).shortlist(candidate, include_blocked=True)
    return shortlist.results[0]


def test_a_pick_one_vacancy_is_judged_on_one_shift_for_commute_and_schedule_alike():
    # Early shift: inside their free hours but no tram yet; afternoon: tram fine, not free then.
    job = make_vacancy(
        location=point_east(3.0),
        shift_pattern="any",
        shifts=[
            {"days": ["mon"], "start": "05:45", "end": "08:00"},
            {"days": ["mon"], "start": "14:00", "end": "16:00"},
        ],
    )
    person = make_candidate(
        transport=["public_transport"],
        max_commute_minutes=45,
        availability=[{"days": ["mon"], "start": "04:00", "end": "09:00"}],
    )
    match = _only(person, job)
    assert match.blocked
    commute, childcare = match.features["commute"], match.features["childcare"]
    assert commute.blocking or childcare.blocking
    # Both features speak of the same shift.
    shift = "05:45" if commute.blocking else "14:00"
    assert shift in " ".join(r.message for r in commute.reasons + childcare.reasons)


def test_each_shift_is_widened_by_the_commute_possible_at_its_hours():
    # At 05:45 there is no tram, so the walk (about 65 min) is the commute to plan around.
    job = make_vacancy(
        location=point_east(4.0), shifts=[{"days": ["mon"], "start": "05:45", "end": "13:00"}]
    )
    person = make_candidate(
        transport=["public_transport"],
        max_commute_minutes=75,
        availability=[{"days": ["mon"], "start": "05:10", "end": "14:00"}],
    )
    match = _only(person, job)
    walk = match.features["commute"].extra["minutes"]
    assert match.features["commute"].extra["mode"] == "walk"
    schedule = match.features["childcare"].reasons[0]
    assert schedule.params["travel_minutes"] == walk
    assert match.features["childcare"].blocking


def test_hour_reasons_only_where_they_cost_the_person_a_quicker_way():
    job = make_vacancy(
        location=point_east(4.0), shifts=[{"days": ["mon"], "start": "05:00", "end": "09:00"}]
    )
    by_bike = _only(make_candidate(transport=["public_transport", "bike"]), job)
    codes = [r.code for r in by_bike.features["commute"].reasons]
    assert by_bike.features["commute"].extra["mode"] == "bike"
    assert "no_transport_at_shift_hours" not in codes  # the tram would have been slower anyway
