"""The message catalogue: every message in every language with the English placeholders, the
compiled catalogues current, the template current with the source, every reason the engine
gives over the fixtures written out in all four languages."""

from __future__ import annotations

import gettext
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from matcher import Engine
from matcher.fixtures import load_candidates, load_vacancies
from matcher.reasons import LANGUAGES
from matcher.reasons.compile import LOCALES, catalogues, compiled
from matcher.reasons.messages import MESSAGES
from matcher.reasons.reason import placeholders

TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


def _words(names: set[str]) -> set[str]:
    """Placeholders but the counts (`count`, `missing_count`, ...)."""
    return {n for n in names if n != "count" and not n.endswith("_count")}


def _catalogue(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "matcher.po").open("rb") as handle:
        return read_po(handle)


def test_every_language_but_the_source_has_a_catalogue() -> None:
    found = {po.parent.parent.name for po in catalogues()}
    assert found == set(TRANSLATED)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_translation_with_the_english_placeholders(language: str) -> None:
    catalogue = _catalogue(language)
    missing, wrong = [], []
    for key, message in MESSAGES.items():
        entry = catalogue.get(message.singular, key)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(key)
            continue
        if message.plural is None:
            if placeholders(entry.string) != placeholders(message.singular):
                wrong.append((key, entry.string))
            continue
        forms = list(entry.string)
        expected = _words(placeholders(message.plural))
        if len(forms) != catalogue.num_plurals or not all(forms):
            missing.append(key)
        # Every plural form keeps the plural's placeholders; only counts may be left out (the
        # form for one may say "the one" instead of "1 of 1").
        wrong += [(key, f) for f in forms if _words(placeholders(f)) != expected]
        wrong += [(key, f) for f in forms if not placeholders(f) <= placeholders(message.plural)]
    assert not missing, f"{language}: no translation for {missing}"
    assert not wrong, f"{language}: placeholders differ from the English: {wrong}"


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_ukrainian_and_russian_have_three_plural_forms(language: str) -> None:
    catalogue = _catalogue(language)
    assert catalogue.num_plurals == 3
    # The compiled catalogue's rule: 1 and 21 one form; 2-4 and 22-24 another; 5-20, 25 the third.
    rule = gettext.translation("matcher", LOCALES, [language]).plural  # type: ignore[attr-defined]
    assert [rule(n) for n in (1, 21, 2, 4, 22, 5, 11, 12, 14, 20, 25, 111)] == [
        0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2
    ]  # fmt: skip


def test_the_compiled_catalogues_are_the_current_ones() -> None:
    for po in catalogues():
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.read_bytes() == compiled(po), (
            f"{mo} is out of date with {po.name}: ./dev compiles it"
        )


def test_the_template_holds_exactly_the_source_messages(tmp_path: Path) -> None:
    out = tmp_path / "matcher.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            str(pybabel), "-q", "extract", "--no-default-keywords", "-k", "pgettext:1c,2",
            "-k", "npgettext:1c,2,3", "-o", str(out), "matcher/reasons/messages.py",
        ],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    with out.open("rb") as handle:
        extracted = {m.context for m in read_po(handle) if m.id}
    assert extracted == set(MESSAGES)
    for language in TRANSLATED:
        translated = {m.context for m in _catalogue(language) if m.id}
        assert translated == set(MESSAGES), f"{language}: run ./dev translations"


def test_every_reason_of_the_fixtures_shortlists_reads_in_every_language() -> None:
    engine = Engine().fit(load_vacancies())
    seen: dict[str, object] = {}
    for person in load_candidates()[:120]:
        shortlist = engine.shortlist(person, top=5, include_blocked=True)
        for match in [*shortlist.results, *(shortlist.near_misses or [])]:
            for feature in match.features.values():
                for reason in feature.reasons:
                    seen.setdefault(reason.key, reason)
    assert len(seen) >= 20, sorted(seen)
    for key, reason in seen.items():
        texts = {lang: reason.render(lang) for lang in LANGUAGES}  # type: ignore[attr-defined]
        assert all(texts.values()), key
        assert len(set(texts.values())) == len(LANGUAGES), f"{key} reads alike in two: {texts}"


def test_missing_compiled_catalogues_stop_the_start_with_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher.reasons import reason

    monkeypatch.setattr(reason, "_LOCALES", tmp_path)
    reason._catalogue.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=r"not compiled .* run \./dev"):
            reason.require_translations()
    finally:
        monkeypatch.undo()
        reason._catalogue.cache_clear()
    reason.require_translations()  # the real ones load
