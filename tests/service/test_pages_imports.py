"""The pages to import a sheet of vacancies and of people: signed in, with the form's token; a
check stores nothing and shows every problem by row and column in the reader's language, the
import stores, an employer's sheet is read as its own, and an employer never imports people."""

from __future__ import annotations

import io
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sheets_support import HEADERS, employer_vacancies, office_people, set_cell, vacancy_rows, xlsx
from support import EMPLOYER, OTHER_EMPLOYER
from test_pages_employer import pages, signed_in, token  # noqa: F401  (pages: a fixture)

from service.sheets.template import CANDIDATE_COLUMNS, VACANCY_COLUMNS, row_cells
from service.sheets.workbooks import records_sheet

PAGE = "/employer/vacancies/import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send(client: TestClient, data: bytes, action: str, page: str = PAGE, **fields: str) -> Any:
    return client.post(
        page,
        files={"file": ("sheet.xlsx", data, XLSX)},
        data={"csrf_token": token(client, page), "action": action, **fields},
    )


def test_a_check_shows_each_problem_by_row_and_column_and_stores_nothing_then_the_import_stores(
    pages: FastAPI,  # noqa: F811
) -> None:
    browser = signed_in(pages, role="coordinator")
    form = browser.get(PAGE)
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    assert 'href="/employer/vacancies/import/template"' in form.text
    rows = vacancy_rows(employer_vacancies(3, "PAGEV"))
    set_cell(rows, 3, "Uren per week", "voltijds")
    checked = send(browser, xlsx(rows), "check")
    assert checked.status_code == 200
    text = checked.text
    assert (
        "<td>3</td><td>Uren per week</td><td>error: &#39;voltijds&#39; is not hours a week" in text
    )
    assert "Dry run: nothing stored" in text
    refused = send(browser, xlsx(rows), "import")
    assert refused.status_code == 422
    assert "Nothing stored: 1 problem must be fixed first" in refused.text
    assert browser.get("/employer/vacancies/PAGEV-0001").status_code == 404
    stored = send(browser, xlsx(rows), "import", valid_only="yes")
    assert "2 created, 0 updated, 0 unchanged" in stored.text
    assert browser.get("/employer/vacancies/PAGEV-0001").status_code == 200


def test_the_annotated_copy_and_the_template_download_from_the_page(
    pages: FastAPI,  # noqa: F811
) -> None:
    browser = signed_in(pages, role="jobhunter")
    rows = vacancy_rows(employer_vacancies(2, "PAGEA"))
    set_cell(rows, 2, "Nederlands", "B3")
    copy = send(browser, xlsx(rows), "annotated")
    assert copy.headers["content-type"] == XLSX
    cell = load_workbook(io.BytesIO(copy.content)).active["H2"]
    assert "'B3' is not a level" in cell.comment.text
    template = browser.get(f"{PAGE}/template")
    assert template.headers["content-type"] == XLSX
    assert load_workbook(io.BytesIO(template.content)).worksheets[0]["B1"].value == "Werkgever"


def test_an_employers_sheet_is_its_own_and_a_row_for_another_employer_is_refused(
    pages: FastAPI,  # noqa: F811
) -> None:
    browser = signed_in(pages, role="employer", employer=EMPLOYER)
    form = browser.get(PAGE)
    assert f"Only vacancies of {EMPLOYER}" in form.text
    vacancies = employer_vacancies(2, "PAGEE", employer=EMPLOYER)
    vacancies[1]["employer"] = OTHER_EMPLOYER
    answer = send(browser, records_sheet(VACANCY_COLUMNS, vacancies, kind="xlsx"), "import")
    assert answer.status_code == 422
    assert "is not your employer" in answer.text


def test_a_file_that_is_no_sheet_is_said_so_and_a_form_without_its_token_is_refused(
    pages: FastAPI,  # noqa: F811
) -> None:
    browser = signed_in(pages, role="coordinator")
    answer = send(browser, b"PK\x03\x04 not really a workbook", "check")
    assert answer.status_code == 422
    assert "The file is not a spreadsheet" in answer.text
    forged = browser.post(PAGE, files={"file": ("v.xlsx", b"x", XLSX)}, data={"action": "check"})
    assert forged.status_code == 403
    admin = signed_in(pages, role="admin")
    assert admin.get(PAGE).status_code == 403


def test_people_are_imported_from_their_page_and_an_employer_may_not_open_it(
    pages: FastAPI,  # noqa: F811
) -> None:
    browser = signed_in(pages, role="jobhunter")
    assert 'href="/people/import"' in browser.get("/people").text  # in the menu
    people = office_people(3, prefix="PAGEP")
    rows = [HEADERS, *(row_cells(CANDIDATE_COLUMNS, p) for p in people)]
    rows[2][HEADERS.index("Talen")] = "uk:B3"
    checked = send(browser, xlsx(rows), "check", page="/people/import")
    assert checked.status_code == 200
    assert "<td>3</td><td>Talen</td><td>error: &#39;B3&#39; is not a level" in checked.text
    assert browser.get("/people/PAGEP-0001").status_code == 404
    stored = send(browser, xlsx(rows), "import", page="/people/import", valid_only="yes")
    assert "2 created, 0 updated, 0 unchanged" in stored.text
    assert browser.get("/people/PAGEP-0001").status_code == 200
    template = browser.get("/people/import/template")
    assert load_workbook(io.BytesIO(template.content)).worksheets[0]["A1"].value == "Referentie"
    employer = signed_in(pages, role="employer", employer=EMPLOYER)
    assert employer.get("/people/import").status_code == 403
    assert employer.get("/people/import/template").status_code == 403
