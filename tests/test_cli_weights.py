"""With --fixtures, the command line ranks with a weights file: --weights FILE, else
MATCHER_WEIGHTS (against the service's database, tests/service/test_cli_database.py)."""

import json

import pytest

from matcher.cli import main
from matcher.weights import Weights, current_weights, default_weights

SKILLS_ONLY = {"skills": 1.0, "language": 0.0, "commute": 0.0, "childcare": 0.0}


@pytest.fixture
def weights_file(tmp_path):
    path = tmp_path / "weights.json"
    Weights(version=7, weights=SKILLS_ONLY, note="test").save(path)
    return path


def _run(capsys, *argv):
    assert main([*argv, "--fixtures"]) == 0
    return json.loads(capsys.readouterr().out)


def test_shortlist_and_candidates_take_a_weights_file(capsys, weights_file, monkeypatch):
    monkeypatch.delenv("MATCHER_WEIGHTS", raising=False)
    assert _run(capsys, "shortlist", "c-0002", "--json")["weights_version"] == 1
    tuned = _run(capsys, "shortlist", "c-0002", "--json", "--weights", str(weights_file))
    assert tuned["weights_version"] == 7
    first = tuned["results"][0]
    assert first["score"] == pytest.approx(first["features"]["skills"]["score"], abs=1e-4)
    ranked = _run(capsys, "candidates", "v-0107", "--json", "--weights", str(weights_file))
    assert ranked["weights_version"] == 7


def test_the_environment_names_the_weights_unless_the_option_does(
    capsys, weights_file, tmp_path, monkeypatch
):
    monkeypatch.setenv("MATCHER_WEIGHTS", str(weights_file))
    assert current_weights().version == 7
    assert _run(capsys, "shortlist", "c-0002", "--json")["weights_version"] == 7
    other = tmp_path / "other.json"
    default_weights().model_copy(update={"version": 9}).save(other)
    assert (
        _run(capsys, "shortlist", "c-0002", "--json", "--weights", str(other))["weights_version"]
        == 9
    )
    monkeypatch.setenv("MATCHER_WEIGHTS", "")
    assert current_weights() == default_weights()


def test_an_unreadable_weights_file_is_an_error(tmp_path):
    with pytest.raises(SystemExit, match="cannot read weights"):
        main(["shortlist", "c-0002", "--fixtures", "--weights", str(tmp_path / "missing.json")])
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 2, "weights": {"skills": -1}}')
    with pytest.raises(SystemExit, match="cannot read weights"):
        main(["shortlist", "c-0002", "--fixtures", "--weights", str(broken)])
