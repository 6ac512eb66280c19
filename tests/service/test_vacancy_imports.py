"""Sheets of vacancies imported over HTTP: every row checked before anything is stored, the
employers matched to their records (and made only by a coordinator), an employer importing only
its own vacancies, stored in one go, again without duplicating any; the export imports again."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sheets_support import VACANCY_HEADERS, employer_vacancies, set_cell, vacancy_rows, xlsx
from support import EMPLOYER, OTHER_EMPLOYER, as_role, vacancy_body
from test_imports import XLSX
from test_imports import upload as upload_sheet

from service.sheets.template import VACANCY_COLUMNS
from service.sheets.workbooks import records_sheet


def upload(client: TestClient, keys: dict[str, str], data: bytes, **given: Any) -> Any:
    """As test_imports uploads a sheet of people, to the vacancies' import."""
    return upload_sheet(
        client, keys, data, **{"name": "vacatures.xlsx", "path": "/imports/vacancies", **given}
    )


def stored_count(client: TestClient, keys: dict[str, str], prefix: str) -> int:
    """How many vacancies are stored with the prefix in their titles (employer_vacancies)."""
    answer = client.get(f"/vacancies?title={prefix}&limit=1", headers=as_role(keys, "coordinator"))
    return int(answer.json()["count"])


def found(answer: Any) -> set[tuple[int, str | None, str]]:
    return {(p["row"], p["column"], p["code"]) for p in answer.json()["problems"]}


def counts(answer: Any) -> tuple[int, int, int]:
    body = answer.json()
    return body["created"], body["updated"], body["unchanged"]


def test_planted_mistakes_are_reported_by_row_and_column_and_nothing_is_stored_then_the_fixed_sheet_imports_once(  # noqa: E501
    client: TestClient, keys: dict[str, str]
) -> None:
    vacancies = employer_vacancies(40, "PLANT")
    rows = vacancy_rows(vacancies)
    plants: list[tuple[int, str, Any, str]] = [
        (3, "Postcode", "", "required"),
        (4, "Postcode", "B-2060", "postcode_read_as"),
        (5, "Shiften", "8u30-15u", "availability"),
        (6, "Shiften", datetime(2026, 3, 2, 6, 0), "date_in_cell"),
        (7, "Nederlands", "B3", "language_level"),
        (8, "Contacttalen", "Oekraïens", "language_code"),
        (9, "Uren per week", "voltijds", "week_hours"),
        (10, "Uurloon (bruto)", "16-14", "wage_order"),
        (11, "Sluitingsdatum", "31/02/2026", "day"),
        (12, "Contract", "misschien", "contract"),
        (13, "Vervoer door werkgever", "soms", "yes_no"),
        (14, "Status", "weg", "status"),
        (15, "Functie", "", "required"),
        (16, "Referentie", vacancies[0]["id"], "duplicate_vacancy_id"),
        (17, "Welke shiften", "sommige", "shift_pattern"),
        (18, "Plaatsen", "twee", "positions"),
    ]
    for row, header, value, _code in plants:
        set_cell(rows, row, header, value)
    expected = {(row, header, code) for row, header, _value, code in plants}
    rows.insert(25, [])  # an empty row in the middle: row 26, left out
    expected.add((26, None, "empty_row"))

    dry = upload(client, keys, xlsx(rows), dry_run="true")
    assert dry.status_code == 200, dry.text
    assert found(dry) == expected
    assert dry.json()["stored"] is False
    refused = upload(client, keys, xlsx(rows))
    assert refused.status_code == 422
    assert found(refused) == expected
    assert stored_count(client, keys, "PLANT") == 0

    fixed = records_sheet(VACANCY_COLUMNS, vacancies, kind="xlsx")
    first = upload(client, keys, fixed)
    assert first.status_code == 200, first.text
    assert counts(first) == (40, 0, 0)
    assert stored_count(client, keys, "PLANT") == 40
    again = upload(client, keys, fixed)
    assert counts(again) == (0, 0, 40)
    assert stored_count(client, keys, "PLANT") == 40

    stored = client.get("/vacancies/PLANT-0007", headers=as_role(keys, "jobhunter")).json()
    assert {k: v for k, v in stored.items() if v is not None} == {
        k: v for k, v in vacancies[6].items() if v is not None
    }


