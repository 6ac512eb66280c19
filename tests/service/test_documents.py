"""Documents for employers and funders: the shortlists, applications, attention list and caseload
as CSV, .xlsx or PDF (read back), chosen by ?format= or Accept, with the JSON's role rules; the
programme's figures as a workbook."""

from __future__ import annotations

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi import Response
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader
from support import EMPLOYER, as_role, candidate_body, vacancy_body

from matcher.reasons import translator
from service.formats import MEDIA_TYPES, Formats, from_accept

XLSX = MEDIA_TYPES["xlsx"]
SHORTLIST = "/candidates/c-0001/shortlist"
CANDIDATES = "/vacancies/v-0001/shortlist"  # a vacancy of EMPLOYER's
LISTS = [
    SHORTLIST,
    CANDIDATES,
    "/candidates/c-0147/applications",
    "/vacancies/v-0001/applications",
    "/attention",
    "/candidates",
]


def pdf_text(data: bytes) -> tuple[int, str]:
    """The PDF's page count and its text with every space and line break taken out (a printed
    line wraps wherever the column ends)."""
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Excel reads the UTF-8 then
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(data: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(data))
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


def get(client: TestClient, keys: dict[str, str], path: str, role: str = "coordinator", **kw: Any):
    return client.get(path, headers={**as_role(keys, role), **kw.pop("headers", {})}, **kw)


# ---------------------------------------------------------------- the PDF for an employer visit


@pytest.mark.parametrize("language", ["en", "uk"])
def test_a_shortlist_pdf_is_one_page_with_the_jsons_lines_and_reasons_in_the_readers_language(
    client: TestClient, keys: dict[str, str], language: str
) -> None:
    body = get(client, keys, f"{SHORTLIST}?lang={language}").json()
    answer = get(client, keys, f"{SHORTLIST}?lang={language}&format=pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-language"] == language
    assert "attachment" in answer.headers["content-disposition"]
    pages, text = pdf_text(answer.content)
    assert pages == 1
    assert "c-0001" in text
    for line in body["results"]:
        assert line["vacancy_id"] in text
        assert squeezed(line["title"]) in text
        for feature in ("skills", "language", "commute", "childcare"):
            assert squeezed(line["features"][feature]["reasons"][0]["message"]) in text
    other = "en" if language == "uk" else "uk"
    elsewhere = get(client, keys, f"{SHORTLIST}?lang={other}").json()
    first = elsewhere["results"][0]["features"]["language"]["reasons"][0]["message"]
    assert squeezed(first) not in text  # the reasons are in the reader's language only
    if language == "uk":
        assert re.search("[а-яіїєґ]{5}", text)  # Cyrillic printed as text, not boxes or gaps


@pytest.mark.parametrize("language", ["en", "nl", "uk", "ru"])
@pytest.mark.parametrize("path", [SHORTLIST, CANDIDATES])
def test_a_pdfs_column_headers_are_printed_with_their_words_whole_in_every_language(
    client: TestClient, keys: dict[str, str], language: str, path: str
) -> None:
    # A narrow column once broke a longer word ("Оцінк" / "а" for "Score") over two lines.
    answer = get(client, keys, f"{path}?lang={language}&format=pdf")
    page = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    above = re.split(r"\n1 [vc]-", page, maxsplit=1)[0]  # the title and the headers' row
    words = set(above.split())
    sheet = get(client, keys, f"{path}?lang={language}&format=csv")
    headers = csv_rows(sheet.content)[0]
    printed = [h for h in headers if squeezed(h) in squeezed(above)]
    assert len(printed) >= 3, (headers, above)  # the PDF shows most of the sheet's columns
    for header in printed:
        for word in header.split():
            assert word in words, f"{word!r} of {header!r} is broken in the {language} PDF"


