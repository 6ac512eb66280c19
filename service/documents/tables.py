"""The lists the API answers, as tables in the reader's language: made from the very JSON the
route gives (so a document never shows more than the JSON does to the same key)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matcher.models import Candidate
from matcher.reasons import Language, translator
from matcher.reasons.messages import MESSAGES

Value = str | int | float | None
FEATURES = ("skills", "language", "commute", "childcare")


@dataclass(frozen=True)
class Column:
    key: str
    """Its header's message, `document.column.KEY` (or a feature's, `feature.KEY`)."""
    pdf_width: float | None = None
    """Its share of the PDF page's width; None: left out of the PDF (in the sheets only)."""
    in_sheets: bool = True
    """False: the PDF's own (a shorter form of another column)."""


@dataclass(frozen=True)
class Table:
    name: str
    """The sheet's name in a workbook."""
    columns: Sequence[Column]
    rows: list[list[Value]]

    def headers(self, language: Language) -> list[str]:
        t = translator(language)
        return [t.text(_header_key(c.key)) for c in self.columns]

    def sheet(self, language: Language) -> tuple[list[str], list[list[Value]]]:
        """The headers and rows a CSV or a workbook shows: the PDF's own columns left out."""
        kept = [i for i, c in enumerate(self.columns) if c.in_sheets]
        headers = self.headers(language)
        return [headers[i] for i in kept], [[row[i] for i in kept] for row in self.rows]


@dataclass(frozen=True)
class Document:
    """What a CSV, a workbook and a PDF are written from alike."""

    title: str
    filename: str
    """Without its extension."""
    language: Language
    tables: list[Table]
    facts: list[str] = field(default_factory=list)
    """Lines under the title: when it was made, what it leaves out and why."""
    one_page: bool = False
    """A PDF to take along (a shortlist): the lines that do not fit are counted, not printed."""


def _header_key(key: str) -> str:
    return f"feature.{key}" if key in FEATURES else f"document.column.{key}"


def _word(language: Language, key: str, fallback: str) -> str:
    return translator(language).text(key) if key in MESSAGES else fallback


def status_word(language: Language, status: str) -> str:
    return _word(language, f"page.person.status.{status}", status)


def stage_word(language: Language, stage: str) -> str:
    return _word(language, f"page.coach.stage.{stage}", stage)


def _made_on(language: Language, body: Mapping[str, Any]) -> str:
    return translator(language).fill(
        "document.made_on",
        {"day": date.today().isoformat(), "version": body.get("weights_version", "")},
    )


# ---------------------------------------------------------------- shortlists

_MATCH_COLUMNS = (
    Column("score", 0.06),
    *(Column(f) for f in FEATURES),
    Column("blocked_by"),
    Column("minutes"),
    Column("travel"),
    Column("history"),
    Column("reasons"),
    Column("reasons", 0.46, in_sheets=False),
)


def _match_cells(language: Language, line: Mapping[str, Any]) -> list[Value]:
    t = translator(language)
    features = line["features"]
    commute = features["commute"]
    history = line.get("history")
    return [
        line["score"],
        *(features[f]["score"] for f in FEATURES),
        ", ".join(t.text(f"feature.{f}") for f in line.get("blocked_by", [])),
        commute["minutes"],
        _word(language, f"mode.{commute['mode']}", commute["mode"]),
        status_word(language, history["status"]) if history else "",
        "; ".join(r["message"] for f in FEATURES for r in features[f]["reasons"]),
        pdf_reasons(line),
    ]


def pdf_reasons(line: Mapping[str, Any]) -> str:
    """The reasons a printed line has room for: each feature's first (a blocking feature's
    first two, since that is what the employer will ask about)."""
    shown = []
    for name in FEATURES:
        feature = line["features"][name]
        shown += [r["message"] for r in feature["reasons"][: 1 + feature["blocking"]]]
    return "; ".join(shown)


def candidate_shortlist(body: Mapping[str, Any], language: Language) -> Document:
    """A person's shortlist (the JSON of GET /candidates/{id}/shortlist) as one table."""
    t = translator(language)
    columns = (
        Column("rank", 0.04),
        Column("vacancy", 0.09),
        Column("job", 0.2),
        Column("employer", 0.14),
        *_MATCH_COLUMNS,
    )
    lines = [*body["results"], *(body.get("near_misses") or [])]
    rows: list[list[Value]] = [
        [rank, line["vacancy_id"], line["title"], line["employer"], *_match_cells(language, line)]
        for rank, line in enumerate(lines, start=1)
    ]
    candidate = str(body["candidate_id"])
    facts = [_made_on(language, body)]
    if body.get("withheld"):
        facts.append(str(body["withheld"]))
    return Document(
        title=t.fill("document.shortlist.title", {"candidate": candidate}),
        filename=f"shortlist-{candidate}",
        language=language,
        tables=[Table(t.text("document.column.vacancy"), columns, rows)],
        facts=facts,
        one_page=True,
    )