def test_a_changed_row_updates_that_vacancy_only_and_valid_only_stores_the_rest(
    client: TestClient, keys: dict[str, str]
) -> None:
    vacancies = employer_vacancies(3, "UPDV")
    upload(client, keys, records_sheet(VACANCY_COLUMNS, vacancies, kind="csv"), name="v.csv")
    vacancies[1]["hours_per_week"] = 19
    vacancies[1]["closes_on"] = "2099-06-30"
    rows = vacancy_rows(vacancies)
    set_cell(rows, 4, "Nederlands", "B7")
    answer = upload(client, keys, xlsx(rows), valid_only="true")
    assert answer.status_code == 200, answer.text
    assert counts(answer) == (0, 1, 1)
    assert found(answer) == {(4, "Nederlands", "language_level")}
    stored = client.get("/vacancies/UPDV-0002", headers=as_role(keys, "coordinator")).json()
    assert (stored["hours_per_week"], stored["closes_on"]) == (19, "2099-06-30")


def test_a_closing_day_the_spreadsheet_holds_as_a_date_is_read_as_that_day(
    client: TestClient, keys: dict[str, str]
) -> None:
    rows = vacancy_rows(employer_vacancies(2, "DAYS"))
    set_cell(rows, 2, "Sluitingsdatum", datetime(2099, 3, 31))
    set_cell(rows, 3, "Startdatum", date(2099, 4, 1))
    set_cell(rows, 3, "Sluitingsdatum", "30/04/2099")
    assert counts(upload(client, keys, xlsx(rows))) == (2, 0, 0)
    first = client.get("/vacancies/DAYS-0001", headers=as_role(keys, "coordinator")).json()
    second = client.get("/vacancies/DAYS-0002", headers=as_role(keys, "coordinator")).json()
    assert first["closes_on"] == "2099-03-31"
    assert (second["starts_on"], second["closes_on"]) == ("2099-04-01", "2099-04-30")


