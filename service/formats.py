"""Which format a list is answered in: JSON by default, a CSV or .xlsx sheet or a PDF when
`?format=` or the Accept header asks for one the route offers."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Depends, Header, Query, Response
from fastapi.exceptions import RequestValidationError

FormatName = Literal["json", "csv", "xlsx", "pdf"]
DocumentFormat = Literal["csv", "xlsx", "pdf"]
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
_BY_MEDIA_TYPE = {media.split(";")[0]: name for name, media in MEDIA_TYPES.items()}
VARY = "Accept, Accept-Language"
"""What a list offering documents varies by: its format and its language."""
_WEIGHT = re.compile(r"q\s*=\s*(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)", re.IGNORECASE)


def from_accept(header: str | None, offered: tuple[str, ...]) -> str | None:
    """The format of an Accept header's best media type among `offered` (RFC 9110: by q-value,
    then in the order given), or None: JSON, for no header, `*/*`, a browser's `text/html,...`
    or types the route does not offer. Malformed parts are skipped."""
    if not header:
        return None
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")[:50]):
        media, *options = (piece.strip() for piece in part.split(";"))
        name = _BY_MEDIA_TYPE.get(media.lower())
        if name is None or (name != "json" and name not in offered):
            continue
        weights = [_WEIGHT.fullmatch(o) for o in options if o[:1] in ("q", "Q")]
        if len(weights) > 1 or (weights and weights[0] is None):
            continue
        weight = float(weights[0].group(1)) if weights and weights[0] else 1.0
        if weight > 0 and (best is None or (-weight, position) < (-best[0], best[1])):
            best = (weight, position, name)
    return None if best is None or best[2] == "json" else best[2]


class Formats:
    """A dependency: the document format asked for (None for JSON, the default). `?format=`
    wins over Accept; a format the route does not offer is 422 naming `format`."""

    def __init__(self, *offered: DocumentFormat) -> None:
        self.offered: tuple[str, ...] = offered
        self.__doc__ = f"json (the default), {', '.join(offered)}"

    async def __call__(
        self,
        response: Response,
        format: Annotated[
            FormatName | None,
            Query(
                description="json (the default), csv, xlsx or pdf, as the route offers (its"
                " description says which); wins over the Accept header (text/csv, the"
                " .xlsx media type, application/pdf)"
            ),
        ] = None,
        accept: Annotated[str | None, Header(include_in_schema=False)] = None,
    ) -> str | None:
        # The JSON answer varies by Accept too (a cache must not give it to a CSV client); a
        # route that returns its own Response sets it with VARY instead.
        response.headers["Vary"] = VARY
        if format is None:
            return from_accept(accept, self.offered)
        if format != "json" and format not in self.offered:
            raise RequestValidationError(
                [
                    {
                        "type": "enum",
                        "loc": ["query", "format"],
                        "msg": f"this list is given as json, {', '.join(self.offered)},"
                        f" not {format}",
                        "input": format,
                    }
                ]
            )
        return None if format == "json" else format


DocumentKind = Annotated[str | None, Depends(Formats("csv", "xlsx", "pdf"))]
"""A list's document format: None for JSON, else csv, xlsx or pdf (?format= or Accept)."""


def document_response(content: bytes, kind: str, filename: str, language: str) -> Response:
    """A document as an attachment (`filename` without its extension) written in `language`,
    which varies by Accept and Accept-Language."""
    return Response(
        content,
        media_type=MEDIA_TYPES[kind],
        headers={
            # An id may be Cyrillic, and headers are Latin-1: an ASCII name, and the real one
            # percent-encoded (RFC 6266) for the clients that read it.
            "Content-Disposition": f'attachment; filename="{_ascii(filename)}.{kind}";'
            f" filename*=UTF-8''{quote(filename)}.{kind}",
            "Content-Language": language,
            "Vary": VARY,
        },
    )


def workbook_attachment(data: bytes, name: str) -> Response:
    """An .xlsx the service made (a template, a sheet with its problems marked), to download."""
    return Response(
        data,
        media_type=MEDIA_TYPES["xlsx"],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _ascii(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def document_responses(*kinds: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI: a 200 that is also one of these documents (binary, each with its example)."""
    return {
        200: {
            "content": {
                MEDIA_TYPES[kind]: {
                    "schema": {"type": "string", "format": "binary"},
                    "examples": {
                        kind: {"summary": f"a .{kind} file", "value": f"(a .{kind} file)"}
                    },
                }
                for kind in kinds
            }
        }
    }
