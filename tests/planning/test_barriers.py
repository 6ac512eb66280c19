"""Barriers: which single change unlocks the most vacancies, on cases where the answer is known."""

from __future__ import annotations

from functools import cache

import pytest
from factories import WEEKDAYS, dutch_required, make_candidate, make_vacancy, point_east

from matcher import Engine
from matcher.fixtures import load_candidates, load_vacancies
from matcher.models import TimeWindow
from matcher.planning.barriers import (
    CHANGE_CODES,
    BarrierStats,
    analyse_barriers,
    barrier_stats,
    candidate_changes,
)

SCHOOL_HOURS = [{"days": WEEKDAYS, "start": "08:30", "end": "15:30"}]


def effects(engine: Engine, **candidate: object) -> dict[str, tuple[int, list[str | None]]]:
    report = analyse_barriers(engine, make_candidate(**candidate))
    return {e.code: (e.unblocked, [t.vacancy_id for t in e.new_in_top]) for e in report.changes}


def test_a_0600_shift_without_early_trams_is_unblocked_by_a_bike_or_a_car() -> None:
    early = make_vacancy(
        id="v-early",
        location=point_east(12.0),
        shifts=[{"days": WEEKDAYS, "start": "06:00", "end": "14:00"}],
    )
    engine = Engine().fit([early])
    person = make_candidate(transport=["public_transport"], max_commute_minutes=90)
    report = analyse_barriers(engine, person)
    assert report.blocked == 1
    found = {e.code: e for e in report.changes}
    assert found["bike"].unblocked == 1 and found["car"].unblocked == 1
    assert [t.vacancy_id for t in found["bike"].new_in_top] == ["v-early"]
    assert found["bike"].new_in_top[0].blocked_before
    # Nothing else helps: walking 12 km takes too long, and a licence alone brings no car.
    others = {code: e.unblocked for code, e in found.items() if code not in ("bike", "car")}
    assert set(others.values()) == {0}, others
    assert {e.code for e in report.changes[:2]} == {"bike", "car"}
    assert report.changes[0].code == "bike"  # ties go in CHANGE_CODES order
    assert "public_transport" not in found  # they have it already


def test_dutch_course_unblocks_a_vacancy_asking_two_levels_more() -> None:
    engine = Engine().fit([make_vacancy(id="v-nl", language=dutch_required("B1"))])
    found = effects(engine, languages={"uk": "native", "nl": "A1"})
    assert found["dutch_up_1"] == (1, ["v-nl"])  # A2: one level short is a soft penalty
    assert found["dutch_up_2"] == (1, ["v-nl"])  # B1


def test_childcare_from_six_or_until_ten_unblocks_early_or_late_shifts() -> None:
    def shift(start: str, end: str, ident: str) -> object:
        return make_vacancy(id=ident, shifts=[{"days": WEEKDAYS, "start": start, "end": end}])

    engine = Engine().fit([shift("06:30", "14:30", "v-early"), shift("14:00", "21:30", "v-late")])
    found = effects(engine, availability=SCHOOL_HOURS)
    assert found["care_early"] == (1, ["v-early"])
    assert found["care_late"] == (1, ["v-late"])
    assert found["care_full_day"][0] == 2
    assert found["available_any_time"][0] == 2
    assert found["bike"][0] == 0


def test_a_driving_licence_unblocks_vacancies_that_need_one() -> None:
    engine = Engine().fit([make_vacancy(id="v-van", driving_licence_required=True)])
    found = effects(engine)
    assert found["driving_licence"] == (1, ["v-van"])
    assert found["car"][0] == 1


def test_a_longer_commute_unblocks_a_vacancy_just_out_of_reach() -> None:
    # About 62 minutes by public transport against a maximum of 60.
    engine = Engine().fit([make_vacancy(id="v-far", location=point_east(12.0))])
    found = effects(engine, max_commute_minutes=60)
    assert found["commute_plus_15"] == (1, ["v-far"])
    assert found["commute_plus_30"][0] == 1


