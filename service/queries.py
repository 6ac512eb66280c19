"""Query parameter types the list filters share."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from matcher.geo import is_known_postcode


def _known_postcode(value: str) -> str:
    # "B-2060" and "BE 2060" as a body's Location reads them.
    code = re.sub(r"^(?:BE?)[-\s]?(?=\d{4}$)", "", value.strip().upper())
    if not is_known_postcode(code):
        raise ValueError(f"'{value}' is not a Belgian postcode")
    return code


PostcodeQuery = Annotated[str, AfterValidator(_known_postcode)]
"""A Belgian postcode (422 naming the parameter for one that is not)."""
