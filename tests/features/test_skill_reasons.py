"""The skills feature's reasons as a coach reads them: what a job entails is credited in full,
the verdict comes first, what they have before what they lack, and `missing` is exactly the
required skills not credited."""

from __future__ import annotations

from functools import cache

from factories import make_candidate, make_vacancy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Engine
from matcher.features.skills import SkillsFeature
from matcher.fixtures import load_candidates, load_vacancies
from matcher.reading.vocabulary import default_vocabulary

FORKLIFT_JOB = make_vacancy(title="Heftruckchauffeur", skills_required=["heftruck rijden"])


def _explain(candidate, vacancy):
    feature = SkillsFeature().fit([vacancy])
    return float(feature.score([candidate]).score[0, 0]), feature.explain(candidate, 0)


def test_a_forklift_driver_is_credited_forklift_driving_in_full_with_the_reason_why() -> None:
    driver = make_candidate(occupations=["водій навантажувача"], skills=[])
    score, reasons = _explain(driver, FORKLIFT_JOB)
    summary = reasons[0]
    assert summary.code == "required_skills" and summary.variant == "all_one"
    assert summary.params["matched"] == ["heftruck rijden"]
    assert summary.params["missing"] == [] and summary.params["related"] == []
    entailed = next(r for r in reasons if r.code == "skill_entailed")
    assert entailed.params["skill"] == "heftruck rijden"
    assert entailed.params["from"] == "водій навантажувача"
    assert entailed.params["occupation"] == "heftruckchauffeur"
    assert entailed.message == "Has the skill: forklift driving, from their work as forklift driver"
    assert summary.message == "Has the required skill: forklift driving"
    assert score > 0.95
    # Without the entailment, the occupation is only related: half credit, as before.
    related_only = make_candidate(occupations=["reachtruckchauffeur"], skills=[])
    assert _explain(related_only, FORKLIFT_JOB)[0] < score - 0.2


def test_a_cleaner_on_a_cleaning_job_opens_with_having_the_skills() -> None:
    cleaner = make_candidate(occupations=["прибиральниця"], skills=[])
    job = make_vacancy(title="Schoonmaker kantoren", skills_required=["kantoren schoonmaken"])
    _, reasons = _explain(cleaner, job)
    assert reasons[0].variant == "all_one", reasons[0].message
    assert reasons[0].render("uk").startswith("Має")


def test_what_they_have_comes_before_what_they_lack() -> None:
    person = make_candidate(skills=["handscanner"], occupations=[])
    job = make_vacancy(
        title="Magazijnier", skills_required=["heftruck rijden", "handscanner", "orderpicking"]
    )
    _, reasons = _explain(person, job)
    lines = [r.code for r in reasons if r.params.get("kind") == "required"]
    assert lines.index("skill_matched") < lines.index("skill_missing")
    assert reasons[0].variant == "missing"
    assert reasons[0].message.startswith("Missing 1 of the 3 required skills: ")


@cache
def _fixture_engine() -> Engine:
    return Engine().fit(load_vacancies())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(load_candidates()))
def test_missing_is_exactly_the_required_skills_not_credited(person) -> None:
    engine = _fixture_engine()
    vocabulary = default_vocabulary()
    for match in engine.shortlist(person, top=10, include_blocked=True).results:
        reasons = match.features["skills"].reasons
        summary = next(r for r in reasons if r.code in ("required_skills", "no_required_skills"))
        vacancy = next(v for v in engine.vacancies_ if v.id == match.vacancy_id)
        if summary.code == "no_required_skills":
            assert not vacancy.skills_required
            continue
        params = summary.params
        required = {
            engine.skills_.vocabulary.concepts[c].label("nl")
            if (c := vocabulary.read(p).concept_id)
            else p.lower()
            for p in vacancy.skills_required
        }
        matched, related, missing = (set(params[k]) for k in ("matched", "related", "missing"))
        assert missing == required - matched - related
        assert not (matched & related) and not (matched & missing)
        assert params["count"] == len(params["matched"]) + len(params["related"]) + len(missing)
        lines = [r for r in reasons if r.params.get("kind") == "required"]
        assert {r.params["skill"] for r in lines if r.code == "skill_missing"} == missing
        verdict = summary.variant.split("_")[0]  # all_one: "the required skill", of one
        assert verdict == ("missing" if missing else "close" if related else "all")
