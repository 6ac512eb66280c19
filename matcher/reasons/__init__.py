"""Reasons a coach reads aloud: stable codes and params, written out in English, Dutch,
Ukrainian or Russian from one message catalogue (`messages.py`, translated in `locales/`)."""

from matcher.reasons.gettext import PageText, page_text
from matcher.reasons.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Language,
    from_accept_language,
    from_environment,
    supported,
)
from matcher.reasons.reason import (
    Days,
    Reason,
    Shown,
    Term,
    Terms,
    Translator,
    Word,
    require_translations,
    translator,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Days",
    "Language",
    "PageText",
    "Reason",
    "Shown",
    "Term",
    "Terms",
    "Translator",
    "Word",
    "from_accept_language",
    "from_environment",
    "page_text",
    "require_translations",
    "supported",
    "translator",
]
