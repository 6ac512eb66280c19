"""What a person's occupation says they can do: the skills it entails, written in the vocabulary,
checked when it loads and added from ESCO's essential skills on import."""

import csv
import json
from pathlib import Path

import pytest

from matcher.reading.esco import import_esco
from matcher.reading.vocabulary import Vocabulary, builtin_vocabulary, prepared_vocabulary

ESCO = "http://data.europa.eu/esco"
FORKLIFT_URI = builtin_vocabulary().concepts["forklift_driver"].esco_uri
ORGAN_TUNER = f"{ESCO}/occupation/00000000-test-4000-8000-000000000001"
TUNE_ORGANS = f"{ESCO}/skill/00000000-test-4000-8000-000000000011"
REPAIR_PIPES = f"{ESCO}/skill/00000000-test-4000-8000-000000000012"
PLAY_ORGAN = f"{ESCO}/skill/00000000-test-4000-8000-000000000013"
STACK_GOODS = f"{ESCO}/skill/00000000-test-4000-8000-000000000014"
UNKNOWN_SKILL = f"{ESCO}/skill/00000000-test-4000-8000-000000000099"


def _esco_id(uri: str) -> str:
    """The id an imported ESCO concept gets."""
    kind = "occupation" if "/occupation/" in uri else "skill"
    return f"esco:{kind}:{uri.rsplit('/', 1)[-1]}"


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


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def esco_folder(tmp_path: Path) -> Path:
    labels = ["conceptType", "conceptUri", "preferredLabel", "altLabels"]
    _write(
        tmp_path / "occupations_en.csv",
        labels,
        [
            ["Occupation", ORGAN_TUNER, "organ tuner", ""],
            ["Occupation", FORKLIFT_URI, "forklift operator", ""],
        ],
    )
    _write(
        tmp_path / "skills_en.csv",
        labels,
        [
            ["KnowledgeSkillCompetence", TUNE_ORGANS, "tune pipe organs", ""],
            ["KnowledgeSkillCompetence", REPAIR_PIPES, "repair organ pipes", ""],
            ["KnowledgeSkillCompetence", PLAY_ORGAN, "play the organ", ""],
            ["KnowledgeSkillCompetence", STACK_GOODS, "stack goods", "stacking"],
        ],
    )
    relations = ["occupationUri", "relationType", "skillType", "skillUri"]
    _write(
        tmp_path / "occupationSkillRelations_en.csv",
        relations,
        [
            [ORGAN_TUNER, "essential", "skill/competence", TUNE_ORGANS],
            [ORGAN_TUNER, "essential", "skill/competence", REPAIR_PIPES],
            [ORGAN_TUNER, "essential", "skill/competence", TUNE_ORGANS],  # said twice
            [ORGAN_TUNER, "optional", "skill/competence", PLAY_ORGAN],
            [ORGAN_TUNER, "essential", "knowledge", UNKNOWN_SKILL],  # in no skills file
            [FORKLIFT_URI, "essential", "skill/competence", STACK_GOODS],
        ],
    )
    return tmp_path


def test_esco_essential_skills_become_entailments_and_optional_ones_do_not(esco_folder):
    merged, summary = import_esco(builtin_vocabulary(), esco_folder)
    entailed = merged.entailed_ids(_esco_id(ORGAN_TUNER))
    assert list(entailed) == [_esco_id(TUNE_ORGANS), _esco_id(REPAIR_PIPES)]
    assert merged.concepts[entailed[0]].label() == "tune pipe organs"
    # A built-in occupation keeps its own entailments and gains ESCO's after them.
    forklift = merged.entailed_ids("forklift_driver")
    builtin = builtin_vocabulary().entailed_ids("forklift_driver")
    assert list(forklift) == [*builtin, _esco_id(STACK_GOODS)]
    assert summary.entailments == 3
    assert "occupationSkillRelations_en.csv" in summary.files


def test_without_a_relations_file_the_import_entails_nothing_new(esco_folder):
    (esco_folder / "occupationSkillRelations_en.csv").unlink()
    merged, summary = import_esco(builtin_vocabulary(), esco_folder)
    assert summary.entailments == 0
    assert merged.entailed_ids(_esco_id(ORGAN_TUNER)) == ()
    builtin = builtin_vocabulary()
    assert all(merged.entailed_ids(c) == builtin.entailed_ids(c) for c in builtin.concepts)


def test_a_relations_file_without_its_columns_is_a_clear_error(esco_folder):
    (esco_folder / "occupationSkillRelations_en.csv").write_text("uri,type\nx,y\n", "utf-8")
    with pytest.raises(ValueError, match="occupationSkillRelations_en.csv: missing columns"):
        import_esco(builtin_vocabulary(), esco_folder)
