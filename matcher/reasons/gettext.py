"""The message catalogue as gettext-like callables, by message key, for the pages' templates."""

from __future__ import annotations

from functools import cache

from matcher.reasons.languages import Language
from matcher.reasons.reason import translator


class PageText:
    """One language's messages as Jinja's i18n extension calls them: `gettext(key, **values)`
    fills the message's placeholders (a message with a plural counts on `count`), and
    `ngettext(key, plural_key, n, **values)` is the same with the count given apart."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self._translator = translator(language)

    def gettext(self, key: str, /, **values: object) -> str:
        return self._translator.fill(key, values)

    def ngettext(self, key: str, plural_key: str, count: int, /, **values: object) -> str:
        return self._translator.fill(key, {**values, "count": count})


@cache
def page_text(language: Language) -> PageText:
    return PageText(language)
