"""The pages to import a sheet: of people beside the intake form (/people/import), of vacancies
beside the vacancies' pages (/employer/vacancies/import). Each has the template, a check that
stores nothing, the import, and the annotated copy; the rules are POST /imports/...'s."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from matcher.reasons import Language
from service.deps import SessionDep, ShortlistCacheDep, SignedInDep
from service.formats import workbook_attachment
from service.routers.imports import vacancy_importer
from service.sheets.importing import (
    ImportResult,
    check_candidates,
    check_vacancies,
    import_candidates,
    import_vacancies,
)
from service.sheets.reading import BadFile, RawSheet, SheetReport
from service.sheets.template import CANDIDATES, VACANCIES, SheetKind
from service.sheets.workbooks import annotated_copy, template_workbook
from service.store import Principal, SignedIn
from service.web.coach import CoachDep
from service.web.employer import PREFIX as VACANCY_PAGES
from service.web.employer import guarded
from service.web.render import page_language, render

PEOPLE_PAGE = "/people/import"
VACANCY_PAGE = f"{VACANCY_PAGES}/import"
PATHS = (PEOPLE_PAGE, VACANCY_PAGE)
"""Uploads to these may be as large as to /imports/."""
router = APIRouter(include_in_schema=False)


async def _form(request: Request) -> AsyncIterator[FormData]:
    form = await request.form()  # read once: the CSRF check read it already
    try:
        yield form
    finally:
        await form.close()  # the uploaded file's spooled copy


FormDep = Annotated[FormData, Depends(_form)]


@dataclass(frozen=True)
class Upload:
    """What the form sent."""

    data: bytes
    action: str
    """check (store nothing), import, or annotated (the sheet with its problems marked)."""
    valid_only: bool

    @classmethod
    def of(cls, form: FormData) -> Upload:
        file = form.get("file")
        return cls(
            data=file.file.read() if isinstance(file, UploadFile) else b"",
            action=str(form.get("action") or "check"),
            valid_only=form.get("valid_only") == "yes",
        )


def _page(
    request: Request,
    signed_in: SignedIn,
    kind: SheetKind,
    *,
    report: dict[str, object] | None = None,
    refused: str | None = None,
    status_code: int = status.HTTP_200_OK,
) -> Response:
    path = PEOPLE_PAGE if kind is CANDIDATES else VACANCY_PAGE
    return render(
        request,
        "imports/page.html",
        page=f"import-{kind.name}",
        signed_in=signed_in,
        status_code=status_code,
        here=path,
        path=path,
        kind=kind.name,
        what="people" if kind is CANDIDATES else "vacancies",
        report=report,
        refused=refused,
        vacancy_id=None,
    )


def _template(request: Request, signed_in: SignedIn, kind: SheetKind) -> Response:
    data = template_workbook(kind, page_language(request, signed_in))
    return workbook_attachment(data, f"{kind.title.lower()}-sjabloon.xlsx")


def _answer(
    request: Request,
    signed_in: SignedIn,
    kind: SheetKind,
    upload: Upload,
    check: Callable[[bytes], tuple[RawSheet, SheetReport]],
    store: Callable[[bytes, bool, bool], ImportResult],
) -> Response:
    """The annotated copy, or the page again with the report (422 when nothing could be
    stored, or the file is no sheet); `store(file, dry_run, valid_only)` imports, `check(file)`
    only reads."""
    language: Language = page_language(request, signed_in)
    try:
        if upload.action == "annotated":
            sheet, checked = check(upload.data)
            copy = annotated_copy(sheet, checked, language, title=kind.title)
            return workbook_attachment(copy, "gecontroleerd.xlsx")
        dry_run = upload.action != "import"
        result = store(upload.data, dry_run, upload.valid_only)
    except BadFile as error:
        return _page(
            request,
            signed_in,
            kind,
            refused=error.message(language),
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    failed = result.refused and not dry_run
    return _page(
        request,
        signed_in,
        kind,
        report=result.as_dict(language, dry_run=dry_run),
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if failed else status.HTTP_200_OK,
    )


# ---------------------------------------------------------------- people (jobhunters, coordinators)


@router.get(PEOPLE_PAGE)
def people_import_page(request: Request, signed_in: CoachDep) -> Response:
    return _page(request, signed_in, CANDIDATES)


@router.get(f"{PEOPLE_PAGE}/template")
def people_import_template(request: Request, signed_in: CoachDep) -> Response:
    return _template(request, signed_in, CANDIDATES)


@router.post(PEOPLE_PAGE)
def import_people_sheet(
    request: Request,
    session: SessionDep,
    cache: ShortlistCacheDep,
    signed_in: CoachDep,
    form: FormDep,
) -> Response:
    """`check` reports and stores nothing, `import` stores the sheet if every row can be read
    (or its valid rows, with `valid_only`), `annotated` answers the sheet with its problem
    cells marked."""

    def store(data: bytes, dry_run: bool, valid_only: bool) -> ImportResult:
        result = import_candidates(session, data, dry_run=dry_run, valid_only=valid_only)
        for ident in result.counts.updated if result.counts else ():
            cache.forget(ident)
        return result

    return _answer(
        request,
        signed_in,
        CANDIDATES,
        Upload.of(form),
        lambda data: check_candidates(session, data),
        store,
    )


# ---------------------------------------------------------------- vacancies (and employers)


@router.get(VACANCY_PAGE)
def vacancy_import_page(request: Request, signed_in: SignedInDep) -> Response:
    return guarded(request, signed_in, lambda _: _page(request, signed_in, VACANCIES))


@router.get(f"{VACANCY_PAGE}/template")
def vacancy_import_template(request: Request, signed_in: SignedInDep) -> Response:
    return guarded(request, signed_in, lambda _: _template(request, signed_in, VACANCIES))


@router.post(VACANCY_PAGE)
def import_vacancy_sheet(
    request: Request, session: SessionDep, signed_in: SignedInDep, form: FormDep
) -> Response:
    """As for people; an employer's sheet holds only its own vacancies, and only a coordinator
    has employers not on record made."""

    def work(principal: Principal) -> Response:
        importer = vacancy_importer(principal)
        return _answer(
            request,
            signed_in,
            VACANCIES,
            Upload.of(form),
            lambda data: check_vacancies(session, data, importer=importer),
            lambda data, dry_run, valid_only: import_vacancies(
                session, data, importer=importer, dry_run=dry_run, valid_only=valid_only
            ),
        )

    return guarded(request, signed_in, work)