def test_employers_are_matched_by_name_whatever_the_case_and_spaces_or_by_id(
    client: TestClient, keys: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    by_id = client.post("/employers", json={"name": "Drukkerij Scheldezicht"}, headers=coordinator)
    assert by_id.status_code == 201
    employers = client.get("/employers", headers=coordinator).json()
    rows = vacancy_rows(employer_vacancies(2, "MATCH"))
    set_cell(rows, 2, "Werkgever", "  bakkerij   REIGERHOEK ")
    set_cell(rows, 3, "Werkgever", by_id.json()["id"])
    answer = upload(client, keys, xlsx(rows), role="jobhunter")
    assert answer.status_code == 200, answer.text
    assert answer.json()["problems"] == []
    first = client.get("/vacancies/MATCH-0001", headers=as_role(keys, "jobhunter")).json()
    second = client.get("/vacancies/MATCH-0002", headers=as_role(keys, "jobhunter")).json()
    assert (first["employer"], second["employer"]) == (EMPLOYER, "Drukkerij Scheldezicht")
    after = client.get("/employers", headers=coordinator).json()
    assert {e["name"] for e in after} == {e["name"] for e in employers} | {EMPLOYER}


def test_an_employer_not_on_record_is_an_error_for_a_jobhunter_and_made_for_a_coordinator(
    client: TestClient, keys: dict[str, str]
) -> None:
    rows = vacancy_rows(employer_vacancies(3, "NEWE", employer="Schoonmaak Zuidrand BV"))
    set_cell(rows, 3, "Werkgever", "schoonmaak zuidrand bv")  # the same, spelt otherwise
    data = xlsx(rows)
    refused = upload(client, keys, data, role="jobhunter")
    assert refused.status_code == 422
    assert found(refused) == {(r, "Werkgever", "employer_unknown") for r in (2, 3, 4)}
    message = refused.json()["problems"][0]["message"]
    assert "Schoonmaak Zuidrand BV" in message
    assert stored_count(client, keys, "NEWE") == 0

    made = upload(client, keys, data, role="coordinator")
    assert made.status_code == 200, made.text
    assert found(made) == {(2, "Werkgever", "employer_new")}
    assert counts(made) == (3, 0, 0)
    names = [e["name"] for e in client.get("/employers", headers=as_role(keys, "jobhunter")).json()]
    assert names.count("Schoonmaak Zuidrand BV") == 1
    assert "schoonmaak zuidrand bv" not in names
    third = client.get("/vacancies/NEWE-0002", headers=as_role(keys, "jobhunter")).json()
    assert third["employer"] == "Schoonmaak Zuidrand BV"


def test_an_employer_imports_only_its_own_vacancies(
    client: TestClient, keys: dict[str, str]
) -> None:
    theirs = client.post(
        "/vacancies",
        json=vacancy_body(id="OWNV-THEIRS", employer=OTHER_EMPLOYER),
        headers=as_role(keys, "coordinator"),
    )
    assert theirs.status_code == 201
    vacancies = employer_vacancies(4, "OWNV")
    rows = vacancy_rows(vacancies)
    employer_column = VACANCY_HEADERS.index("Werkgever")
    for cells in rows[1:]:
        cells[employer_column] = ""  # left empty: the key's own
    set_cell(rows, 3, "Werkgever", EMPLOYER.upper())
    set_cell(rows, 4, "Werkgever", OTHER_EMPLOYER)
    set_cell(rows, 5, "Referentie", "OWNV-THEIRS")
    refused = upload(client, keys, xlsx(rows), role="employer")
    assert refused.status_code == 422
    assert found(refused) == {(4, "Werkgever", "employer_other"), (5, "Referentie", "taken_id")}
    assert EMPLOYER in refused.json()["problems"][0]["message"]
    stored = upload(client, keys, xlsx(rows), role="employer", valid_only="true")
    assert counts(stored) == (2, 0, 0)
    mine = client.get("/vacancies/OWNV-0001", headers=as_role(keys, "employer")).json()
    assert mine["employer"] == EMPLOYER
    other = client.get("/vacancies/OWNV-THEIRS", headers=as_role(keys, "coordinator")).json()
    assert other["employer"] == OTHER_EMPLOYER  # not taken over


def test_a_deleted_vacancys_reference_stays_reserved(
    client: TestClient, keys: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    made = client.post("/vacancies", json=vacancy_body(id="GONE-0001"), headers=coordinator)
    assert made.status_code == 201
    assert client.delete("/vacancies/GONE-0001", headers=coordinator).status_code == 204
    rows = vacancy_rows(employer_vacancies(2, "GONE"))
    answer = upload(client, keys, xlsx(rows))
    assert answer.status_code == 422
    assert found(answer) == {(2, "Referentie", "retired_id")}
    assert "never used again" in answer.json()["problems"][0]["message"]
    assert client.get("/vacancies/GONE-0001", headers=coordinator).status_code == 404


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_of_vacancies_imports_again_as_the_same_records(
    client: TestClient, keys: dict[str, str], kind: str
) -> None:
    exported = client.get(f"/vacancies?format={kind}", headers=as_role(keys, "jobhunter"))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv" if kind == "csv" else XLSX)
    answer = upload(client, keys, exported.content, name=f"v.{kind}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["errors"] == 0
    every = client.get("/vacancies?limit=1", headers=as_role(keys, "jobhunter")).json()["count"]
    assert counts(answer) == (0, 0, every)


def test_an_employer_exports_only_its_own_vacancies_and_imports_the_export_unchanged(
    client: TestClient, keys: dict[str, str]
) -> None:
    exported = client.get("/vacancies?format=csv", headers=as_role(keys, "employer"))
    lines = exported.content.decode("utf-8-sig").splitlines()
    employer_at = lines[0].split(",").index("Werkgever")
    assert {line.split(",")[employer_at] for line in lines[1:]} == {EMPLOYER}
    own = client.get("/vacancies?limit=1", headers=as_role(keys, "employer")).json()["count"]
    assert len(lines) - 1 == own
    answer = upload(client, keys, exported.content, name="v.csv", role="employer")
    assert answer.status_code == 200, answer.text
    assert counts(answer) == (0, 0, own)


def test_a_formula_is_stored_as_text_and_exported_behind_a_quote(
    client: TestClient, keys: dict[str, str]
) -> None:
    rows = vacancy_rows(employer_vacancies(1, "FORMV"))
    typed = '=HYPERLINK("http://example.com","FORMV")'
    set_cell(rows, 2, "Functie", typed)
    assert counts(upload(client, keys, xlsx(rows))) == (1, 0, 0)
    stored = client.get("/vacancies/FORMV-0001", headers=as_role(keys, "coordinator")).json()
    assert stored["title"] == typed
    coordinator = as_role(keys, "coordinator")
    csv_text = client.get("/vacancies?format=csv&title=HYPERLINK", headers=coordinator)
    assert "'=HYPERLINK(" in csv_text.content.decode("utf-8-sig")
    sheet = client.get("/vacancies?format=xlsx&title=HYPERLINK", headers=coordinator)
    title_at = VACANCY_HEADERS.index("Functie") + 1
    cell = load_workbook(io.BytesIO(sheet.content)).active.cell(row=2, column=title_at)
    assert (cell.data_type, cell.value) == ("s", "'" + typed)


def test_the_report_and_the_annotated_copy_are_in_the_readers_language(
    client: TestClient, keys: dict[str, str]
) -> None:
    rows = vacancy_rows(employer_vacancies(2, "ANNV"))
    set_cell(rows, 3, "Uren per week", "veel")
    answer = upload(client, keys, xlsx(rows), dry_run="true")
    assert answer.json()["problems"][0]["message"] == "'veel' is not hours a week, such as 38"
    copy = upload(client, keys, xlsx(rows), path="/imports/vacancies/annotated")
    assert copy.status_code == 200
    sheet = load_workbook(io.BytesIO(copy.content)).active
    cell = sheet.cell(row=3, column=VACANCY_HEADERS.index("Uren per week") + 1)
    assert "'veel' is not hours a week" in cell.comment.text
    assert stored_count(client, keys, "ANNV") == 0
    dutch = client.post(
        "/imports/vacancies?lang=nl&dry_run=true",
        files={"file": ("v.xlsx", xlsx(rows), XLSX)},
        headers=as_role(keys, "coordinator"),
    )
    assert dutch.headers["content-language"] == "nl"


def test_skill_phrases_are_read_and_a_mapping_names_the_employers_own_headers(
    client: TestClient, keys: dict[str, str]
) -> None:
    text = (
        "Vacaturenummer;Bedrijf;Job;Postcode;Required skills;Dutch;Shifts;Hours per week\n"
        "SKV-1;Bakkerij Reigerhoek;Heftruckchauffeur (SKV);2030;водій навантажувача;A2;"
        "ma-vr 06:00-14:00;38\n"
    )
    mapping = b'{"Vacaturenummer": "id", "Bedrijf": "Werkgever", "Job": "title"}'
    answer = client.post(
        "/imports/vacancies",
        files={
            "file": ("v.csv", text.encode(), "text/csv"),
            "mapping": ("m.json", mapping, "application/json"),
        },
        data={"dry_run": "true"},
        headers=as_role(keys, "jobhunter"),
    )
    body = answer.json()
    assert body["problems"] == [], body["problems"]
    assert body["valid_rows"] == 1
    [reading] = body["skills"]
    assert (reading["row"], reading["column"], reading["phrase"]) == (
        2, "Required skills", "водій навантажувача",
    )  # fmt: skip
    assert reading["concept"] is not None and reading["confidence"] > 0.5


def test_the_template_has_instructions_and_an_example_that_imports_cleanly(
    client: TestClient, keys: dict[str, str]
) -> None:
    answer = client.get("/imports/vacancies/template?lang=en", headers=as_role(keys, "employer"))
    assert answer.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(answer.content))
    assert [c.value for c in book.worksheets[0][1]] == VACANCY_HEADERS
    described = {row[0] for row in book["Instructions"].iter_rows(min_row=4, values_only=True)}
    assert described == set(VACANCY_HEADERS)
    example = [list(r) for r in book["Example"].iter_rows(values_only=True)]
    check = upload(client, keys, xlsx(example), role="employer", dry_run="true").json()
    assert check["problems"] == [], check["problems"]
    assert check["valid_rows"] == 1


@pytest.mark.parametrize("role", ["admin"])
def test_only_those_who_post_vacancies_import_or_export_them(
    client: TestClient, keys: dict[str, str], role: str
) -> None:
    data = records_sheet(VACANCY_COLUMNS, employer_vacancies(1, "ROLEV"), kind="csv")
    for path in ("/imports/vacancies", "/imports/vacancies/annotated"):
        assert upload(client, keys, data, name="v.csv", role=role, path=path).status_code == 403
    for allowed in ("employer", "jobhunter", "coordinator"):
        answer = upload(client, keys, data, name="v.csv", role=allowed, dry_run="true")
        assert answer.status_code == 200, (allowed, answer.text)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "sheet_empty"),
        (b"PK\x03\x04 not really a workbook", "sheet_not_a_sheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "sheet_encrypted_or_xls"),
        (b"Werkgever,Functie\n", "sheet_no_rows"),
    ],
)
def test_a_file_that_is_no_sheet_is_a_clear_422_naming_the_field(
    client: TestClient, keys: dict[str, str], data: bytes, code: str
) -> None:
    answer = upload(client, keys, data, name="v.xlsx")
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert (error["loc"], error["type"]) == (["body", "file"], code)