def test_a_vacancys_candidates_pdf_names_people_by_id_only_as_the_json_does(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = get(client, keys, f"{CANDIDATES}?lang=nl&top=10").json()
    top = body["results"][0]["candidate_id"]
    name = "Olena Testenko-Kovalenko"
    patched = client.patch(
        f"/candidates/{top}",
        json={"display_name": name, "coach": "Coach Vertrouwelijk"},
        headers=as_role(keys, "coordinator"),
    )
    assert patched.status_code == 200
    assert "display_name" not in body["results"][0]  # the JSON's rule: an id, nothing else
    for kind in ("pdf", "csv", "xlsx"):
        answer = get(client, keys, f"{CANDIDATES}?lang=nl&top=10&format={kind}")
        assert answer.status_code == 200
        if kind == "pdf":
            pages, text = pdf_text(answer.content)
            assert pages == 1
        elif kind == "csv":
            text = squeezed(answer.content.decode("utf-8-sig"))
        else:
            text = squeezed(str(xlsx_rows(answer.content)))
        for line in body["results"]:
            assert line["candidate_id"] in text
        if kind == "pdf":
            assert "BakkerijReigerhoek" in text
        for personal in (name, "Coach Vertrouwelijk"):
            assert squeezed(str(personal)) not in text


def test_a_shortlist_that_does_not_fit_one_page_says_how_many_lines_are_left_out(
    client: TestClient, keys: dict[str, str]
) -> None:
    path = "/vacancies/v-0100/shortlist?top=60"
    body = get(client, keys, path).json()
    pages, text = pdf_text(get(client, keys, f"{path}&format=pdf").content)
    assert pages == 1
    shown = sum(1 for line in body["results"] if line["candidate_id"] in text)
    assert 10 <= shown < len(body["results"])
    left = len(body["results"]) - shown
    assert squeezed(f"{left} more lines in the .xlsx or .csv version") in text


# ---------------------------------------------------------------- sheets read back


def test_the_shortlists_csv_and_xlsx_hold_the_jsons_lines_in_its_order(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = get(client, keys, f"{SHORTLIST}?lang=nl&include_blocked=true").json()
    lines = [*body["results"], *(body["near_misses"] or [])]
    rows = csv_rows(
        get(client, keys, f"{SHORTLIST}?lang=nl&include_blocked=true&format=csv").content
    )
    book = xlsx_rows(
        get(client, keys, f"{SHORTLIST}?lang=nl&include_blocked=true&format=xlsx").content
    )
    (sheet,) = book.values()
    assert rows[0] == [str(h) for h in sheet[0]]
    headers = rows[0]
    nl = translator("nl")
    vacancy, score = nl.text("document.column.vacancy"), nl.text("document.column.score")
    assert vacancy != "Vacancy"  # the headers in the reader's language
    for table in (rows[1:], sheet[1:]):
        assert [r[headers.index(vacancy)] for r in table] == [x["vacancy_id"] for x in lines]
        assert [float(r[headers.index(score)]) for r in table] == [x["score"] for x in lines]
    blocked = [r[headers.index(nl.text("document.column.blocked_by"))] for r in rows[1:]]
    assert [bool(b) for b in blocked] == [x["blocked"] for x in lines]
    first = lines[0]
    reasons = rows[1][headers.index(nl.text("document.column.reasons"))]
    assert all(
        r["message"] in reasons for f in first["features"].values() for r in f["reasons"]
    )  # every reason, in Dutch as asked
    assert headers[5:9] == ["vaardigheden", "taal", "vervoer", "uurrooster"]


def test_applications_as_sheets_leave_the_debrief_notes_out(
    client: TestClient, keys: dict[str, str]
) -> None:
    found = get(client, keys, "/candidates/c-0147/applications").json()
    notes = [s["note"] for a in found for s in a["steps"] if s["note"]]
    assert notes  # the fixtures' history has debriefs for this person
    rows = csv_rows(get(client, keys, "/candidates/c-0147/applications?format=csv").content)
    assert [r[0] for r in rows[1:]] == [a["id"] for a in found]
    text = str(rows) + str(
        xlsx_rows(get(client, keys, "/candidates/c-0147/applications?format=xlsx").content)
    )
    _, printed = pdf_text(get(client, keys, "/candidates/c-0147/applications?format=pdf").content)
    for note in notes:
        assert note not in text
        assert squeezed(note) not in printed
    rejected = [a for a in found if a["status"] == "rejected"]
    assert rejected
    status = rows[0].index("Status")
    assert {r[status] for r in rows[1:] if r[0] == rejected[0]["id"]} == {"Rejected"}


def test_a_formula_typed_into_a_title_is_written_as_text(
    client: TestClient, keys: dict[str, str]
) -> None:
    formula = '=HYPERLINK("http://example.com","klik")'
    made = client.post(
        "/vacancies",
        json=vacancy_body(id="v-formula", employer=EMPLOYER, title=formula),
        headers=as_role(keys, "coordinator"),
    )
    assert made.status_code == 201, made.text
    proposed = client.post(
        "/applications",
        json={"candidate_id": "c-0002", "vacancy_id": "v-formula"},
        headers=as_role(keys, "jobhunter"),
    )
    assert proposed.status_code == 201, proposed.text
    path = "/candidates/c-0002/applications"
    rows = csv_rows(get(client, keys, f"{path}?format=csv").content)
    assert ["'" + formula] == [c for r in rows for c in r if formula in c]
    (sheet,) = load_workbook(io.BytesIO(get(client, keys, f"{path}?format=xlsx").content))
    cells = [c for row in sheet.iter_rows() for c in row if formula in str(c.value)]
    assert [(c.value, c.data_type) for c in cells] == [("'" + formula, "s")]


@pytest.mark.parametrize("path", ["/vacancies?format=xlsx", "/candidates?format=xlsx"])
def test_a_control_character_in_a_record_still_gives_the_workbook(
    client: TestClient, keys: dict[str, str], path: str
) -> None:
    # Pasted text can hold a control character no .xlsx cell may; the sheet once was a 500.
    made = {
        "/vacancies": vacancy_body(id=f"v-control-{len(path)}", employer=EMPLOYER,
                                   title="Inpakker\x01nacht"),
        "/candidates": candidate_body(id=f"c-control-{len(path)}", display_name="Olena\x02K"),
    }  # fmt: skip
    for where, body in made.items():
        stored = client.post(where, json=body, headers=as_role(keys, "coordinator"))
        assert stored.status_code == 201, stored.text
    answer = get(client, keys, path)
    assert answer.status_code == 200, answer.text
    values = [str(v) for rows in xlsx_rows(answer.content).values() for r in rows for v in r]
    shown = "Inpakker\ufffdnacht" if path.startswith("/vacancies") else "Olena\ufffdK"
    assert shown in values


def test_the_attention_list_is_one_table_each_line_saying_which_list(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = get(client, keys, "/attention").json()
    rows = csv_rows(get(client, keys, "/attention?format=csv").content)
    kinds = [r[0] for r in rows[1:]]
    assert kinds.count("Proposal with no news") == len(body["quiet_proposals"])
    assert kinds.count("Ready, nothing proposed") == len(body["ready_without_proposal"])
    assert kinds.count("Follow-up due") == len(body["followups_due"])
    assert len(rows) - 1 == sum(len(v) for v in body.values() if isinstance(v, list))


def test_the_caseload_prints_over_as_many_pages_as_it_needs(
    client: TestClient, keys: dict[str, str]
) -> None:
    count = get(client, keys, "/candidates?stage=ready&limit=1").json()["count"]
    pages, text = pdf_text(get(client, keys, "/candidates?stage=ready&format=pdf").content)
    assert pages > 1
    listed = get(client, keys, f"/candidates?stage=ready&limit={min(count, 500)}").json()["data"]
    assert all(p["id"] in text for p in listed)


# ---------------------------------------------------------------- choosing the format


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("text/csv", "csv"),
        (XLSX, "xlsx"),
        ("application/pdf", "pdf"),
        ("text/csv;q=0.5, application/json", None),
        ("application/json;q=0.4, text/csv", "csv"),
        ("*/*", None),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None),
        ("image/png", None),
    ],
)
def test_accept_chooses_the_format_and_json_stays_the_default(
    client: TestClient, keys: dict[str, str], path: str, accept: str, kind: str | None
) -> None:
    answer = get(client, keys, path, headers={"Accept": accept})
    assert answer.status_code == 200, answer.text
    assert "Accept" in answer.headers["vary"].split(", ")  # a cache keeps the formats apart
    if kind is None:
        assert answer.headers["content-type"] == "application/json"
        answer.json()
    else:
        assert answer.headers["content-type"] == MEDIA_TYPES[kind]


