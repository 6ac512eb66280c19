"""A reason (a stable code, its params) and how it reads in each language."""

from __future__ import annotations

import gettext
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from matcher.reasons.languages import DEFAULT_LANGUAGE, LANGUAGES, Language
from matcher.reasons.messages import MESSAGES

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LOCALES = Path(__file__).resolve().parent / "locales"
"""Where matcher/reasons/compile.py writes the compiled catalogues (`<lang>/LC_MESSAGES`)."""
_DECIMAL_COMMA = frozenset({"nl", "uk", "ru"})


class Translator:
    """One language's messages, and the words put into them (lists, days, ways of travelling)."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self._catalogue = _catalogue(language)

    def text(self, key: str, count: int | None = None) -> str:
        """The message with this key, not yet filled in; `count` picks its plural form."""
        message = MESSAGES[key]
        if message.plural is None:
            return self._catalogue.pgettext(key, message.singular)
        if count is None:
            raise ValueError(f"message {key!r} has a plural: it needs a count")
        return self._catalogue.npgettext(key, message.singular, message.plural, count)

    def fill(self, key: str, values: Mapping[str, object]) -> str:
        count = values.get("count")
        text = self.text(key, int(count) if isinstance(count, int | float) else None)
        return text.format_map(values)

    def plain(self, value: object) -> object:
        """A param as a message shows it: numbers without trailing zeros (and with a decimal
        comma where the language writes one), lists comma-separated."""
        if isinstance(value, float):
            return self._marked(f"{value:g}")  # 27.5, 38 (not 38.0)
        if isinstance(value, list | tuple):
            return ", ".join(str(self.plain(v)) for v in value)
        return value

    def decimal(self, value: float, places: int = 2) -> str:
        """A score or a fraction as the language writes it ("0.85", "0,85")."""
        return self._marked(f"{value:.{places}f}")

    def _marked(self, number: str) -> str:
        return number.replace(".", ",") if self.language in _DECIMAL_COMMA else number

    def join(self, items: Sequence[str], *, joiner: str = "and") -> str:
        """'a, b and c' as the language writes it."""
        if len(items) <= 1:
            return "".join(items)
        return self.fill(f"list.{joiner}", {"head": ", ".join(items[:-1]), "last": items[-1]})

    def days(self, days: Sequence[str]) -> str:
        """'Mon-Fri' for a run of three or more days, else the days listed, in week order."""
        index = sorted(_DAYS.index(d) for d in days)
        names = [self.text(f"day.{_DAYS[i]}") for i in index]
        if len(index) > 2 and index == list(range(index[0], index[-1] + 1)):
            return self.fill("days.range", {"first": names[0], "last": names[-1]})
        return ", ".join(names)


class _Catalogue(Protocol):
    def pgettext(self, context: str, message: str, /) -> str: ...
    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int, /) -> str: ...


@cache
def _catalogue(language: Language) -> _Catalogue:
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()  # the messages are written in English
    try:
        return gettext.translation("matcher", localedir=_LOCALES, languages=[language])
    except FileNotFoundError:
        raise RuntimeError(
            f"the {language} translations are not compiled ({_LOCALES}/{language}/LC_MESSAGES/"
            "matcher.mo is missing): run ./dev, or python -m matcher.reasons.compile"
        ) from None


def require_translations() -> None:
    """RuntimeError, saying how to compile them, unless every language's catalogue loads."""
    for language in LANGUAGES:
        _catalogue(language)


@cache
def translator(language: Language) -> Translator:
    return Translator(language)


class Shown(Protocol):
    """A placeholder's value that reads differently by language (a skill's name, the days)."""

    def show(self, translator: Translator) -> str: ...


@dataclass(frozen=True)
class Term:
    """A concept's name: as the vocabulary writes it in the reader's language, else as written
    where it came from (the vacancy's own wording)."""

    labels: Mapping[str, str]
    fallback: str

    def show(self, translator: Translator) -> str:
        return self.labels.get(translator.language, self.fallback)


@dataclass(frozen=True)
class Terms:
    """Several names, listed: 'a, b and c'."""

    items: tuple[Shown, ...]
    joiner: str = "and"

    def show(self, translator: Translator) -> str:
        return translator.join([i.show(translator) for i in self.items], joiner=self.joiner)


@dataclass(frozen=True)
class Word:
    """A word of the catalogue's own (`mode.bike`, `language.uk`); `fallback` for a key the
    catalogue may not have (a language only a vacancy names)."""

    key: str
    fallback: str | None = None

    def show(self, translator: Translator) -> str:
        if self.fallback is not None and self.key not in MESSAGES:
            return self.fallback
        return translator.text(self.key)


@dataclass(frozen=True)
class Days:
    days: tuple[str, ...]

    def show(self, translator: Translator) -> str:
        return translator.days(self.days)


@dataclass(frozen=True)
class Reason:
    """One thing a coach can read aloud. `code` and `params` are stable, for clients; the
    message is written from them in the reader's language.

    `variant` picks among a code's messages (`required_skills.missing`); `shown` holds the
    placeholders that read differently by language; any other placeholder takes its param.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    variant: str | None = None
    shown: Mapping[str, Shown] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.key not in MESSAGES:
            raise ValueError(f"no message for reason {self.key!r} in matcher.reasons.messages")

    @property
    def key(self) -> str:
        return self.code if self.variant is None else f"{self.code}.{self.variant}"

    @property
    def message(self) -> str:
        return self.render(DEFAULT_LANGUAGE)

    def render(self, language: Language = DEFAULT_LANGUAGE) -> str:
        t = translator(language)
        values: dict[str, object] = {k: t.plain(v) for k, v in self.params.items()}
        values |= {k: v.show(t) for k, v in self.shown.items()}
        return t.fill(self.key, values)

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {"code": self.code, "message": self.render(language), "params": self.params}


def placeholders(text: str) -> set[str]:
    """The named placeholders of a message: what every translation must keep."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
