"""What a person's occupation says they can do: the skills it entails, written in the vocabulary
and checked when it loads."""

import json
from pathlib import Path

import pytest

from matcher.reading.vocabulary import Vocabulary, builtin_vocabulary, prepared_vocabulary


def _small(**forklift_driver: object) -> dict:
    """A vocabulary of one skill, one occupation (with the given keys) and one more skill."""
    return {
        "concepts": [
            {"id": "forklift_driving", "kind": "skill", "labels": {"en": ["forklift driving"]}},
            {"id": "packing", "kind": "skill", "labels": {"en": ["packing"]}},
            {"id": "forklift_driver", "kind": "occupation", "labels": {"en": ["forklift driver"]}}
            | forklift_driver,
        ]
    }


def test_a_forklift_driver_drives_forklifts_a_cashier_works_a_till_a_cook_prepares_food():
    vocabulary = builtin_vocabulary()
    assert "forklift_driving" in vocabulary.entailed_ids("forklift_driver")
    assert "cash_register" in vocabulary.entailed_ids("cashier")
    assert {"food_preparation", "cooking"} <= set(vocabulary.entailed_ids("cook"))


def test_a_ukrainian_forklift_drivers_title_leads_to_forklift_driving():
    vocabulary = builtin_vocabulary()
    occupation = vocabulary.read("водій навантажувача").concept_id
    assert occupation == "forklift_driver"
    assert "forklift_driving" in vocabulary.entailed_ids(occupation)


def test_only_occupations_entail_and_only_skills_are_entailed():
    vocabulary = builtin_vocabulary()
    for concept in vocabulary.concepts.values():
        entailed = vocabulary.entailed_ids(concept.id)
        if concept.kind != "occupation":
            assert entailed == ()
        assert all(vocabulary.concepts[s].kind == "skill" for s in entailed), concept.id
        assert len(set(entailed)) == len(entailed), concept.id
    assert vocabulary.entailed_ids("no_such_concept") == ()


def test_nearly_every_occupation_entails_a_skill():
    vocabulary = builtin_vocabulary()
    occupations = [c for c in vocabulary.concepts.values() if c.kind == "occupation"]
    without = [c.id for c in occupations if not c.entails]
    assert len(without) <= 10, without


def test_the_file_writes_entails_for_every_occupation_and_for_nothing_else():
    raw = json.loads(Path(__file__).parents[2].joinpath("matcher/data/vocabulary.json").read_text())
    for concept in raw["concepts"]:
        assert ("entails" in concept) == (concept["kind"] == "occupation"), concept["id"]


@pytest.mark.parametrize(
    ("entails", "message"),
    [
        (["forklift_drivng"], "forklift_driver: entails 'forklift_drivng', which is no concept"),
        (["forklift_driver"], "forklift_driver: entails 'forklift_driver', which is no skill"),
    ],
)
def test_an_entailment_that_is_no_skill_is_refused_naming_the_occupation(entails, message):
    with pytest.raises(ValueError, match=message):
        Vocabulary.from_json(_small(entails=entails))


def test_a_skill_that_entails_is_refused_naming_it():
    data = _small(entails=["forklift_driving"])
    data["concepts"][1]["entails"] = ["forklift_driving"]
    with pytest.raises(ValueError, match="packing: only an occupation entails skills"):
        Vocabulary.from_json(data)


def test_entails_survive_writing_out_and_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path))
    text = json.dumps(_small(entails=["forklift_driving"]))
    built = prepared_vocabulary(text)
    cached = prepared_vocabulary(text)
    assert cached is not built
    assert cached.entailed_ids("forklift_driver") == ("forklift_driving",)
    again = Vocabulary.from_json(json.loads(json.dumps(cached.to_json())))
    assert again.entailed_ids("forklift_driver") == ("forklift_driving",)