def test_the_command_line_reports_exits_1_and_stores_nothing_then_imports_and_exports(
    database_url: str, tmp_path: Path
) -> None:
    from test_cli_database import matcher

    vacancies = employer_vacancies(5, "CLIV", employer="Groenzorg Kempen")
    rows = vacancy_rows(vacancies)
    set_cell(rows, 4, "Shiften", "8u30-15u")
    (tmp_path / "bad.xlsx").write_bytes(xlsx(rows))
    refused = matcher(database_url, "import", "vacancies", str(tmp_path / "bad.xlsx"))
    assert refused.returncode == 1
    assert "    4  Shiften    x '8u30-15u' is not days and hours" in refused.stdout
    assert "Nothing stored: 1 problem must be fixed first" in refused.stdout
    good = tmp_path / "good.csv"
    good.write_bytes(records_sheet(VACANCY_COLUMNS, vacancies, kind="csv"))
    stored = matcher(database_url, "import", "vacancies", str(good))
    assert stored.returncode == 0, stored.stderr
    assert "! Employer 'Groenzorg Kempen' is not on record yet" in stored.stdout
    assert stored.stdout.splitlines()[-1] == "5 created, 0 updated, 0 unchanged"
    out = tmp_path / "out.xlsx"
    assert matcher(database_url, "export", "vacancies", "-o", str(out)).returncode == 0
    again = matcher(database_url, "import", "vacancies", str(out), "--dry-run")
    assert again.returncode == 0, again.stdout
    assert "Dry run: nothing stored" in again.stdout
    template = tmp_path / "t.xlsx"
    made = matcher(database_url, "import", "template", "--vacancies", "-o", str(template))
    assert made.returncode == 0
    assert load_workbook(template).worksheets[0]["B1"].value == "Werkgever"