def test_changes_that_would_change_nothing_are_left_out() -> None:
    settled = make_candidate(
        languages={"nl": "native"},
        transport=["bike", "public_transport", "car"],
        driving_licence=True,
        max_commute_minutes=240,
        availability=None,
    )
    assert candidate_changes(settled) == []
    c1 = {ch.code: ch.params for ch in candidate_changes(make_candidate(languages={"nl": "C1"}))}
    assert c1["dutch_up_1"]["to"] == "C2" and "dutch_up_2" not in c1
    # A car without a licence is no use; the licence is the change (and "car" is not repeated).
    car_no_licence = {ch.code for ch in candidate_changes(make_candidate(transport=["car"]))}
    assert "driving_licence" in car_no_licence and "car" not in car_no_licence
    near_max = {ch.code for ch in candidate_changes(make_candidate(max_commute_minutes=230))}
    assert "commute_plus_15" in near_max and "commute_plus_30" not in near_max
    mornings = [{"days": WEEKDAYS, "start": "05:00", "end": "12:00"}]
    early_riser = make_candidate(availability=mornings)
    codes = {ch.code for ch in candidate_changes(early_riser)}
    assert "care_early" not in codes and "care_late" in codes
    assert {ch.code for ch in candidate_changes(make_candidate())} <= set(CHANGE_CODES)


def test_widened_windows_keep_their_days_and_respect_midnight() -> None:
    night = make_candidate(
        availability=[
            {"days": ["sat"], "start": "20:00", "end": "02:00"},
            {"days": ["mon", "wed"], "start": "09:00", "end": "12:00"},
        ]
    )
    by_code = {ch.code: ch.candidate.availability for ch in candidate_changes(night)}
    full = by_code["care_full_day"]
    assert full is not None
    assert full[0] == TimeWindow(days=["sat"], start="06:00", end="02:00")
    assert full[1] == TimeWindow(days=["mon", "wed"], start="06:00", end="22:00")
    late = by_code["care_late"]
    assert late is not None and late[0] == night.availability[0]  # type: ignore[index]
    assert by_code["available_any_time"] is None


@cache
def fixtures_engine() -> Engine:
    return Engine().fit(load_vacancies())


def ready_people(n: int) -> list:  # type: ignore[type-arg]
    return [c for c in load_candidates() if c.stage == "ready"][:n]


@pytest.mark.parametrize("index", [0, 1, 7])
def test_counts_match_scoring_each_variant_on_its_own(index: int) -> None:
    engine = fixtures_engine()
    person = ready_people(8)[index]
    report = analyse_barriers(engine, person)
    now = engine.score([person]).blocked[0]
    top_now = {m.vacancy_id for m in engine.shortlist(person, top=10).results}
    changes = {ch.code: ch for ch in candidate_changes(person)}
    assert {e.code for e in report.changes} == set(changes)
    for effect in report.changes:
        variant = changes[effect.code].candidate
        after = engine.score([variant]).blocked[0]
        assert effect.unblocked == int((now & ~after).sum()), effect.code
        top_after = [m.vacancy_id for m in engine.shortlist(variant, top=10).results]
        assert [t.vacancy_id for t in effect.new_in_top] == [
            v for v in top_after if v not in top_now
        ]
    keys = [(-e.unblocked, -len(e.new_in_top)) for e in report.changes]
    assert keys == sorted(keys)


def test_stats_add_up_the_people_and_do_not_depend_on_batching() -> None:
    engine = fixtures_engine()
    people = ready_people(12)
    whole = barrier_stats(engine, people)
    small = barrier_stats(engine, people, batch_rows=5)
    parts = barrier_stats(engine, people[:5]).merge(barrier_stats(engine, people[5:]))
    assert whole.as_dict() == small.as_dict() == parts.as_dict()
    assert whole.candidates == 12
    reports = [analyse_barriers(engine, p) for p in people]
    assert whole.blocked == sum(r.blocked for r in reports)
    for code, entry in whole.changes.items():
        mine = [e for r in reports for e in r.changes if e.code == code]
        assert entry.applicable == len(mine)
        assert entry.people == sum(e.unblocked > 0 for e in mine)
        assert entry.unblocked == sum(e.unblocked for e in mine)
    helped = sum(any(e.unblocked for e in r.changes) for r in reports)
    assert sum(s.best_for for s in whole.changes.values()) == helped
    ranked = [(-s.people, -s.unblocked) for s in whole.ranked()]
    assert ranked == sorted(ranked)


def test_no_open_vacancies_and_empty_groups() -> None:
    engine = Engine().fit([])
    report = analyse_barriers(engine, make_candidate())
    assert report.blocked == 0 and all(e.unblocked == 0 for e in report.changes)
    assert barrier_stats(engine, []).as_dict() == BarrierStats().as_dict()


def test_the_command_line_prints_changes_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from matcher.cli import main

    assert main(["barriers", "c-0002"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Barriers for candidate c-0002") and "unblocks" in text
    assert main(["barriers", "c-0002", "--json", "--top", "5"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["candidate_id"] == "c-0002" and body["top"] == 5
    assert {c["code"] for c in body["changes"]} <= set(CHANGE_CODES)
    with pytest.raises(SystemExit, match="no candidate with id"):
        main(["barriers", "c-nobody"])
