"""Which language a text from the record is written in, and whether the patient reads another.

The source's own word comes first (FHIR ``language``, KMEHR ``L``: :attr:`ItemSource.language`).
Without it, a small and careful guess from everyday function words ("the", "avec", "niet",
"nicht"): a language is named only when at least two of its words are in the text and clearly
more than any other language's, so a name ("Penicillin") or a short phrase gets no guess. Medical
text is never translated here: the screens show it as written, saying in which language.
"""

from __future__ import annotations

import re

#: Function words and a few everyday words of a medicine's instructions, per language.
_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the a an and of to in with for if up day days take never skip after before every "
        "each not your you is are at on by from this that under glass water meal when "
        "morning evening night week times".split()
    ),
    "fr": frozenset(
        "le la les un une des et du au aux avec pour par si dans ne pas jamais jour jours "
        "prendre prenez matin soir nuit après avant chaque votre vous est sont sur sous "
        "verre eau repas quand semaine fois à".split()
    ),
    "nl": frozenset(
        "het een en van met voor bij niet nooit dag dagen neem nemen 's ochtends avonds "
        "nacht na elke uw u is zijn op onder glas water maaltijd als week keer tot".split()
    ),
    "de": frozenset(
        "der die das ein eine und mit für bei nicht nie tag tage täglich nehmen sie "
        "morgens abends nacht nach vor jede jeden ihr ist sind auf unter glas wasser "
        "mahlzeit wenn woche mal zu bis".split()
    ),
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def primary_language(tag: str) -> str:
    """The primary subtag of a BCP 47 tag, lower case ("nl-BE" -> "nl"; "" stays "")."""
    return tag.strip().replace("_", "-").split("-")[0].lower()


def guess_language(text: str) -> str:
    """The language of ``text`` when its words make it clear ("en", "fr", "nl", "de"), else ""."""
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < 3:
        return ""
    scores = sorted(
        ((sum(1 for w in words if w in known), lang) for lang, known in _WORDS.items()),
        reverse=True,
    )
    (best, lang), (second, _other) = scores[0], scores[1]
    if best >= 2 and best >= 2 * second:
        return lang
    return ""


def text_language(text: str, declared: str = "") -> str:
    """The language ``text`` is written in: the one its source declares, else a safe guess,
    else ""."""
    return primary_language(declared) or guess_language(text)


def foreign_language(text: str, declared: str, reader: str) -> str:
    """The language of ``text`` when it is not ``reader``'s ("" when it is, or is not known)."""
    if not text.strip():
        return ""
    lang = text_language(text, declared)
    return lang if lang and lang != primary_language(reader) else ""
