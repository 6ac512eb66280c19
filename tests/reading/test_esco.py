"""Importing the official ESCO CSV download: merged by URI, every language present."""

import csv
import json
from pathlib import Path

import pytest
from factories import make_candidate, make_vacancy

from matcher import Engine
from matcher.cli import main
from matcher.reading.esco import import_esco
from matcher.reading.vocabulary import builtin_vocabulary, load_vocabulary

SHARED_ESCO = Path(__file__).resolve().parents[3] / "shared" / "data" / "esco"
FORKLIFT_URI = builtin_vocabulary().concepts["forklift_driver"].esco_uri
NEW_URI = "http://data.europa.eu/esco/occupation/00000000-test-4000-8000-000000000001"
COLUMNS = ["conceptType", "conceptUri", "preferredLabel", "altLabels"]


def _write(folder: Path, name: str, rows: list[tuple[str, str, str]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for uri, preferred, alternatives in rows:
            writer.writerow(["Occupation", uri, preferred, alternatives])


@pytest.fixture
def esco_folder(tmp_path: Path) -> Path:
    _write(
        tmp_path,
        "occupations_nl.csv",
        [(NEW_URI, "orgelstemmer", "stemmer van orgels"), (FORKLIFT_URI, "heftruckbestuurder", "")],
    )
    _write(
        tmp_path,
        "occupations_uk.csv",
        [
            (NEW_URI, "настроювач органів", "органний майстер"),
            (FORKLIFT_URI, "кар'єрист навантажувача", ""),
        ],
    )
    _write(tmp_path, "occupations_en.csv", [(NEW_URI, "organ tuner", "pipe organ tuner")])
    (tmp_path / "README.txt").write_text("not an ESCO file")
    return tmp_path


def test_labels_join_the_builtin_concept_with_the_same_uri(esco_folder):
    merged, summary = import_esco(builtin_vocabulary(), esco_folder)
    assert summary.languages == ["en", "nl", "uk"]
    assert (summary.merged_into_builtin, summary.added) == (1, 1)
    forklift = merged.concepts["forklift_driver"]
    assert "кар'єрист навантажувача" in forklift.labels["uk"]
    assert forklift.labels["nl"][0] == "heftruckchauffeur"  # the built-in preferred label stays
    assert len(merged.concepts) == len(builtin_vocabulary().concepts) + 1


def test_a_new_concept_is_found_from_every_language(esco_folder):
    merged, _ = import_esco(builtin_vocabulary(), esco_folder)
    phrases = ("orgelstemmer", "pipe organ tuner", "настроювач органів", "nastroyuvach orhaniv")
    assert {merged.read(p).concept_id for p in phrases} == {
        "esco:occupation:00000000-test-4000-8000-000000000001"
    }


def test_missing_columns_and_empty_folders_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="occupations_nl.csv"):
        import_esco(builtin_vocabulary(), tmp_path)
    (tmp_path / "skills_en.csv").write_text("uri,label\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="conceptUri"):
        import_esco(builtin_vocabulary(), tmp_path)


def test_cli_writes_a_vocabulary_the_engine_can_use(esco_folder, tmp_path, capsys):
    output = tmp_path / "out" / "vocabulary.json"
    assert main(["vocabulary", "import-esco", str(esco_folder), "--output", str(output)]) == 0
    assert "MATCHER_VOCABULARY=" in capsys.readouterr().out
    vocabulary = load_vocabulary(output)
    assert json.loads(output.read_text("utf-8"))["concepts"]
    organ_job = make_vacancy(id="v-organ", title="Orgelstemmer")
    other_job = make_vacancy(id="v-other", title="Kok")
    engine = Engine(vocabulary=vocabulary).fit([organ_job, other_job])
    ranked = engine.shortlist(make_candidate(occupations=["настроювач органів"]), top=2)
    assert [m.vacancy_id for m in ranked.results] == ["v-organ", "v-other"]


@pytest.mark.skipif(not SHARED_ESCO.is_dir(), reason="../shared/data/esco is absent")
def test_real_esco_dutch_and_english_labels_land_on_the_same_concept():
    merged, summary = import_esco(builtin_vocabulary(), SHARED_ESCO)
    assert summary.concepts > 3000

    def preferred(name: str) -> dict[str, str]:
        with (SHARED_ESCO / name).open(encoding="utf-8") as handle:
            return {r["conceptUri"]: r["preferredLabel"] for r in csv.DictReader(handle)}

    dutch, english = preferred("occupations_nl.csv"), preferred("occupations_en.csv")
    shared = [uri for uri in dutch if uri in english]
    same = sum(
        merged.read(dutch[u]).concept_id == merged.read(english[u]).concept_id for u in shared
    )
    assert len(shared) > 2900
    assert same / len(shared) >= 0.99