def test_format_wins_over_accept(client: TestClient, keys: dict[str, str]) -> None:
    as_json = get(client, keys, f"{SHORTLIST}?format=json", headers={"Accept": "text/csv"})
    assert as_json.headers["content-type"] == "application/json"
    as_xlsx = get(client, keys, f"{SHORTLIST}?format=xlsx", headers={"Accept": "text/csv"})
    assert as_xlsx.headers["content-type"] == XLSX


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("kind", ["docx", "CSV", "", "pdf;"])
def test_an_unknown_format_is_422_naming_format(
    client: TestClient, keys: dict[str, str], path: str, kind: str
) -> None:
    answer = get(client, keys, path, params={"format": kind})
    assert answer.status_code == 422, answer.text
    assert ["query", "format"] in [e["loc"] for e in answer.json()["detail"]]


def test_a_format_a_route_does_not_offer_is_422_naming_format() -> None:
    with pytest.raises(RequestValidationError) as refused:
        # In a thread of its own: a browser test before may have left a loop on this one.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(
                anyio.run, Formats("csv", "xlsx").__call__, Response(), "pdf", None
            ).result()
    assert refused.value.errors()[0]["loc"] == ["query", "format"]
    assert "pdf" in refused.value.errors()[0]["msg"]


def test_a_bad_format_without_a_key_is_still_401(client: TestClient) -> None:
    assert client.get(f"{SHORTLIST}?format=docx").status_code == 401


