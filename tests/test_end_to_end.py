"""The whole engine on the committed fixtures, as a jobhunter would use it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher import Engine
from matcher.cli import main
from matcher.fixtures import load_candidates, load_vacancies
from matcher.models import level_rank

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def engine():
    return Engine().fit(load_vacancies())


def test_fixtures_have_the_programmes_shape():
    candidates, vacancies = load_candidates(), load_vacancies()
    assert len(candidates) == 400
    assert 1400 <= len(vacancies) <= 1600
    light = sum(v.language.language_light for v in vacancies) / len(vacancies)
    assert 0.2 < light < 0.5
    ukrainian = sum(c.languages.get("uk") == "native" for c in candidates) / len(candidates)
    assert ukrainian > 0.6
    assert sum("car" not in c.transport for c in candidates) / len(candidates) > 0.6


def test_every_ready_candidate_gets_ranked_explained_results(engine):
    for candidate in load_candidates():
        if candidate.stage != "ready":
            continue
        shortlist = engine.shortlist(candidate, top=10, include_blocked=True)
        assert len(shortlist.results) == 10
        keys = [(m.blocked, -round(m.score, 4), m.vacancy_id) for m in shortlist.results]
        assert keys == sorted(keys)
        for match in shortlist.results:
            assert set(match.features) == {"skills", "language", "commute", "childcare"}
            assert all(f.reasons for f in match.features.values())


def test_unblocked_results_respect_language_and_commute_limits(engine):
    vacancies = {v.id: v for v in load_vacancies()}
    for candidate in load_candidates()[:120]:
        for match in engine.shortlist(candidate, top=10).results:
            vacancy = vacancies[match.vacancy_id]
            commute = match.features["commute"]
            assert commute.extra["minutes"] <= candidate.max_commute_minutes
            if vacancy.language.dutch is not None:
                have = level_rank(candidate.languages.get("nl"))
                assert have >= level_rank(vacancy.language.dutch) - 1
            if vacancy.driving_licence_required:
                assert candidate.driving_licence


def test_contract_shape_of_the_json(engine):
    data = engine.shortlist(load_candidates()[0], top=3).as_dict()
    assert set(data) == {"candidate_id", "weights_version", "results"}
    result = data["results"][0]
    assert {"vacancy_id", "title", "employer", "score", "blocked", "features"} <= set(result)
    commute = result["features"]["commute"]
    assert {"score", "blocking", "minutes", "mode", "reasons"} <= set(commute)
    assert {"code", "message", "params"} == set(commute["reasons"][0])
    json.dumps(data)  # serialisable as it is


def test_vacancy_side_ranks_ready_candidates(engine):
    vacancy = load_vacancies()[0]
    ready = [c for c in load_candidates() if c.stage == "ready"]
    shortlist = engine.rank_candidates(vacancy, ready, top=20, include_blocked=True)
    data = shortlist.as_dict()
    assert data["vacancy_id"] == vacancy.id
    assert len(data["results"]) == 20
    assert all("candidate_id" in r for r in data["results"])
    # The same pair scores the same from both sides.
    first = shortlist.results[0]
    person = next(c for c in ready if c.id == first.candidate_id)
    both = engine.score([person])
    column = [v.id for v in engine.vacancies_].index(vacancy.id)
    assert both.score[0, column] == pytest.approx(first.score)


def test_cli_prints_ten_ranked_vacancies_with_reasons(capsys):
    assert main(["shortlist", "c-0002", "--fixtures", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    ranked = [line for line in out.splitlines() if line[:3].strip().isdigit()]
    assert len(ranked) == 10
    for feature in ("skills", "language", "commute", "schedule"):
        assert out.count(feature) >= 10


def test_cli_json_is_the_contract(capsys):
    assert main(["shortlist", "c-0002", "--top", "3", "--json", "--fixtures"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["candidate_id"] == "c-0002" and len(data["results"]) == 3


def test_cli_unknown_candidate_and_bad_top_are_clear_errors():
    for args, says in (
        (["shortlist", "c-9999", "--fixtures"], "no candidate with id 'c-9999'"),
        (["shortlist", "c-0001", "--top", "0"], "between 1 and 100"),
    ):
        run = subprocess.run(
            [sys.executable, "-m", "matcher.cli", *args], capture_output=True, text=True, timeout=60
        )
        assert run.returncode != 0
        assert says in run.stderr


def test_skills_written_only_in_ukrainian_rank_the_matching_dutch_vacancy_first():
    from factories import make_candidate, make_vacancy

    # Otherwise equal vacancies: same place, hours, language and employer; only the job differs.
    jobs = {
        "v-1": ("Schoonmaker", ["kantoren schoonmaken", "vloeren reinigen"]),
        "v-2": ("Heftruckchauffeur", ["heftruck rijden", "orderpicking"]),
        "v-3": ("Kok", ["koken", "voedselhygiëne"]),
        "v-4": ("Kassamedewerker", ["kassawerk", "klantenservice"]),
    }
    vacancies = [make_vacancy(id=i, title=t, skills_required=s) for i, (t, s) in jobs.items()]
    person = make_candidate(
        skills=["керування навантажувачем", "комплектування замовлень"],
        occupations=["водій навантажувача"],
    )
    shortlist = Engine().fit(vacancies).shortlist(person, top=4)
    assert shortlist.results[0].vacancy_id == "v-2"
    best = shortlist.results[0].features["skills"]
    assert best.score > 0.9
    assert best.score > shortlist.results[1].features["skills"].score + 0.5
    assert best.reasons[0].variant in ("all", "all_one")  # exact Ukrainian labels, in full
    assert "Probably" not in " ".join(r.message for r in best.reasons)


def test_no_open_vacancies_gives_an_empty_shortlist_not_an_error():
    from factories import make_candidate, make_vacancy

    person = make_candidate()
    assert Engine().fit([]).shortlist(person).results == []
    assert Engine().fit([make_vacancy(status="closed")]).shortlist(person).results == []
    with pytest.raises(ValueError, match="top"):
        Engine().fit([make_vacancy()]).shortlist(person, top=0)


def test_cli_piped_into_head_ends_quietly():
    run = subprocess.run(
        # about 200 KB of JSON, far more than a pipe holds, so the writer meets a closed pipe
        f"{sys.executable} -m matcher.cli shortlist c-0042 --top 100 --json --fixtures | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout.strip() == "{"
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr


def test_a_fresh_clone_shortlists_from_the_default_database_loaded_with_the_fixtures(tmp_path):
    """No settings at all: the CLI makes ./var/matcher.sqlite3 as `matcher serve` would (migrated,
    the fixtures and their history loaded) and ranks from it as the fixture files do, less the
    vacancies the person's history already holds (the service's rule)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env["PYTHONPATH"] = str(REPO)

    def shortlist(*extra):
        run = subprocess.run(
            [sys.executable, "-m", "matcher.cli", "shortlist", "c-0002", "--json", *extra],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            cwd=tmp_path,
        )
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    from_files = shortlist("--fixtures", "--top", "100")
    assert not (tmp_path / "var").exists()  # --fixtures touches no database
    from_database = shortlist()
    assert (tmp_path / "var" / "matcher.sqlite3").is_file()
    history = json.loads((REPO / "fixtures" / "history.json").read_text("utf-8"))
    recorded = {a["vacancy_id"] for a in history["applications"] if a["candidate_id"] == "c-0002"}
    assert recorded  # the person has a history, so the rule is exercised
    expected = [line for line in from_files["results"] if line["vacancy_id"] not in recorded]
    assert [
        {k: v for k, v in line.items() if k != "history"} for line in from_database["results"]
    ] == expected[:10]
    assert from_database["left_out"] > 0
