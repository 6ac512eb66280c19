"""A spliced engine is the engine a fresh fit would give: vacancies added, changed and removed one
column at a time rank, score and explain exactly as after fitting on the resulting set."""

from __future__ import annotations

import numpy as np
from factories import ANTWERP, make_candidate, make_vacancy, point_east
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Candidate, Engine, Vacancy
from matcher.engine import rank_keys
from matcher.models import DAYS, LEVELS

# Contact languages few vacancies use, so that a splice meets a language the fit never saw.
LANGS = ["en", "uk", "ru", "fr", "ti", "so", "ps"]
# Known phrases, and some the vocabulary does not know (ad-hoc text concepts, fuzzy-matched).
SKILLS = [
    "heftruck rijden",
    "schoonmaken",
    "koken",
    "Excel",
    "kassa",
    "onbekende vaardigheid",
    "zeepziederij",
    "glasblazen met de mond",
]
TITLES = ["Magazijnmedewerker", "Schoonmaker", "Kok", "Zeepzieder", "Glasblazer"]
STARTS = ["04:45", "05:00", "06:00", "07:30", "09:00", "13:00", "14:15", "22:00", "23:30"]
ENDS = ["06:00", "12:00", "14:00", "15:30", "17:00", "22:00", "23:00", "01:00", "24:00"]

shifts = st.lists(
    st.fixed_dictionaries(
        {
            "days": st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True),
            "start": st.sampled_from(STARTS),
            "end": st.sampled_from(ENDS),
        }
    ).filter(lambda s: s["start"] != s["end"]),
    min_size=1,
    max_size=3,
)
languages = st.one_of(
    st.builds(
        lambda level: {"dutch": level, "contact_languages": [], "contact_level": None},
        st.sampled_from(LEVELS[:5]),
    ),
    st.builds(
        lambda codes, level: {"dutch": None, "contact_languages": codes, "contact_level": level},
        st.lists(st.sampled_from(LANGS), min_size=1, max_size=3, unique=True),
        st.sampled_from(LEVELS[:4]),
    ),
)
locations = st.one_of(
    st.builds(point_east, st.floats(0.1, 25)),
    st.builds(lambda p: {"postcode": p}, st.sampled_from(["2000", "2030", "2100", "2660"])),
)
contents = st.fixed_dictionaries(
    {
        "title": st.sampled_from(TITLES),
        "location": locations,
        "skills_required": st.lists(st.sampled_from(SKILLS), max_size=3, unique=True),
        "skills_preferred": st.lists(st.sampled_from(SKILLS), max_size=2, unique=True),
        "language": languages,
        "shifts": shifts,
        "shift_pattern": st.sampled_from(["all", "any"]),
        "hours_per_week": st.sampled_from([12, 19, 24, 38, 40]),
        "transport_provided": st.booleans(),
        "driving_licence_required": st.booleans(),
        "status": st.sampled_from(["open", "open", "open", "closed", "filled"]),
    }
)
# One change: (which, where, what). "add" makes a new id, "change" and "remove" pick an existing
# one by position; several changes form one splice, as several writes between two shortlists do.
change = st.tuples(st.sampled_from(["add", "change", "remove"]), st.integers(0, 999), contents)
histories = st.lists(st.lists(change, min_size=1, max_size=4), min_size=1, max_size=5)

PEOPLE: list[Candidate] = [
    make_candidate(id="c-any"),
    make_candidate(
        id="c-dutch",
        languages={"nl": "B1", "ti": "native"},
        skills=["schoonmaken", "zeepziederij", "glasblazen"],
        transport=["bike", "public_transport"],
        availability=[{"days": DAYS[:5], "start": "06:00", "end": "18:00"}],
        hours_per_week={"min": 15, "max": 30},
    ),
    make_candidate(
        id="c-far",
        home=point_east(12.0, ANTWERP),
        languages={"so": "B2", "en": "A2"},
        skills=["onbekende vaardigheid", "kassa"],
        occupations=["kok"],
        driving_licence=True,
        transport=["car"],
        max_commute_minutes=30,
        availability=[{"days": ["mon", "sat", "sun"], "start": "21:00", "end": "07:00"}],
    ),
    make_candidate(
        id="c-walk",
        languages={"ps": "C1", "ru": "B1"},
        skills=["heftruck rijden", "Excel"],
        transport=[],
        max_commute_minutes=45,
    ),
]


def _vacancy(ident: str, fields: dict[str, object]) -> Vacancy:
    return make_vacancy(id=ident, **fields)