@given(st.text(max_size=200))
def test_any_accept_header_gives_json_or_a_format_offered(header: str) -> None:
    assert from_accept(header, ("csv", "pdf")) in {None, "csv", "pdf"}


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("TEXT/CSV", "csv"),  # media types are case-insensitive
        ("text/csv;Q=0.5, application/pdf;q=0.4", "csv"),
        ("text/csv;q=0.5;q=0.9, application/pdf;q=0.1", "pdf"),  # two weights: skipped
        ("text/csv;q=high", None),  # a weight that is no number: skipped
        ("text/csv;q=0", None),  # "not this one"
        (", ".join(["text/html"] * 50 + ["text/csv"]), None),  # past the 50 parts read
    ],
)
def test_odd_accept_headers_are_read_as_the_rule_says(header: str, chosen: str | None) -> None:
    assert from_accept(header, ("csv", "pdf")) == chosen


ACCEPTED = [*(media.split(";")[0] for media in MEDIA_TYPES.values()), "*/*", "text/html"]
accept_parts = st.lists(
    st.tuples(
        st.sampled_from(ACCEPTED),
        st.one_of(st.none(), st.sampled_from(["0", "0.1", "0.5", "0.8", "1", "1.0"])),
    ),
    max_size=6,
)


@given(accept_parts, st.sampled_from([("csv", "pdf"), ("csv", "xlsx", "pdf"), ("xlsx",)]))
def test_the_best_media_type_of_an_accept_header_is_chosen(
    parts: list[tuple[str, str | None]], offered: tuple[str, ...]
) -> None:
    """By q-value, then the first given; JSON (None) when that is JSON or none is offered."""
    header = ", ".join(media if q is None else f"{media};q={q}" for media, q in parts)
    names = {media.split(";")[0]: name for name, media in MEDIA_TYPES.items()}
    wanted = [
        (-float(q or 1), k, names[media])
        for k, (media, q) in enumerate(parts)
        if media in names
        and (names[media] == "json" or names[media] in offered)
        and float(q or 1) > 0
    ]
    best = min(wanted)[2] if wanted else "json"
    assert from_accept(header, offered) == (None if best == "json" else best)


# ---------------------------------------------------------------- employers


