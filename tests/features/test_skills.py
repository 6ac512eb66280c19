"""Skills: must-haves, nice-to-haves and past jobs, across wording and (Dutch/English) language."""

import numpy as np
from factories import make_candidate, make_vacancy

from matcher.features.skills import SkillsFeature

FORKLIFT_JOB = make_vacancy(
    title="Heftruckchauffeur",
    skills_required=["heftruck rijden", "handscanner"],
    skills_preferred=["reachtruck rijden"],
)


def _one(candidate, vacancy=FORKLIFT_JOB):
    feature = SkillsFeature().fit([vacancy])
    scores = feature.score([candidate])
    return float(scores.score[0, 0]), bool(scores.blocking[0, 0]), feature.explain(candidate, 0)


def _codes(reasons):
    return [r.code for r in reasons]


def test_english_skill_covers_a_dutch_requirement_and_the_reason_says_which():
    score, _, reasons = _one(make_candidate(skills=["forklift driving"]))
    summary = reasons[0]
    assert summary.code == "required_skills"
    assert summary.params["matched"] == ["heftruck rijden"]
    assert summary.params["missing"] == ["handscanner"]
    # params keep the vocabulary's Dutch label; the English message names it in English
    assert summary.message == "Missing 1 of the 2 required skills: handheld scanner"
    assert 0 < score < 1


def test_more_required_skills_covered_scores_higher():
    one, _, _ = _one(make_candidate(skills=["forklift driving"]))
    both, _, _ = _one(make_candidate(skills=["forklift driving", "hand scanner"]))
    assert both > one


def test_preferred_skill_is_a_bonus():
    base, _, _ = _one(make_candidate(skills=["forklift driving", "hand scanner"]))
    bonus, _, reasons = _one(
        make_candidate(skills=["forklift driving", "hand scanner", "reach truck"])
    )
    assert bonus > base
    assert "preferred_skill_matched" in _codes(reasons)


def test_past_occupation_against_the_title():
    without, _, _ = _one(make_candidate(skills=["forklift driving"]))
    worked, _, reasons = _one(
        make_candidate(skills=["forklift driving"], occupations=["forklift operator"])
    )
    assert worked > without
    title = next(r for r in reasons if r.code == "occupation_matches")
    assert title.params["from"] == "forklift operator"


def test_a_related_skill_counts_partly():
    nothing, _, _ = _one(make_candidate(skills=["koken"]))
    related, _, reasons = _one(make_candidate(skills=["reach truck driving"]))
    exact, _, _ = _one(make_candidate(skills=["forklift driving"]))
    assert nothing < related < exact
    assert "skill_related" in _codes(reasons)


def test_misspelt_skill_is_read_with_its_confidence():
    _, _, reasons = _one(make_candidate(skills=["forklfit drivng"]))
    matched = next(r for r in reasons if r.code == "skill_matched")
    assert matched.params["from"] == "forklfit drivng"
    assert 0.8 < matched.params["confidence"] < 1
    assert "Probably" in matched.message and "forklfit drivng" in matched.message


def test_phrases_outside_the_vocabulary_still_match_each_other():
    from matcher.reading.vocabulary import builtin_vocabulary

    unknown = ["honing slingeren", "bijenkasten onderhouden", "Honingslingeren", "orgel stemmen"]
    assert all(builtin_vocabulary().read(p).concept_id is None for p in unknown)
    job = make_vacancy(
        title="Imker", skills_required=["honing slingeren", "bijenkasten onderhouden"]
    )
    score, _, reasons = _one(make_candidate(skills=["Honingslingeren", "orgel stemmen"]), job)
    assert reasons[0].params["matched"] == ["honing slingeren"]
    assert reasons[0].params["missing"] == ["bijenkasten onderhouden"]
    assert score > 0


def test_missing_driving_licence_blocks_a_driver_job():
    job = make_vacancy(title="Chauffeur", driving_licence_required=True)
    _, blocking, reasons = _one(make_candidate(driving_licence=False), job)
    assert blocking and reasons[0].code == "driving_licence_missing"
    _, blocking, _ = _one(make_candidate(driving_licence=True), job)
    assert not blocking


def test_a_vacancy_that_asks_nothing_is_neutral():
    job = make_vacancy(title="Xyzzy plugh", skills_required=[], skills_preferred=[])
    score, blocking, reasons = _one(make_candidate(skills=["koken"]), job)
    assert (score, blocking) == (0.5, False)
    assert reasons[0].code == "no_required_skills"


def test_scores_for_many_candidates_at_once_equal_one_by_one():
    vacancies = [FORKLIFT_JOB, make_vacancy(title="Kok", skills_required=["koken"])]
    feature = SkillsFeature().fit(vacancies)
    people = [make_candidate(skills=s) for s in (["forklift"], ["koken", "kassa"], [])]
    together = feature.score(people).score
    apart = np.vstack([feature.score([p]).score for p in people])
    assert np.array_equal(together, apart)


def test_an_unknown_phrase_counts_at_every_vacancy_that_asks_for_it():
    from matcher.reading.vocabulary import builtin_vocabulary

    needs = ["xylofoon stemmen", "xylofoonstemmen", "ervaring met xylofoon stemmen"]
    # The point is phrases the vocabulary does not know; keep them unknown as it grows.
    assert all(
        builtin_vocabulary().read(p).concept_id is None for p in [*needs, "Xylofoon stemmen"]
    )
    jobs = [
        make_vacancy(id=f"v-{i}", title="Xyzzy plugh", skills_required=[need])
        for i, need in enumerate(needs)
    ]
    person = make_candidate(skills=["Xylofoon stemmen"])
    scores = SkillsFeature().fit(jobs).score([person]).score[0]
    assert np.all(scores > 0.5), scores
    alone = [SkillsFeature().fit([j]).score([person]).score[0, 0] for j in jobs]
    assert np.allclose(scores, alone)


def test_short_or_unrelated_words_are_not_forced_onto_a_concept():
    from matcher.reading.vocabulary import builtin_vocabulary

    for phrase in ("IT", "Dev", "zorg", "kokosnoot", "kantoor"):
        assert builtin_vocabulary().read(phrase).concept_id is None, phrase


def test_a_title_the_person_has_no_experience_for_is_said():
    job = make_vacancy(title="Heftruckchauffeur")
    score, _, reasons = _one(make_candidate(skills=["koken"]), job)
    assert score == 0
    assert "no_experience_for_title" in _codes(reasons)
