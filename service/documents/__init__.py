"""Documents for employers and funders: the API's lists as CSV, .xlsx or a one-page PDF, and the
programme's figures as a workbook."""

from __future__ import annotations

from fastapi import Response

from service.documents.pdf import pdf_bytes
from service.documents.sheets import csv_document, xlsx_bytes
from service.documents.tables import Document
from service.formats import document_response

_WRITERS = {"csv": csv_document, "xlsx": xlsx_bytes, "pdf": pdf_bytes}


def render(document: Document, kind: str) -> bytes:
    """The document as a csv, xlsx or pdf file's bytes."""
    return _WRITERS[kind](document)


def respond(document: Document, kind: str) -> Response:
    """The document as the answer: an attachment named after what it lists."""
    return document_response(render(document, kind), kind, document.filename, document.language)


__all__ = ["Document", "render", "respond"]
