"""Query parameter types the list filters share."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

from matcher.travel.geo import is_known_postcode, known_postcodes


def _known_postcode(value: str) -> str:
    # "B-2060" and "BE 2060" as a body's Location reads them.
    code = re.sub(r"^(?:BE?)[-\s]?(?=\d{4}$)", "", value.strip().upper())
    if not is_known_postcode(code):
        raise ValueError(f"'{value}' is not a Belgian postcode")
    return code


# The schema names the canonical spelling, as Location's does; "B-2060" is read too.
PostcodeQuery = Annotated[
    str,
    AfterValidator(_known_postcode),
    WithJsonSchema({"type": "string", "enum": known_postcodes()}),
]
"""A Belgian postcode (422 naming the parameter for one that is not)."""