def vacancy_shortlist(
    body: Mapping[str, Any], *, title: str, employer: str, language: Language
) -> Document:
    """A vacancy's candidates (the JSON of GET /vacancies/{id}/shortlist) as one table: people
    by the id that JSON gives them, and nothing else of theirs."""
    t = translator(language)
    columns = (Column("rank", 0.025), Column("candidate", 0.065), *_MATCH_COLUMNS)
    lines = [*body["results"], *(body.get("near_misses") or [])]
    rows: list[list[Value]] = [
        [rank, line["candidate_id"], *_match_cells(language, line)]
        for rank, line in enumerate(lines, start=1)
    ]
    vacancy = str(body["vacancy_id"])
    return Document(
        title=t.fill("document.candidates.title", {"title": title, "employer": employer}),
        filename=f"candidates-{vacancy}",
        language=language,
        tables=[Table(t.text("document.column.candidate"), columns, rows)],
        facts=[f"{vacancy} · {_made_on(language, body)}", t.text("document.candidates.privacy")],
        one_page=True,
    )


# ---------------------------------------------------------------- applications


def applications(
    found: Sequence[Mapping[str, Any]], *, title: str, filename: str, language: Language
) -> Document:
    """Applications as the route's JSON gives them: an employer's view (no person, no
    jobhunter) has those columns left out because its JSON has no such fields. Debrief notes
    stay out of every document: they are the coaches' own."""
    t = translator(language)
    full = bool(found) and "candidate_id" in found[0]
    columns = [Column("application", 0.12)]
    if full:
        columns.append(Column("candidate", 0.12))
    columns += [Column("vacancy", 0.1)]
    if full:
        columns += [Column("job", 0.22), Column("employer", 0.14), Column("jobhunter")]
    columns += [
        Column("status", 0.1),
        Column("rejection"),
        Column("proposed_on", 0.1),
        Column("updated_on", 0.1),
    ]
    rows: list[list[Value]] = []
    for application in found:
        reason = application["steps"][-1].get("reason")
        cells: list[Value] = [application["id"]]
        if full:
            cells.append(application["candidate_id"])
        cells.append(application["vacancy_id"])
        if full:
            cells += [application["title"], application["employer"], application["jobhunter"]]
        cells += [
            status_word(language, application["status"]),
            _word(language, f"page.person.rejection.{reason}", reason) if reason else "",
            application["proposed_on"],
            application["updated_on"],
        ]
        rows.append(cells)
    name = t.text("document.column.application")
    return Document(
        title=title, filename=filename, language=language, tables=[Table(name, columns, rows)]
    )


# ---------------------------------------------------------------- the caseload


def people(found: Sequence[Candidate], language: Language) -> Document:
    """The caseload (GET /candidates as jobhunters and coordinators see it) for printing: the
    sheets of people keep the import template's columns instead, so that they read back."""
    t = translator(language)
    columns = (
        Column("candidate", 0.12),
        Column("name", 0.2),
        Column("stage", 0.14),
        Column("postcode", 0.09),
        Column("languages", 0.25),
        Column("coach", 0.2),
    )
    rows: list[list[Value]] = [
        [
            str(p.id),
            p.display_name or "",
            stage_word(language, p.stage),
            p.home.postcode or "",
            ", ".join(f"{code} {level}" for code, level in p.languages.items()),
            p.coach or "",
        ]
        for p in found
    ]
    title = t.text("document.caseload.title")
    return Document(
        title=title,
        filename="caseload",
        language=language,
        tables=[Table(title, columns, rows)],
        facts=[date.today().isoformat()],
    )


def attention(body: Mapping[str, Any], language: Language) -> Document:
    """The attention list (GET /attention) as one table: each line says which list it is on."""
    t = translator(language)
    columns = (
        Column("kind", 0.2),
        Column("candidate", 0.11),
        Column("application", 0.11),
        Column("vacancy", 0.09),
        Column("job", 0.21),
        Column("employer"),
        Column("status", 0.1),
        Column("since", 0.1),
        Column("days", 0.06),
    )

    def line(kind: str, item: Mapping[str, Any], since: str, days: Value) -> list[Value]:
        status = item.get("status")
        return [
            t.text(f"document.attention.{kind}"),
            item["candidate_id"],
            item.get("application_id", ""),
            item.get("vacancy_id", ""),
            item.get("title") or "",
            item.get("employer") or "",
            status_word(language, status) if status else "",
            since,
            days,
        ]

    rows = [
        *(
            line("quiet", q, q["last_step_on"], q["days_without_step"])
            for q in body["quiet_proposals"]
        ),
        *(line("closed", p, "", None) for p in body["proposals_to_closed_vacancies"]),
        *(line("followup", f, f["due_on"], None) for f in body["followups_due"]),
        *(
            line("waiting", w, w["ready_since"], w["days_ready"])
            for w in body["ready_without_proposal"]
        ),
    ]
    title = t.fill("document.attention.title", {"day": body["as_of"]})
    return Document(
        title=title,
        filename=f"attention-{body['as_of']}",
        language=language,
        tables=[Table(t.text("page.coach.attention.heading"), columns, rows)],
    )
