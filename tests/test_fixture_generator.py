"""The fixture generator reproduces the committed fixtures, however the vocabulary grows."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tree(tmp_path: Path) -> Path:
    """A copy of what the generator reads: itself, its pins and the vocabulary."""
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "matcher" / "data").mkdir(parents=True)
    for name in ("generate.py", "vocabulary_pins.json"):
        shutil.copy(ROOT / "fixtures" / name, tmp_path / "fixtures" / name)
    shutil.copy(ROOT / "matcher/data/vocabulary.json", tmp_path / "matcher/data/vocabulary.json")
    return tmp_path


def _generate(tree: Path) -> None:
    subprocess.run(
        [sys.executable, str(tree / "fixtures" / "generate.py")],
        check=True,
        capture_output=True,
        timeout=120,
    )


def _same_as_committed(tree: Path) -> bool:
    return all(
        (tree / "fixtures" / name).read_bytes() == (ROOT / "fixtures" / name).read_bytes()
        for name in ("candidates.json", "vacancies.json")
    )


def test_the_generator_reproduces_the_committed_fixtures(tmp_path):
    tree = _tree(tmp_path)
    _generate(tree)
    assert _same_as_committed(tree)


def test_new_concepts_and_synonyms_leave_the_fixtures_unchanged(tmp_path):
    tree = _tree(tmp_path)
    path = tree / "matcher/data/vocabulary.json"
    vocabulary = json.loads(path.read_text("utf-8"))
    for concept in vocabulary["concepts"]:
        for labels in concept["labels"].values():
            labels.append(f"{labels[0]} extra")  # a synonym in every language
    vocabulary["concepts"].append(
        {
            "id": "test_new_skill",
            "kind": "skill",
            "sector": "logistics",
            "esco_uri": None,
            "labels": {"nl": ["testvaardigheid"], "en": ["test skill"]},
            "related": [],
        }
    )
    path.write_text(json.dumps(vocabulary, ensure_ascii=False), "utf-8")
    _generate(tree)
    assert _same_as_committed(tree)
