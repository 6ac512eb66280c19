"""The page to import a sheet of vacancies, beside the vacancies' pages: the template, a check
that stores nothing, the import, and the annotated copy; the rules are POST /imports/vacancies'."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from matcher.reasons import Language
from service.deps import SessionDep, SignedInDep
from service.routers.imports import vacancy_importer
from service.sheets.importing import check_vacancies, import_vacancies
from service.sheets.reading import BadFile
from service.sheets.template import VACANCIES
from service.sheets.workbooks import MEDIA_TYPES, annotated_copy, template_workbook
from service.store import Principal, SignedIn
from service.web.employer import PREFIX, guarded
from service.web.render import page_language, render

PATH = f"{PREFIX}/import"
"""Beside the vacancies' list and form; uploads here may be as large as to /imports/."""
router = APIRouter(prefix=PATH, include_in_schema=False)


async def _form(request: Request) -> AsyncIterator[FormData]:
    form = await request.form()  # read once: the CSRF check read it already
    try:
        yield form
    finally:
        await form.close()  # the uploaded file's spooled copy


FormDep = Annotated[FormData, Depends(_form)]


def _page(
    request: Request,
    signed_in: SignedIn,
    *,
    report: dict[str, Any] | None = None,
    refused: str | None = None,
    status_code: int = status.HTTP_200_OK,
) -> Response:
    return render(
        request,
        "employer/import.html",
        page="employer-import",
        signed_in=signed_in,
        status_code=status_code,
        here=PATH,
        report=report,
        refused=refused,
        vacancy_id=None,
    )


@router.get("")
def import_page(request: Request, signed_in: SignedInDep) -> Response:
    """The form: a file, check or import, and the template to fill in."""
    return guarded(request, signed_in, lambda _: _page(request, signed_in))


@router.get("/template")
def import_template(request: Request, signed_in: SignedInDep) -> Response:
    def work(_: Principal) -> Response:
        data = template_workbook(VACANCIES, page_language(request, signed_in))
        return _attachment(data, "vacatures-sjabloon.xlsx")

    return guarded(request, signed_in, work)


def _attachment(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type=MEDIA_TYPES["xlsx"],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("")
def import_sheet(
    request: Request, session: SessionDep, signed_in: SignedInDep, form: FormDep
) -> Response:
    """`check` reports and stores nothing, `import` stores the sheet if every row can be read
    (or its valid rows, with `valid_only`), `annotated` answers the sheet with its problem
    cells marked. The report is the page again, 422 when nothing could be stored."""

    def work(principal: Principal) -> Response:
        language: Language = page_language(request, signed_in)
        upload = form.get("file")
        data = upload.file.read() if isinstance(upload, UploadFile) else b""
        action = form.get("action")
        importer = vacancy_importer(principal)
        try:
            if action == "annotated":
                sheet, checked = check_vacancies(session, data, importer=importer)
                copy = annotated_copy(sheet, checked, language, title=VACANCIES.title)
                return _attachment(copy, "gecontroleerd.xlsx")
            dry_run = action != "import"
            result = import_vacancies(
                session,
                data,
                importer=importer,
                dry_run=dry_run,
                valid_only=form.get("valid_only") == "yes",
            )
        except BadFile as error:
            return _page(
                request,
                signed_in,
                refused=error.message(language),
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        report = result.as_dict(language, dry_run=dry_run)
        failed = result.refused and not dry_run
        return _page(
            request,
            signed_in,
            report=report,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if failed else status.HTTP_200_OK,
        )

    return guarded(request, signed_in, work)