def _initial(data: st.DataObject) -> list[Vacancy]:
    fields = data.draw(st.lists(contents, min_size=0, max_size=12), label="initial")
    return [_vacancy(f"v-{k:03d}", f) for k, f in enumerate(fields)]


def _apply(
    engine: Engine, stored: dict[str, Vacancy], step: list[tuple[str, int, dict[str, object]]]
) -> Engine:
    """One splice for a step's changes, given as the service gives them: each touched id once,
    removed or with its new content (closed and filled ones included)."""
    final: dict[str, Vacancy | None] = {}
    for which, where, fields in step:
        if which == "add":
            ident = f"v-n{len(stored) + len(final):03d}-{where}"
            final[ident] = _vacancy(ident, fields)
        elif stored:
            ident = sorted(stored)[where % len(stored)]
            final[ident] = _vacancy(ident, fields) if which == "change" else None
    for ident, vacancy in final.items():
        if vacancy is None:
            stored.pop(ident, None)
        else:
            stored[ident] = vacancy
    removed = [i for i, v in final.items() if v is None]
    upserted = [v for v in final.values() if v is not None]
    return engine.splice(removed=removed, upserted=upserted)


def _assert_same(spliced: Engine, fresh: Engine) -> None:
    assert sorted(v.id for v in spliced.vacancies_) == sorted(v.id for v in fresh.vacancies_)
    if not fresh.vacancies_:
        return
    # The same column for each vacancy, however the columns are ordered.
    columns = spliced.columns_of(v.id for v in fresh.vacancies_ if v.id)
    assert np.array_equal(spliced.vacancy_rank_[columns], fresh.vacancy_rank_)
    a, b = spliced.score(PEOPLE), fresh.score(PEOPLE)
    assert np.array_equal(a.score[:, columns], b.score)
    assert np.array_equal(a.blocked[:, columns], b.blocked)
    for name, feature in b.features.items():
        assert np.array_equal(a.features[name].score[:, columns], feature.score), name
        assert np.array_equal(a.features[name].blocking[:, columns], feature.blocking), name
    for person in PEOPLE:
        # Every result with every reason, and a short list where ties at the cut are settled.
        everything = len(fresh.vacancies_)
        assert spliced.shortlist(person, top=everything, include_blocked=True) == fresh.shortlist(
            person, top=everything, include_blocked=True
        )
        assert spliced.shortlist(person, top=3) == fresh.shortlist(person, top=3)


splices = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@splices
@given(st.data(), histories)
def test_a_spliced_engine_ranks_scores_and_explains_as_a_fresh_fit(data, history):
    stored = {v.id: v for v in _initial(data) if v.id}
    engine = Engine().fit(list(stored.values()))
    before = [engine.shortlist(p, top=50, include_blocked=True) for p in PEOPLE]
    first = engine
    for step in history:
        engine = _apply(engine, stored, step)
        _assert_same(engine, Engine().fit(sorted(stored.values(), key=lambda v: v.id or "")))
    # The engine spliced from was left as it was: requests still scoring with it are undisturbed.
    assert [first.shortlist(p, top=50, include_blocked=True) for p in PEOPLE] == before


@splices
@given(st.data(), histories, st.randoms(use_true_random=False))
def test_an_engine_reduced_to_some_vacancies_scores_them_as_the_whole_one_does(data, history, rnd):
    stored = {v.id: v for v in _initial(data) if v.id}
    engine = Engine().fit(list(stored.values()))
    for step in history:
        engine = _apply(engine, stored, step)
    ids = [v.id for v in engine.vacancies_ if v.id]
    chosen = rnd.sample(ids, rnd.randint(0, len(ids)))
    reduced = engine.only(chosen)
    assert sorted(v.id for v in reduced.vacancies_) == sorted(chosen)
    if not chosen:
        return
    columns = engine.columns_of(v.id for v in reduced.vacancies_ if v.id)
    whole, part = engine.score(PEOPLE), reduced.score(PEOPLE)
    assert np.array_equal(whole.score[:, columns], part.score)
    assert np.array_equal(whole.blocked[:, columns], part.blocked)
    # Many people at once (the skill arrays narrowed to the concepts used): the same floats.
    crowd = PEOPLE * 8
    many = reduced.score(crowd)
    assert np.array_equal(many.score, np.tile(part.score, (8, 1)))
    assert np.array_equal(many.blocked, np.tile(part.blocked, (8, 1)))
    # Every person's lines at once, as each one's own shortlist shows them.
    lines = reduced.matches(crowd)
    for person, found in zip(crowd, lines, strict=True):
        alone = reduced.shortlist(person, top=len(chosen), include_blocked=True).results
        assert sorted(found, key=lambda m: m.vacancy_id or "") == sorted(
            alone, key=lambda m: m.vacancy_id or ""
        )