@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
def test_an_employer_sees_its_applications_in_every_format_without_any_person(
    client: TestClient, keys: dict[str, str], kind: str
) -> None:
    path = f"/vacancies/v-0001/applications?format={kind}"
    full = get(client, keys, "/vacancies/v-0001/applications").json()
    assert full
    answer = get(client, keys, path, role="employer")
    assert answer.status_code == 200
    if kind == "pdf":
        _, text = pdf_text(answer.content)
    elif kind == "csv":
        text = squeezed(answer.content.decode("utf-8-sig"))
    else:
        text = squeezed(str(xlsx_rows(answer.content)))
    _, coordinators = pdf_text(
        get(client, keys, "/vacancies/v-0001/applications?format=pdf").content
    )
    for application in full:
        assert application["id"] in text
        assert application["candidate_id"] in coordinators  # it is there for the coaches
        assert application["candidate_id"] not in text
        assert squeezed(application["jobhunter"] or "jobhunter") not in text
    assert not re.search(r"c-\d{4}", text)
    other = get(client, keys, path, role="other_employer")
    assert other.status_code == 404


@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
@pytest.mark.parametrize("path", [SHORTLIST, CANDIDATES, "/candidates", "/attention"])
def test_an_employer_gets_no_shortlist_or_person_in_any_format(
    client: TestClient, keys: dict[str, str], path: str, kind: str
) -> None:
    answer = get(client, keys, f"{path}?format={kind}", role="employer")
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/json"


# ---------------------------------------------------------------- the funders' workbook


def test_the_funders_workbook_has_the_figures_of_stats_one_sheet_each(
    client: TestClient, keys: dict[str, str]
) -> None:
    figures = get(client, keys, "/stats").json()
    answer = get(client, keys, "/programme/workbook")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    book = xlsx_rows(answer.content)
    assert list(book) == [
        "People per stage",
        "Proposals",
        "Interviews",
        "Hires",
        "Against the target",
    ]
    per_stage = figures["candidates_per_stage"]
    assert [r[1] for r in book["People per stage"][1:]] == list(per_stage.values())
    months = figures["per_month"]
    for sheet, kind in (("Proposals", "proposals"), ("Interviews", "interviews")):
        assert book[sheet][1:] == [[m["month"], m[kind]] for m in months]
    hires = book["Hires"]
    assert [r[1] for r in hires[1:]] == [m["hires"] for m in months]
    assert hires[-1][2] == sum(m["hires"] for m in months)
    line = [r[3] for r in hires[1:]]
    assert line == sorted(line) and line[-1] <= figures["placements"]["target_placed"]
    target = {r[0]: r[1] for r in book["Against the target"][1:]}
    assert target["Target: people placed"] == figures["placements"]["target_placed"] == 160
    assert target["Target: people in the programme"] == 400
    assert target["People placed"] == figures["placements"]["placed"]


def test_the_funders_workbook_has_its_headers_in_the_readers_language(
    client: TestClient, keys: dict[str, str]
) -> None:
    book = xlsx_rows(get(client, keys, "/programme/workbook?lang=nl").content)
    stages = [r[0] for r in book[next(iter(book))][1:]]
    assert "Intake" in stages and "Ready for work" not in stages  # the pages' Dutch words


def test_the_cli_writes_the_funders_workbook(
    client: TestClient, keys: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    from test_cli_database import matcher

    out = tmp_path / "esf.xlsx"
    run = matcher(database_url, "export", "programme", "-o", str(out), "--lang", "en")
    assert run.returncode == 0, run.stderr
    assert xlsx_rows(out.read_bytes()) == xlsx_rows(
        get(client, keys, "/programme/workbook").content
    )


def test_the_cli_says_so_when_the_service_never_started_on_the_database(tmp_path: Path) -> None:
    from test_cli_database import matcher

    out = tmp_path / "esf.xlsx"
    run = matcher(f"sqlite:///{tmp_path}/empty.sqlite3", "export", "programme", "-o", str(out))
    assert run.returncode == 1
    assert "start the service once" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()
