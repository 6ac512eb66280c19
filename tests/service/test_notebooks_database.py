"""The coordinators' notebooks on a database filled through the API, not from the fixture files:
the tuning notebook sends weights only when they clearly win on held-out people, and those
become the version of the very next shortlist; with a thin history it says so and keeps them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import nbformat
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from nbclient import NotebookClient
from support import Databases, make_key, settings_for

from matcher.fixtures import load_candidates, load_vacancies
from service.app import create_app

pytestmark = pytest.mark.notebook
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
HIDDEN = {"skills": 0.05, "language": 0.55, "commute": 0.05, "childcare": 0.35}
"""What, in this made-up programme, decides who gets an interview: far from the default weights."""
START = date(2026, 3, 2)


def run_notebook(name: str) -> str:
    """Execute a notebook as a coordinator would (its kernel inherits the environment) and
    return everything it printed or showed as text."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    return "\n".join(
        output.get("text", "") + output.get("data", {}).get("text/plain", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


class Programme:
    """A programme recorded only through the HTTP API, in an app that loads no fixtures."""

    def __init__(self, app: FastAPI, client: TestClient) -> None:
        self.app = app
        self.client = client
        self.jobhunter = {"X-API-Key": make_key(app, "jobhunter")}
        self.coordinator = {"X-API-Key": make_key(app, "coordinator")}
        self.people: list[str] = []

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(path, json=body, headers=self.coordinator)
        assert response.status_code in (200, 201), response.text
        data: dict[str, Any] = response.json()
        return data

    def record(self, *, people: int, vacancies: int, per_person: int, signal: bool) -> int:
        """Post people and vacancies, propose `per_person` vacancies from each one's shortlist,
        and record outcomes: decided by HIDDEN (with `signal`) or by a coin."""
        rng = random.Random(11)
        for job in load_vacancies()[:vacancies]:
            self.post("/vacancies", job.model_dump(mode="json"))
        ready = [c for c in load_candidates() if c.stage == "ready"][:people]
        for person in ready:
            self.post("/candidates", person.model_dump(mode="json"))
        self.people = [str(person.id) for person in ready]
        proposals = 0
        for n, person in enumerate(ready):
            shortlist = self.client.get(
                f"/candidates/{person.id}/shortlist?top=30&include_blocked=true",
                headers=self.jobhunter,
            ).json()["results"]
            picked = rng.sample(shortlist, per_person)
            on = START + timedelta(days=n % 60)
            made = []
            for line in picked:
                body = {"candidate_id": person.id, "vacancy_id": line["vacancy_id"], "on": str(on)}
                created = self.client.post("/applications", json=body, headers=self.jobhunter)
                assert created.status_code == 201, created.text
                made.append(created.json())
                proposals += 1
            self._outcomes(made, on, rng, signal=signal)
        return proposals

    def _outcomes(
        self, made: list[dict[str, Any]], on: date, rng: random.Random, *, signal: bool
    ) -> None:
        def hidden(application: dict[str, Any]) -> float:
            features = application["snapshot"]["features"]
            return sum(w * features[f] for f, w in HIDDEN.items()) + rng.gauss(0, 0.02)

        ranked = sorted(made, key=hidden, reverse=True) if signal else rng.sample(made, len(made))
        for rank, application in enumerate(ranked):
            if not signal and rng.random() < 0.5:
                continue  # still waiting for an answer
            later = str(on + timedelta(days=7))
            step = (
                {"status": "interview", "on": later}
                if rank < 2
                else {"status": "rejected", "on": later, "reason": "experience"}
            )
            patched = self.client.patch(
                f"/applications/{application['id']}", json=step, headers=self.jobhunter
            )
            assert patched.status_code == 200, patched.text

    def weights_version(self) -> int:
        version: int = self.client.get("/weights", headers=self.jobhunter).json()["version"]
        return version


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def fresh_databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    import os

    from support import PG_ENV

    if request.param == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set")
    made = Databases(request.param, tmp_path_factory.mktemp("db"))
    yield made
    made.drop_all()


@pytest.fixture
def programme(
    fresh_databases: Databases, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Programme]:
    url = fresh_databases.new()
    app = create_app(settings_for(url, load_fixtures=False))
    with TestClient(app) as client:
        monkeypatch.setenv("MATCHER_DATABASE_URL", url)
        monkeypatch.setenv("MATCHER_TUNED_WEIGHTS", str(tmp_path / "never-written.json"))
        monkeypatch.delenv("MATCHER_WEIGHTS", raising=False)
        monkeypatch.setenv("MPLBACKEND", "Agg")
        monkeypatch.setenv("PYTHONPATH", str(NOTEBOOKS.parent))  # this checkout's matcher
        yield Programme(app, client)
    assert not (tmp_path / "never-written.json").exists()  # weights go to the database


def test_tuned_weights_sent_from_the_notebook_are_the_next_shortlists_version(
    programme: Programme,
) -> None:
    proposals = programme.record(people=80, vacancies=300, per_person=6, signal=True)
    before = programme.weights_version()

    shown = run_notebook("tune_weights")

    assert f"{proposals} applications" in shown  # it read what the API recorded
    assert "better than version" in shown
    assert f"Sent as version {before + 1}" in shown
    current = programme.client.get("/weights", headers=programme.jobhunter).json()
    assert current["version"] == before + 1
    assert current["changed_by"] == "tuning notebook"
    assert "held-out" in current["note"]
    assert current["weights"]["language"] > current["weights"]["skills"]  # it found HIDDEN
    shortlist = programme.client.get(
        f"/candidates/{programme.people[-1]}/shortlist?top=1", headers=programme.jobhunter
    )
    assert shortlist.json()["weights_version"] == before + 1

    overview = run_notebook("programme_overview")
    assert "80 people, 300 vacancies" in overview
    assert "'placed': 0" in overview  # interviews and rejections only, as recorded


def test_a_thin_history_is_too_little_and_the_weights_stay(programme: Programme) -> None:
    proposals = programme.record(people=30, vacancies=120, per_person=5, signal=False)
    assert proposals == 150
    before = programme.weights_version()

    shown = run_notebook("tune_weights")

    assert f"Too little history to beat version {before} yet" in shown
    assert f"Nothing sent: the shortlists keep version {before}" in shown
    assert programme.weights_version() == before