def test_a_new_employers_first_sheet_is_its_own_though_it_has_no_vacancy_yet(
    app: Any, client: TestClient
) -> None:
    from support import make_key

    newcomer = "Kwekerij Noordpolder"
    key = {"X-API-Key": make_key(app, "employer", newcomer)}
    vacancies = employer_vacancies(2, "NEWK", employer=newcomer)
    vacancies[1]["employer"] = "kwekerij  NOORDPOLDER"
    data = records_sheet(VACANCY_COLUMNS, vacancies, kind="csv")
    answer = client.post(
        "/imports/vacancies", files={"file": ("v.csv", data, "text/csv")}, headers=key
    )
    assert answer.status_code == 200, answer.text
    assert counts(answer) == (2, 0, 0)
    assert client.get("/vacancies/NEWK-0002", headers=key).json()["employer"] == newcomer


def test_a_sheet_without_some_columns_names_each_once_and_a_row_missing_its_dutch_says_which_column(
    client: TestClient, keys: dict[str, str]
) -> None:
    # A hurried jobhunter's own sheet: three of the template's columns, the Dutch one left out.
    rows = [
        ["Referentie", "Werkgever", "Postcode"],
        ["GAPS-1", "Bakkerij Reigerhoek", "2030"],
        ["GAPS-2", "Bakkerij Reigerhoek", "2060"],
    ]
    answer = upload(client, keys, xlsx(rows), dry_run="true")
    assert answer.status_code == 200, answer.text
    missing = {(1, None, "column_missing")}
    problems = found(answer)
    assert {p for p in problems if p[0] == 1} == missing
    messages = [p["message"] for p in answer.json()["problems"] if p["code"] == "column_missing"]
    assert sorted(messages) == sorted(
        f"The sheet has no column '{c}'" for c in ("Functie", "Shiften", "Uren per week")
    )
    # Each row: only what its own cells lack, by column (the Dutch one under its template
    # header), never a nameless "cannot be read" for a column already said to be missing.
    assert {p for p in problems if p[0] > 1} == {
        (2, "Nederlands", "required"),
        (3, "Nederlands", "required"),
    }


def test_an_offices_own_headers_for_title_shifts_and_skills_are_read_as_the_templates(
    client: TestClient, keys: dict[str, str]
) -> None:
    headers = ["Referentie", "Bedrijf", "Titel", "Postcode", "Ploegen", "Uren", "Nederlands"]
    row = ["ALIAS-1", "Bakkerij Reigerhoek", "Inpakker", "2030", "ma-vr 06:00-14:00", "38", "A2"]
    rows = [[*headers, "Vaardigheden"], [*row, "inpakken"]]
    answer = upload(client, keys, xlsx(rows), dry_run="true")
    assert answer.status_code == 200, answer.text
    assert not [p for p in answer.json()["problems"] if p["severity"] == "error"]
    assert not [p for p in answer.json()["problems"] if p["code"] == "column_ignored"]
    phrases = {(r["column"], r["phrase"]) for r in answer.json()["skills"]}
    assert ("Vaardigheden", "inpakken") in phrases  # read as the required skills
