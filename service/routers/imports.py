"""Sheets of people and of vacancies in: checked row by row, stored only when they can be (by
whoever may post them one at a time: people jobhunters and coordinators, vacancies employers
too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from matcher.reasons import Language
from service.deps import (
    PeopleReader,
    ReaderLanguage,
    SessionDep,
    ShortlistCacheDep,
    VacancyUser,
    employer_scope,
    in_language,
)
from service.formats import MEDIA_TYPES, workbook_attachment
from service.routers import errors
from service.schemas import ImportRefused
from service.sheets.importing import (
    ImportResult,
    VacancyImporter,
    check_candidates,
    check_vacancies,
    import_candidates,
    import_vacancies,
)
from service.sheets.reading import BadFile, read_mapping
from service.sheets.template import CANDIDATES, VACANCIES
from service.sheets.workbooks import annotated_copy, template_workbook
from service.store import Principal

PREFIX = "/imports"
router = APIRouter(prefix=PREFIX, tags=["imports"])

SheetFile = Annotated[
    UploadFile, File(description="The sheet: .xlsx (its first sheet) or .csv (UTF-8)")
]
MappingFile = Annotated[
    UploadFile | None,
    File(description='A column mapping, JSON: {"their header": "our column"}'),
]
_DRY_RUN = "Only check and report; store nothing"
_VALID_ONLY = "Store the rows that can be read even when others cannot"


@dataclass(frozen=True)
class ImportChoices:
    dry_run: bool
    valid_only: bool


def _choices(
    dry_run: Annotated[bool, Form(description=_DRY_RUN)] = False,
    valid_only: Annotated[bool, Form(description=_VALID_ONLY)] = False,
    dry_run_query: Annotated[bool, Query(alias="dry_run", description=_DRY_RUN)] = False,
    valid_only_query: Annotated[bool, Query(alias="valid_only", description=_VALID_ONLY)] = False,
) -> ImportChoices:
    """Either way of asking: a form field beside the file, or the query."""
    return ImportChoices(dry_run or dry_run_query, valid_only or valid_only_query)


Choices = Annotated[ImportChoices, Depends(_choices)]


_REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"model": ImportRefused, "description": "The sheet has errors: nothing stored"}
}


def _refused(error: BadFile, language: Language, field: str) -> RequestValidationError:
    """422 naming the field; the message says what is wrong with the file, never what it holds."""
    return RequestValidationError(
        [{"type": f"sheet_{error.code}", "loc": ["body", field], "msg": error.message(language)}]
    )


def _read(file: UploadFile, mapping: UploadFile | None, language: Language) -> tuple[bytes, Any]:
    try:
        rules = read_mapping(mapping.file.read()) if mapping is not None else None
    except BadFile as error:
        raise _refused(error, language, "mapping") from None
    return file.file.read(), rules


def _workbook_answer(summary: str) -> dict[int | str, dict[str, Any]]:
    """A 200 that is an .xlsx file, as the document shows it."""
    media = {"schema": {"type": "string", "format": "binary"}}
    shown = {"workbook": {"summary": summary, "value": "(an .xlsx workbook)"}}
    return {200: {"content": {MEDIA_TYPES["xlsx"]: {**media, "examples": shown}}}}


@router.post("/candidates", responses={**errors(401, 403, 413), **_REFUSED})
def import_candidates_sheet(
    session: SessionDep,
    _: PeopleReader,
    language: ReaderLanguage,
    cache: ShortlistCacheDep,
    file: SheetFile,
    choices: Choices,
    mapping: MappingFile = None,
) -> JSONResponse:
    """Check every row of a sheet of people (multipart upload), then store them in one go.

    The answer is the report: every cell that cannot be read and why (rows as the spreadsheet
    numbers them, the header row 1), warnings, how each skill phrase was read, and how many
    people were created, updated (same reference, new profile) and unchanged. With any error
    nothing is stored (422 with the report) unless `valid_only`; `dry_run` stores nothing."""
    dry_run, valid_only = choices.dry_run, choices.valid_only
    data, rules = _read(file, mapping, language)
    try:
        result = import_candidates(
            session, data, mapping=rules, dry_run=dry_run, valid_only=valid_only
        )
    except BadFile as error:
        raise _refused(error, language, "file") from None
    for ident in result.counts.updated if result.counts else ():
        cache.forget(ident)
    return _report(result, language, dry_run=dry_run)


def _report(result: ImportResult, language: Language, *, dry_run: bool) -> JSONResponse:
    body = result.as_dict(language, dry_run=dry_run)
    if result.refused and not dry_run:
        return JSONResponse(
            {"detail": f"{body['errors']} problems; nothing stored", **body},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            headers=in_language(language),
        )
    return JSONResponse(body, headers=in_language(language))


@router.post(
    "/candidates/annotated",
    response_class=Response,
    responses={
        **_workbook_answer("The sheet with its problem cells marked"),
        **errors(401, 403, 413),
    },
)
def annotated_candidates_sheet(
    session: SessionDep,
    _: PeopleReader,
    language: ReaderLanguage,
    file: SheetFile,
    mapping: MappingFile = None,
) -> Response:
    """The sheet as read, as .xlsx, with each problem cell marked (red: cannot be read, yellow:
    a warning) and its reason as a comment. Stores nothing."""
    data, rules = _read(file, mapping, language)
    try:
        sheet, report = check_candidates(session, data, mapping=rules)
    except BadFile as error:
        raise _refused(error, language, "file") from None
    return workbook_attachment(annotated_copy(sheet, report, language), "gecontroleerd.xlsx")


@router.get(
    "/template",
    response_class=Response,
    responses={
        **_workbook_answer("The template, its instructions and an example"),
        **errors(401, 403),
    },
)
def candidates_template(_: PeopleReader, language: ReaderLanguage) -> Response:
    """The people's import template (.xlsx): the sheet to fill in (Dutch headers; English ones
    are read too), its instructions in the reader's language, and an example row."""
    return workbook_attachment(template_workbook(CANDIDATES, language), "kandidaten-sjabloon.xlsx")


