"""The glossary's words for the items of a record, looked up ahead and kept per language.

Looking up explanations by display text scans every alias of the glossary (slow the first
time), so the record pages ask a worker to fill this cache (:func:`prefetch_explanations`) and
never wait for it on the GUI thread. The cache names the patient's medicines:
:func:`clear_explanation_cache` forgets it when the record is wiped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from assistant.glossary import (
    GlossaryEntry,
    explain_coding,
    explain_specific,
    explain_term,
    explain_unit,
    find_terms,
)
from assistant.i18n import current_language
from assistant.records.model import Coding

#: Glossary look-ups by display text scan every alias (about 1 ms each, and ``find_terms``
#: compiles a pattern per alias: about 0.5 s). Results are kept per language here and filled
#: by a worker (:func:`prefetch_explanations`) so a page never waits for them on the GUI
#: thread. They hold medicine names: :func:`clear_explanation_cache` forgets them.
_CACHE_LIMIT = 20000
_specific_cache: dict[tuple[str, Coding], GlossaryEntry | None] = {}
_coding_cache: dict[tuple[str, Coding], GlossaryEntry | None] = {}
_terms_cache: dict[tuple[str, str], list[GlossaryEntry]] = {}
#: Raised by every clear: a prefetch started before a clear stops and stores nothing more.
_cache_epoch = 0


def cache_epoch() -> int:
    return _cache_epoch


def _cached(
    cache: dict[tuple[str, Coding], GlossaryEntry | None],
    fn: Callable[[Coding, str], GlossaryEntry | None],
    coding: Coding,
    lang: str,
) -> GlossaryEntry | None:
    key = (lang, coding)
    if key in cache:
        return cache[key]
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    entry = fn(coding, lang)
    cache[key] = entry
    return entry


def _specific_entry(coding: Coding, lang: str) -> GlossaryEntry | None:
    return _cached(_specific_cache, explain_specific, coding, lang)


def _coding_entry(coding: Coding, lang: str) -> GlossaryEntry | None:
    return _cached(_coding_cache, explain_coding, coding, lang)


def terms_in(text: str, language: str | None = None) -> list[GlossaryEntry]:
    """Glossary entries found in a free text (slow the first time: call it from a worker)."""
    lang = language or current_language()
    key = (lang, text)
    found = _terms_cache.get(key)
    if found is None:
        if len(_terms_cache) >= _CACHE_LIMIT:
            _terms_cache.clear()
        found = find_terms(text, lang)
        _terms_cache[key] = found
    return list(found)


def terms_known(text: str, language: str | None = None) -> bool:
    """True when :func:`terms_in` already has the answer (no waiting)."""
    return (language or current_language(), text) in _terms_cache


def prefetch_explanations(
    codings: Iterable[Coding], language: str, epoch: int | None = None
) -> None:
    """Look up every code's explanation now (on a worker) so pages find them at once.

    ``epoch``: the :func:`cache_epoch` when the work was asked for; a clear since then
    (the patient left) stops it."""
    for coding in list(codings):
        if epoch is not None and epoch != _cache_epoch:
            return
        if _specific_entry(coding, language) is None:
            _coding_entry(coding, language)


def clear_explanation_cache() -> None:
    """Forget the looked-up explanations (they name the patient's medicines)."""
    global _cache_epoch
    _cache_epoch += 1
    _specific_cache.clear()
    _coding_cache.clear()
    _terms_cache.clear()


def coded_name(text: str, codings: Sequence[Coding], language: str | None = None) -> str:
    """The glossary's name of a coded thing in the patient's language ("Laborbericht" for
    LOINC 11502-2), else the text as written in the record."""
    lang = language or current_language()
    for coding in codings:
        entry = _specific_entry(coding, lang)
        if entry is not None and entry.term:
            return entry.term
    return text


def explanations_for(
    title: str,
    codings: Sequence[Coding] = (),
    term: str = "",
    unit: str = "",
    *,
    search_text: bool = True,
    language: str | None = None,
) -> list[GlossaryEntry]:
    """Every glossary entry that explains an item: its term, its codes, its name's words.

    Specific code entries come first; code-system entries only when no code is known.
    ``search_text`` also looks for glossary words in the title (slow the first time).
    """
    lang = language or current_language()
    found: list[GlossaryEntry] = []

    def add(entry: GlossaryEntry | None) -> None:
        if entry is not None and all(e.key != entry.key for e in found):
            found.append(entry)

    if term:
        add(explain_term(term, lang))
    specific = [_specific_entry(c, lang) for c in codings]
    for entry in specific:
        add(entry)
    if title:
        add(explain_term(title, lang))
    if not any(specific):
        for c in codings:
            add(_coding_entry(c, lang))
    if unit:
        add(explain_unit(unit, lang))
    if not found and title and search_text:
        for entry in terms_in(title, lang):
            add(entry)
    return found
