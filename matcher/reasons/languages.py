"""The languages reasons are written in, and choosing one from what a reader asks for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal, get_args

Language = Literal["en", "nl", "uk", "ru"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"

_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*|\*")
_WEIGHT = re.compile(r"q\s*=\s*(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")


def supported(tag: str | None) -> Language | None:
    """The language of a tag ("uk", "nl-BE", "ru_UA.UTF-8") if reasons are written in it."""
    if not tag:
        return None
    primary = re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()
    for language in LANGUAGES:
        if primary == language:
            return language
    return None


def from_accept_language(header: str | None) -> Language | None:
    """The best supported language of an Accept-Language header (RFC 9110: by q-value, then in
    the order given), or None when it names none of them; malformed parts are skipped."""
    if not header:
        return None
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate(header.split(",")[:50]):
        tag, *options = (piece.strip() for piece in part.split(";"))
        if not _TAG.fullmatch(tag):
            continue
        weights = [_WEIGHT.fullmatch(o) for o in options if o[:1] in ("q", "Q")]
        if len(weights) > 1 or (weights and weights[0] is None):
            continue
        weight = float(weights[0].group(1)) if weights and weights[0] else 1.0
        language = supported(tag)
        if language is None or not 0 < weight <= 1:
            continue
        if best is None or (-weight, position) < (-best[0], best[1]):
            best = (weight, position, language)
    return None if best is None else best[2]


def from_environment(environ: Mapping[str, str]) -> Language:
    """The CLI's default: the locale's language (LC_ALL, LC_MESSAGES, LANG, as gettext reads
    them; LANGUAGE's list first), English when it is none of ours or "C"."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        for tag in value.split(":"):
            language = supported(tag)
            if language is not None:
                return language
        if name != "LANGUAGE":
            break  # the first of these that is set decides, as for gettext
    return DEFAULT_LANGUAGE