def vacancy_importer(principal: Principal) -> VacancyImporter:
    """An employer imports only its own vacancies; only a coordinator (who may make employer
    records) has the employers the sheet names that are not on record created."""
    return VacancyImporter(
        employer=employer_scope(principal), creates_employers=principal.role == "coordinator"
    )


@router.post("/vacancies", responses={**errors(401, 403, 413), **_REFUSED})
def import_vacancies_sheet(
    session: SessionDep,
    principal: VacancyUser,
    language: ReaderLanguage,
    file: SheetFile,
    choices: Choices,
    mapping: MappingFile = None,
) -> JSONResponse:
    """Check every row of a sheet of vacancies (multipart upload), then store them in one go.

    The report is as for `POST /imports/candidates`, and more: each row's employer is matched
    to its record (by name, letter case, accents and spaces aside, or by id); one not on record
    is created with the import for a coordinator and is an error for the others. An employer
    key imports only its own vacancies (the employer column may be left out; a row for another
    employer is an error), and a reference a deleted vacancy had is an error (ids are never
    used again). Re-importing updates vacancies by their reference."""
    dry_run, valid_only = choices.dry_run, choices.valid_only
    data, rules = _read(file, mapping, language)
    try:
        result = import_vacancies(
            session,
            data,
            importer=vacancy_importer(principal),
            mapping=rules,
            dry_run=dry_run,
            valid_only=valid_only,
        )
    except BadFile as error:
        raise _refused(error, language, "file") from None
    return _report(result, language, dry_run=dry_run)


@router.post(
    "/vacancies/annotated",
    response_class=Response,
    responses={
        **_workbook_answer("The sheet with its problem cells marked"),
        **errors(401, 403, 413),
    },
)
def annotated_vacancies_sheet(
    session: SessionDep,
    principal: VacancyUser,
    language: ReaderLanguage,
    file: SheetFile,
    mapping: MappingFile = None,
) -> Response:
    """The sheet of vacancies as read, as .xlsx, with each problem cell marked and its reason
    as a comment. Stores nothing."""
    data, rules = _read(file, mapping, language)
    try:
        sheet, report = check_vacancies(
            session, data, importer=vacancy_importer(principal), mapping=rules
        )
    except BadFile as error:
        raise _refused(error, language, "file") from None
    copy = annotated_copy(sheet, report, language, title=VACANCIES.title)
    return workbook_attachment(copy, "gecontroleerd.xlsx")


@router.get(
    "/vacancies/template",
    response_class=Response,
    responses={
        **_workbook_answer("The template, its instructions and an example"),
        **errors(401, 403),
    },
)
def vacancies_template(_: VacancyUser, language: ReaderLanguage) -> Response:
    """The vacancies' import template (.xlsx): the sheet to fill in (Dutch headers; English
    ones are read too), its instructions in the reader's language, and an example row."""
    return workbook_attachment(template_workbook(VACANCIES, language), "vacatures-sjabloon.xlsx")
