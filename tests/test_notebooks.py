"""The coordinators' notebooks match their jupytext twins and, told to read the fixture files,
run top to bottom and write the tuned weights to a file the next shortlist can use. (On a
database filled through the API: tests/service/test_notebooks_database.py.)"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from matcher.weights import Weights, default_weights

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["tune_weights", "programme_overview"]
pytestmark = pytest.mark.notebook


def _code(path: Path) -> list[str]:
    return [c.source.strip() for c in jupytext.read(path).cells if c.cell_type == "code"]


@pytest.mark.parametrize("name", NAMES)
def test_the_py_twin_has_the_same_code(name):
    twin, notebook = NOTEBOOKS / f"{name}.py", NOTEBOOKS / f"{name}.ipynb"
    assert twin.is_file() and notebook.is_file()
    assert _code(twin) == _code(notebook), (
        f"{twin.name} and {notebook.name} differ: run "
        f"`jupytext --sync notebooks/{name}.ipynb` (or --to ipynb from the .py)"
    )
    formats = jupytext.read(notebook).metadata.get("jupytext", {}).get("formats", "")
    assert "py:percent" in formats


def _run(name: str) -> tuple[nbformat.NotebookNode, float]:
    """Run with FIXTURES = True, as a coordinator who sets it in the parameters cell."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    assert parameters.source.strip() == "FIXTURES = False"  # the database unless told otherwise
    parameters.source = "FIXTURES = True"
    started = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    return notebook, time.perf_counter() - started


def _outputs(notebook, kind):
    return [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if kind in o.get("data", {})
    ]


@pytest.fixture
def kernel_env(monkeypatch, tmp_path):
    """The kernel inherits this environment: weights go to tmp_path, nothing else is read."""
    monkeypatch.setenv("MATCHER_TUNED_WEIGHTS", str(tmp_path / "tuned" / "weights.json"))
    monkeypatch.delenv("MATCHER_WEIGHTS", raising=False)
    # No database at all: a notebook told to read the fixtures must not open one.
    monkeypatch.setenv("MATCHER_DATABASE_URL", f"sqlite:///{tmp_path}/absent/none.sqlite3")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", str(NOTEBOOKS.parent))  # this checkout's matcher
    return tmp_path / "tuned" / "weights.json"


def test_tune_weights_writes_the_next_version_and_shortlists_use_it(kernel_env):
    notebook, seconds = _run("tune_weights")
    assert seconds < 60
    assert len(_outputs(notebook, "image/png")) == 2  # the comparison and the weights
    written = Weights.load(kernel_env)
    assert written.version == default_weights().version + 1
    assert written.weights != default_weights().weights
    assert "held-out" in (written.note or "")
    assert not (kernel_env.parent.parent / "absent").exists()

    def shortlist(*extra, env=None):
        run = subprocess.run(
            [sys.executable, "-m", "matcher.cli", "shortlist", "c-0002", "--json", "--fixtures"]
            + list(extra),
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        return json.loads(run.stdout)

    assert shortlist("--weights", str(kernel_env))["weights_version"] == written.version
    env = {**os.environ, "MATCHER_WEIGHTS": str(kernel_env)}
    assert shortlist(env=env)["weights_version"] == written.version


def test_programme_overview_draws_the_figures(kernel_env):
    notebook, seconds = _run("programme_overview")
    assert seconds < 60
    assert len(_outputs(notebook, "image/png")) == 4  # funnel, hires, rejections, barriers
    text = "".join(o["data"]["text/plain"] for o in _outputs(notebook, "text/plain"))
    assert "'target_placed': 160" in text
