"""Language: the cases a coach checks."""

from factories import dutch_required, make_candidate, make_vacancy

from matcher.features.language import LanguageFeature


def _one(candidate_languages, requirement):
    feature = LanguageFeature().fit([make_vacancy(language=requirement)])
    candidate = make_candidate(languages=candidate_languages)
    scores = feature.score([candidate])
    return float(scores.score[0, 0]), bool(scores.blocking[0, 0]), feature.explain(candidate, 0)


def test_dutch_b1_required_and_a2_is_a_soft_penalty_with_reason():
    score, blocking, reasons = _one({"uk": "native", "nl": "A2"}, dutch_required("B1"))
    assert not blocking
    assert 0 < score < 1
    assert reasons[0].code == "dutch_one_level_short"
    assert reasons[0].message == "Dutch one level short: needs B1, has A2"


def test_dutch_b1_required_and_a1_blocks():
    score, blocking, reasons = _one({"uk": "native", "nl": "A1"}, dutch_required("B1"))
    assert blocking and score == 0
    assert reasons[0].code == "dutch_too_low"
    assert "B1" in reasons[0].message and "A1" in reasons[0].message


def test_no_dutch_at_all_against_a2_blocks():
    _, blocking, reasons = _one({"uk": "native"}, dutch_required("A2"))
    assert blocking
    assert reasons[0].params["has"] == "none"


def test_language_light_vacancy_with_english_contact_is_full_score_for_english_b1():
    requirement = {"dutch": None, "contact_languages": ["en"], "contact_level": "B1"}
    score, blocking, reasons = _one({"uk": "native", "en": "B1"}, requirement)
    assert (score, blocking) == (1.0, False)
    assert reasons[0].code == "contact_language_sufficient"
    assert "English at B1" in reasons[0].message


def test_contact_language_uses_the_best_of_the_accepted_languages():
    requirement = {"dutch": None, "contact_languages": ["en", "uk"], "contact_level": "B2"}
    score, blocking, _ = _one({"uk": "native", "en": "A1"}, requirement)
    assert (score, blocking) == (1.0, False)


def test_dutch_counts_as_a_contact_language_too():
    requirement = {"dutch": None, "contact_languages": ["en"], "contact_level": "B1"}
    score, _, _ = _one({"ar": "native", "nl": "B1"}, requirement)
    assert score == 1.0


def test_native_counts_above_c2():
    score, blocking, _ = _one({"nl": "native"}, dutch_required("C2"))
    assert (score, blocking) == (1.0, False)
    _, blocking, _ = _one(
        {"nl": "C1"}, {"dutch": None, "contact_languages": ["en"], "contact_level": "native"}
    )
    assert blocking  # C1 Dutch, no English: two or more levels short of native


def test_unspoken_contact_language_one_level_short_is_soft():
    requirement = {"dutch": None, "contact_languages": ["en"], "contact_level": "B1"}
    score, blocking, reasons = _one({"uk": "native", "en": "A2"}, requirement)
    assert not blocking and score == 0.5
    assert reasons[0].code == "contact_language_one_level_short"


def test_speaking_no_accepted_language_at_all_blocks_even_at_a1():
    score, blocking, reasons = _one({"ar": "native"}, dutch_required("A1"))
    assert blocking and score == 0
    assert reasons[0].code == "dutch_too_low"
    light = {"dutch": None, "contact_languages": ["en"], "contact_level": "A1"}
    assert _one({"ar": "native"}, light)[1]
