"""Sheets of people imported over HTTP: every row checked before anything is stored, the
report by row and column, stored in one go, again without duplicating anyone."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sheets_support import HEADERS, office_people, planted_sheet, xlsx
from support import as_role

from service.sheets.template import CANDIDATE_COLUMNS, row_cells
from service.sheets.workbooks import records_sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(
    client: TestClient,
    keys: dict[str, str],
    data: bytes,
    *,
    name: str = "people.xlsx",
    role: str = "coordinator",
    path: str = "/imports/candidates",
    mapping: bytes | None = None,
    **fields: str,
) -> Any:
    files: dict[str, Any] = {"file": (name, data, XLSX if name.endswith("xlsx") else "text/csv")}
    if mapping is not None:
        files["mapping"] = ("mapping.json", mapping, "application/json")
    return client.post(path, files=files, data=fields, headers=as_role(keys, role))


def people_count(client: TestClient, keys: dict[str, str]) -> int:
    answer = client.get("/candidates?limit=1", headers=as_role(keys, "coordinator"))
    return int(answer.json()["count"])


def test_a_sheet_with_20_planted_mistakes_is_reported_exactly_and_stores_nothing_then_the_fixed_one_imports_400_once(  # noqa: E501
    client: TestClient, keys: dict[str, str]
) -> None:
    people = office_people(400)
    planted = planted_sheet(people)
    before = people_count(client, keys)

    dry = upload(client, keys, planted.data, dry_run="true")
    assert dry.status_code == 200, dry.text
    found = {(p["row"], p["column"], p["code"]) for p in dry.json()["problems"]}
    assert found == planted.expected
    assert len(found) == 20
    assert dry.json()["stored"] is False
    refused = upload(client, keys, planted.data)
    assert refused.status_code == 422
    assert {(p["row"], p["column"], p["code"]) for p in refused.json()["problems"]} == found
    assert people_count(client, keys) == before

    fixed = records_sheet(CANDIDATE_COLUMNS, people, kind="xlsx")
    first = upload(client, keys, fixed)
    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["updated"], first.json()["unchanged"]) == (
        400, 0, 0,
    )  # fmt: skip
    assert people_count(client, keys) == before + 400
    again = upload(client, keys, fixed)
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0, 0, 400,
    )  # fmt: skip
    assert people_count(client, keys) == before + 400

    stored = client.get("/candidates/OCMW-0007", headers=as_role(keys, "coordinator")).json()
    assert {k: v for k, v in stored.items() if v is not None} == {
        k: v for k, v in people[6].items() if v is not None
    }


def test_a_changed_row_updates_that_person_only(client: TestClient, keys: dict[str, str]) -> None:
    people = office_people(3, prefix="UPD")
    upload(client, keys, records_sheet(CANDIDATE_COLUMNS, people, kind="csv"), name="p.csv")
    people[1]["languages"] = {"uk": "native", "nl": "B2"}
    answer = upload(
        client, keys, records_sheet(CANDIDATE_COLUMNS, people, kind="csv"), name="p.csv"
    ).json()
    assert (answer["created"], answer["updated"], answer["unchanged"]) == (0, 1, 2)
    stored = client.get("/candidates/UPD-0002", headers=as_role(keys, "jobhunter")).json()
    assert stored["languages"] == {"uk": "native", "nl": "B2"}


def test_valid_only_stores_the_rows_that_can_be_read(
    client: TestClient, keys: dict[str, str]
) -> None:
    people = office_people(3, prefix="VAL")
    rows = [row_cells(CANDIDATE_COLUMNS, p) for p in people]
    rows[1][HEADERS.index("Talen")] = "uk:B3"
    answer = upload(client, keys, xlsx([HEADERS, *rows]), valid_only="true")
    assert answer.status_code == 200
    assert answer.json()["created"] == 2
    assert [(p["row"], p["column"]) for p in answer.json()["problems"]] == [(3, "Talen")]
    missing = client.get("/candidates/VAL-0002", headers=as_role(keys, "coordinator"))
    assert missing.status_code == 404


def test_english_headers_a_semicolon_csv_and_a_mapping_for_the_offices_own_headers(
    client: TestClient, keys: dict[str, str]
) -> None:
    text = (
        "Dossiernummer;Name;Woonplaats postcode;Languages;Skills\n"
        'MAP-1;Iryna;2018;"uk:native; en:B1";"водій навантажувача; boekhouding"\n'
    )
    mapping = json.dumps({"Dossiernummer": "id", "Woonplaats postcode": "Postcode"}).encode()
    answer = upload(client, keys, text.encode(), name="p.csv", mapping=mapping, dry_run="true")
    body = answer.json()
    assert body["problems"] == [], body["problems"]
    assert body["valid_rows"] == 1
    readings = {r["phrase"]: r for r in body["skills"]}
    assert readings["водій навантажувача"]["concept"] is not None
    assert readings["водій навантажувача"]["confidence"] > 0.5
    without = upload(client, keys, text.encode(), name="p.csv", dry_run="true").json()
    codes = {(p["column"], p["code"]) for p in without["problems"]}
    assert ("Dossiernummer", "column_ignored") in codes
    assert (None, "column_missing") in codes


def test_the_report_is_in_the_readers_language(client: TestClient, keys: dict[str, str]) -> None:
    rows = [HEADERS, row_cells(CANDIDATE_COLUMNS, office_people(1, prefix="LANG")[0])]
    rows[1][HEADERS.index("Talen")] = "uk:B3"
    data = xlsx(rows)
    english = upload(client, keys, data, dry_run="true").json()["problems"][0]["message"]
    assert "'B3' is not a level" in english
    answer = client.post(
        "/imports/candidates?lang=nl&dry_run=true",
        files={"file": ("p.xlsx", data, XLSX)},
        headers=as_role(keys, "coordinator"),
    )
    assert answer.headers["content-language"] == "nl"
    assert answer.json()["dry_run"] is True


def test_the_annotated_copy_marks_each_problem_cell_with_its_reason(
    client: TestClient, keys: dict[str, str]
) -> None:
    people = office_people(4, prefix="ANN")
    rows = [row_cells(CANDIDATE_COLUMNS, p) for p in people]
    rows[2][HEADERS.index("Postcode")] = "9999"
    answer = upload(client, keys, xlsx([HEADERS, *rows]), path="/imports/candidates/annotated")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    cell = sheet.cell(row=4, column=HEADERS.index("Postcode") + 1)
    assert cell.value == "9999"
    assert "'9999' is not a Belgian postcode" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("F4B6B6")
    assert sheet.cell(row=3, column=HEADERS.index("Postcode") + 1).comment is None


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "p.csv", "sheet_empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "p.png", "sheet_encoding"),
        (b"PK\x03\x04 not really a workbook", "p.xlsx", "sheet_not_a_sheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "p.xlsx", "sheet_encrypted_or_xls"),
        ("Naam;Postcode\nOlena;2100\n".encode("cp1252") + b"\xe9\xe8", "p.csv", "sheet_encoding"),
        (b"Referentie,Postcode\n", "p.csv", "sheet_no_rows"),
    ],
)
def test_a_file_that_is_no_sheet_is_a_clear_422_naming_the_field_and_never_echoed(
    client: TestClient, keys: dict[str, str], data: bytes, name: str, code: str
) -> None:
    before = people_count(client, keys)
    answer = upload(client, keys, data, name=name)
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert (error["loc"], error["type"]) == (["body", "file"], code)
    assert "input" not in error
    assert people_count(client, keys) == before


def test_a_50_mb_file_is_refused_before_it_is_read(
    client: TestClient, keys: dict[str, str]
) -> None:
    answer = upload(client, keys, b"a,b\n" * (50 * 1024 * 1024 // 4), name="big.csv")
    assert answer.status_code == 413
    assert "at most" in answer.json()["detail"]


def test_a_bad_mapping_file_is_named(client: TestClient, keys: dict[str, str]) -> None:
    data = records_sheet(CANDIDATE_COLUMNS, office_people(1, prefix="BM"), kind="csv")
    answer = upload(client, keys, data, name="p.csv", mapping=b"[1, 2]", dry_run="true")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "mapping"]


def test_a_formula_is_stored_as_text_and_exported_behind_a_quote(
    client: TestClient, keys: dict[str, str]
) -> None:
    person = office_people(1, prefix="FORM")[0]
    person["display_name"] = '=HYPERLINK("http://example.com","klik")'
    rows = [HEADERS, row_cells(CANDIDATE_COLUMNS, person)]
    rows[1][HEADERS.index("Naam")] = person["display_name"]  # typed, not escaped
    assert upload(client, keys, xlsx(rows)).json()["created"] == 1
    stored = client.get("/candidates/FORM-0001", headers=as_role(keys, "coordinator")).json()
    assert stored["display_name"] == person["display_name"]
    exported = client.get(
        "/candidates?format=csv&q=FORM-0001", headers=as_role(keys, "coordinator")
    )
    assert exported.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK(" in exported.content.decode("utf-8-sig")
    sheet = client.get("/candidates?format=xlsx&q=FORM-0001", headers=as_role(keys, "coordinator"))
    cell = load_workbook(io.BytesIO(sheet.content)).active.cell(row=2, column=2)
    assert cell.data_type == "s"
    assert cell.value == "'" + person["display_name"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_of_people_imports_again_as_the_same_records(
    client: TestClient, keys: dict[str, str], kind: str
) -> None:
    exported = client.get(f"/candidates?format={kind}", headers=as_role(keys, "jobhunter"))
    assert exported.status_code == 200
    answer = upload(client, keys, exported.content, name=f"p.{kind}").json()
    assert answer["problems"] == []
    assert answer["unchanged"] == people_count(client, keys)
    assert (answer["created"], answer["updated"]) == (0, 0)


@pytest.mark.parametrize("role", ["employer", "admin"])
def test_only_jobhunters_and_coordinators_import_or_export_people(
    client: TestClient, keys: dict[str, str], role: str
) -> None:
    data = records_sheet(CANDIDATE_COLUMNS, office_people(1, prefix="ROLE"), kind="csv")
    assert upload(client, keys, data, name="p.csv", role=role).status_code == 403
    assert client.get("/imports/template", headers=as_role(keys, role)).status_code == 403
    assert client.get("/candidates?format=csv", headers=as_role(keys, role)).status_code == 403
    assert upload(client, keys, data, name="p.csv", role="jobhunter").status_code == 200


def test_the_template_has_instructions_and_an_example_that_imports_cleanly(
    client: TestClient, keys: dict[str, str]
) -> None:
    answer = client.get("/imports/template?lang=en", headers=as_role(keys, "jobhunter"))
    assert answer.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(answer.content))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    assert book.worksheets[0].max_row == 1
    instructions = book["Instructions"]
    described = {row[0] for row in instructions.iter_rows(min_row=4, values_only=True)}
    assert described == set(HEADERS)
    example = book["Example"]
    rows = [list(r) for r in example.iter_rows(values_only=True)]
    check = upload(client, keys, xlsx(rows), dry_run="true").json()
    assert check["problems"] == []
    assert check["valid_rows"] == 1


def test_the_command_line_reports_exits_1_and_stores_nothing_then_imports_and_exports(
    database_url: str, tmp_path: Path
) -> None:
    from test_cli_database import matcher

    people = office_people(5, prefix="CLI")
    rows = [HEADERS, *(row_cells(CANDIDATE_COLUMNS, p) for p in people)]
    rows[3][HEADERS.index("Beschikbaarheid")] = "8u30-15u"
    (tmp_path / "bad.xlsx").write_bytes(xlsx(rows))
    refused = matcher(database_url, "import", "candidates", str(tmp_path / "bad.xlsx"))
    assert refused.returncode == 1
    assert "    4  Beschikbaarheid  x '8u30-15u' is not days and hours" in refused.stdout
    assert "Nothing stored: 1 problem must be fixed first" in refused.stdout
    (tmp_path / "good.csv").write_bytes(records_sheet(CANDIDATE_COLUMNS, people, kind="csv"))
    stored = matcher(database_url, "import", "candidates", str(tmp_path / "good.csv"))
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout.splitlines()[-1] == "5 created, 0 updated, 0 unchanged"
    exported = matcher(database_url, "export", "candidates", "-o", str(tmp_path / "out.xlsx"))
    assert exported.returncode == 0, exported.stderr
    again = matcher(database_url, "import", "candidates", str(tmp_path / "out.xlsx"))
    # Everyone the database holds (the five, and any stored before) comes back the same.
    last = again.stdout.splitlines()[-1]
    assert re.fullmatch(r"0 created, 0 updated, \d+ unchanged", last), last
    assert int(last.split(", ")[2].split()[0]) >= 5
    template = matcher(database_url, "import", "template", "-o", str(tmp_path / "t.xlsx"))
    assert template.returncode == 0
    assert load_workbook(tmp_path / "t.xlsx").worksheets[0]["A1"].value == "Referentie"


def test_a_sheet_larger_than_other_requests_may_be_is_still_read(
    client: TestClient, keys: dict[str, str]
) -> None:
    people = office_people(400, prefix="BIG")
    rows = [[*HEADERS, "Opmerkingen"]]
    rows += [[*row_cells(CANDIDATE_COLUMNS, p), "n" * 700] for p in people]
    data = xlsx(rows)
    csv_data = "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode()
    assert len(csv_data) > 256 * 1024  # the limit of every other request's body
    for name, sheet in (("p.csv", csv_data), ("p.xlsx", data)):
        answer = upload(client, keys, sheet, name=name, dry_run="true")
        assert answer.status_code == 200, answer.text
        assert [(p["row"], p["code"]) for p in answer.json()["problems"]] == [(1, "column_ignored")]
        assert answer.json()["valid_rows"] == 400
