"""Reading free text as vocabulary concepts: the steps and their safeguards."""

import numpy as np
import pytest

from matcher.reading.vocabulary import CharNgramTfidf, builtin_vocabulary, skeleton


def test_character_ngram_tfidf_agrees_with_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["vodi navantazuvaca", "heftruk caufeur", "a b", "sonmakster", "kok", "kok kok x"]
    queries = ["vodii navantazuvac", "heftruck", "zzz", "kok"]
    ours = CharNgramTfidf().fit(texts)
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = theirs.fit_transform(texts)
    for query in queries:
        expected = (matrix @ theirs.transform([query]).T).toarray().ravel()
        assert np.allclose(ours.similarity(query), expected), query


@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        ("водій навантажувача", "forklift_driver"),  # Ukrainian
        ("vodii navantazhuvacha", "forklift_driver"),  # its transliteration
        ("voditel pogruzchika", "forklift_driver"),  # Russian, transliterated
        ("Heftruckchauffeur (m/v/x) – nachtploeg", "forklift_driver"),  # a job ad's title
        ("uborshchitsa", "cleaner"),
        ("casheir", "cashier"),  # misspelt
        ("kindergarden teacher", "kindergarten_teacher"),
    ],
)
def test_phrases_in_any_language_and_spelling_are_read(phrase, concept):
    reading = builtin_vocabulary().read(phrase)
    assert reading.concept_id == concept
    assert 0.5 <= reading.confidence <= 1


def test_transliterations_share_a_skeleton():
    assert skeleton("водій") == skeleton("vodii") == skeleton("vodiy")
    assert skeleton("прибиральниця") == skeleton("prybyralnytsia") == skeleton("pribiralnitsya")


def test_confidence_falls_as_the_reading_gets_looser():
    vocabulary = builtin_vocabulary()
    exact = vocabulary.read("forklift driver").confidence
    folded = vocabulary.read("vodii navantazhuvacha").confidence
    misspelt = vocabulary.read("forklfit driver").confidence
    assert exact == 1.0 > folded > misspelt


def test_a_cached_vocabulary_reads_exactly_like_a_freshly_built_one(tmp_path, monkeypatch):
    import json
    from importlib import resources

    from matcher.reading.vocabulary import Vocabulary, prepared_vocabulary

    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path))
    text = resources.files("matcher.data").joinpath("vocabulary.json").read_text("utf-8")
    built = prepared_vocabulary(text)  # builds and stores
    assert len(list(tmp_path.glob("vocabulary-*.pickle"))) == 1
    cached = prepared_vocabulary(text)  # loads
    fresh = Vocabulary.from_json(json.loads(text))
    assert cached is not built
    for phrase in (
        "водій навантажувача",
        "vodii navantazhuvacha",
        "casheir",
        "kokosnoot",
        "Heftruckchauffeur (m/v/x) – nachtploeg",
        "orgel stemmen",
    ):
        assert cached.read(phrase) == fresh.read(phrase) == built.read(phrase)


def test_another_vocabulary_text_gets_its_own_cache_entry_and_off_means_none(tmp_path, monkeypatch):
    import json

    from matcher.reading.vocabulary import prepared_vocabulary

    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path))
    small = {"concepts": [{"id": "cook", "kind": "occupation", "labels": {"nl": ["kok"]}}]}
    other = {"concepts": [{"id": "cook", "kind": "occupation", "labels": {"nl": ["chef"]}}]}
    assert prepared_vocabulary(json.dumps(small)).read("kok").concept_id == "cook"
    assert prepared_vocabulary(json.dumps(other)).read("kok").concept_id is None
    assert len(list(tmp_path.glob("vocabulary-*.pickle"))) == 2
    monkeypatch.setenv("MATCHER_CACHE_DIR", "off")
    assert prepared_vocabulary(json.dumps(small)).read("kok").concept_id == "cook"
    assert len(list(tmp_path.glob("vocabulary-*.pickle"))) == 2


def test_cache_entries_unused_for_a_month_are_cleared_when_a_new_one_is_written(
    tmp_path, monkeypatch
):
    import json
    import os
    import time

    from matcher.reading.vocabulary import CACHE_UNUSED_DAYS, prepared_vocabulary

    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path))
    texts = [
        json.dumps({"concepts": [{"id": "cook", "kind": "occupation", "labels": {"nl": [n]}}]})
        for n in ("kok", "chef", "keukenchef")
    ]
    prepared_vocabulary(texts[0])
    (old,) = tmp_path.glob("vocabulary-*.pickle")
    prepared_vocabulary(texts[1])
    (used,) = set(tmp_path.glob("vocabulary-*.pickle")) - {old}
    long_ago = time.time() - (CACHE_UNUSED_DAYS + 1) * 86400
    for entry in (old, used):
        os.utime(entry, (long_ago, long_ago))
    prepared_vocabulary(texts[1])  # loading marks an entry as used
    prepared_vocabulary(texts[2])  # writing clears what went unused
    left = set(tmp_path.glob("vocabulary-*.pickle"))
    assert old not in left and used in left and len(left) == 2