def test_a_splice_counts_the_columns_it_changed_since_the_last_fit():
    engine = Engine().fit([make_vacancy(id="v-a"), make_vacancy(id="v-b")])
    assert engine.spliced_ == 0
    engine = engine.splice(upserted=[make_vacancy(id="v-c")], removed=["v-a"])
    assert engine.spliced_ == 2
    engine = engine.splice(upserted=[make_vacancy(id="v-b", status="closed")])
    assert engine.spliced_ == 3 and [v.id for v in engine.vacancies_] == ["v-c"]
    assert engine.splice(removed=["v-unknown"]).spliced_ == 3


def test_a_splice_counts_the_columns_it_widened_the_tables_by():
    """What a fit would take back: concepts, contact languages and shift hours no fit had."""
    engine = Engine().fit([make_vacancy(id="v-a", title="Schoonmaker")])
    same = engine.splice(upserted=[make_vacancy(id="v-a", title="Schoonmaker", hours_per_week=30)])
    assert same.widened_ == 0 and same.spliced_ == 2
    new_title = same.splice(upserted=[make_vacancy(id="v-b", title="Zeepzieder van de nacht")])
    assert new_title.widened_ == 1
    ti = {"dutch": None, "contact_languages": ["ti"], "contact_level": "A2"}
    contact = new_title.splice(upserted=[make_vacancy(id="v-c", language=ti)])
    assert contact.widened_ == 2
    night = [{"days": ["mon"], "start": "22:00", "end": "06:00"}]
    hours = contact.splice(upserted=[make_vacancy(id="v-d", shifts=night)])
    assert hours.widened_ == 3
    # A removal leaves its columns (empty, until the next fit) and widens nothing.
    assert hours.splice(removed=["v-b", "v-c", "v-d"]).widened_ == 3


@splices
@given(st.data(), histories, st.booleans(), st.randoms(use_true_random=False))
def test_whether_some_vacancies_would_come_before_a_shortlists_last_line(
    data, history, include_blocked, rnd
):
    stored = {v.id: v for v in _initial(data) if v.id}
    engine = Engine().fit(list(stored.values()))
    for step in history:
        engine = _apply(engine, stored, step)
    ids = [v.id for v in engine.vacancies_ if v.id]
    chosen = set(rnd.sample(ids, rnd.randint(0, len(ids))))
    reduced = engine.only(chosen)
    asked: list[tuple[Candidate, tuple[float, str] | None, list[tuple[float, str]]]] = []
    for person in PEOPLE:
        ranked = engine.shortlist(person, top=max(len(ids), 1), include_blocked=include_blocked)
        lines = [
            (float(rank_keys(np.array([m.score]), np.array([m.blocked]))[0]), m.vacancy_id or "")
            for m in ranked.results
        ]
        for last in [None, *lines]:
            expected = any(
                ident in chosen and (last is None or (key, ident) < last) for key, ident in lines
            )
            found = reduced.lists_any_before([person], [last], include_blocked=include_blocked)
            assert found.tolist() == [expected], (person.id, last)
            # With the credits the whole engine worked out for them: the same answer.
            known = engine.skill_credits(person)
            again = reduced.lists_any_before(
                [person], [last], include_blocked=include_blocked, credits=[known]
            )
            assert again.tolist() == [expected], (person.id, last)
            asked.append((person, last, lines))
    # Everyone asked at once, each about another last line and leaving out vacancies of their
    # own: each answer as when asked alone.
    rnd.shuffle(asked)
    withheld = [set(rnd.sample(sorted(chosen), rnd.randint(0, len(chosen)))) for _ in asked]
    together = reduced.lists_any_before(
        [person for person, _, _ in asked],
        [last for _, last, _ in asked],
        include_blocked=include_blocked,
        withhold=withheld,
    )
    expected_together = [
        any(
            ident in chosen - left_out and (last is None or (key, ident) < last)
            for key, ident in lines
        )
        for (_, last, lines), left_out in zip(asked, withheld, strict=True)
    ]
    assert together.tolist() == expected_together
