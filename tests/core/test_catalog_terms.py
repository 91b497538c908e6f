"""Belgian words, formal address and gender-neutral forms in the catalogs.

The rules are those of ``locales/STYLEGUIDE.md`` (§3 term tables, §4 address and gender,
§5 words to avoid: that table is read from the style guide itself, so it stays the one place of
the rule). Every text is checked as the program shows it: looked up through ``assistant.i18n``
in the catalogs it loads, for every msgid of the .po files.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest
from babel.messages.pofile import read_po

from assistant import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
STYLEGUIDE = LOCALES / "STYLEGUIDE.md"
TRANSLATED = ("fr", "nl", "de")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class Shown(NamedTuple):
    """One catalog entry: its English msgid forms and the texts the program shows for it."""

    source: tuple[str, ...]
    texts: tuple[str, ...]


@cache
def shown(lang: str) -> tuple[Shown, ...]:
    """Every entry of the language's .po, translated through assistant.i18n (singular, plural)."""
    with (LOCALES / lang / "LC_MESSAGES" / "dossier.po").open("rb") as handle:
        entries = [m for m in read_po(handle, locale=lang, domain="dossier") if m.id]
    catalog = i18n.load_catalog(lang)
    result = []
    for message in entries:
        if isinstance(message.id, str):
            source: tuple[str, ...] = (message.id,)
            if message.context:
                texts: tuple[str, ...] = (catalog.pgettext(message.context, message.id),)
            else:
                texts = (catalog.gettext(message.id),)
        else:
            singular, plural = str(message.id[0]), str(message.id[1])
            source = (singular, plural)
            texts = (catalog.ngettext(singular, plural, 1), catalog.ngettext(singular, plural, 2))
        result.append(Shown(source, texts))
    return tuple(result)


def test_every_entry_is_looked_up_translated() -> None:
    # The checks below would pass on English text: make sure the program finds the translations.
    for lang in TRANSLATED:
        entries = shown(lang)
        assert len(entries) > 100
        untranslated = [e.source[0] for e in entries if e.texts[0] == e.source[0]]
        # Some entries are the same in every language ("OK", "{name}: {how}", "Document").
        assert len(untranslated) < len(entries) / 10, (lang, untranslated)


# --- §5 Words to avoid: the table of the style guide -------------------------------------------

AVOID_ROW = re.compile(r"^\| (fr|nl|de) \| `([^`]+)` \| (.+?) \| (.+?) \|$", re.MULTILINE)


@cache
def words_to_avoid() -> dict[str, tuple[tuple[str, str], ...]]:
    """Language -> (word, use instead) from the style guide's "Words to avoid" table."""
    text = STYLEGUIDE.read_text(encoding="utf-8")
    section = text.split("## 5. Words to avoid", 1)[1].split("\n## ", 1)[0]
    found: dict[str, list[tuple[str, str]]] = {lang: [] for lang in TRANSLATED}
    for lang, word, instead, _why in AVOID_ROW.findall(section):
        found[lang].append((word, instead))
    return {lang: tuple(words) for lang, words in found.items()}


def avoided_in(text: str, word: str) -> bool:
    """The word at the start of a word of the text, any case, any ending ("mutuelle" in
    "mutuelles", not "Rat:" in "Gemeinderat:")."""
    return re.search(r"(?<!\w)" + re.escape(word), text, re.IGNORECASE) is not None


def test_style_guide_lists_words_to_avoid_per_language() -> None:
    table = words_to_avoid()
    for lang in TRANSLATED:
        assert len(table[lang]) >= 5, lang
    assert ("consultation", '`accès` ("Chaque accès est enregistré")') in table["fr"]
    assert "Pflegeteam" in {word for word, _ in table["de"]}
    assert "slechte reactie" in {word for word, _ in table["nl"]}


def test_avoided_words_match_at_the_start_of_words() -> None:
    assert avoided_in("Et 2 consultations plus anciennes.", "consultation")
    assert avoided_in("Les cartes de mutuelle", "mutuelle")
    assert avoided_in("Je suis prête", "je suis prêt")
    assert not avoided_in("Fragen Sie den Gemeinderat: bitte", "Rat:")
    assert not avoided_in("Die Begleitperson", "Begleiter")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_word_to_avoid(lang: str) -> None:
    found = [
        (word, f"use {instead}", text)
        for entry in shown(lang)
        for text in entry.texts
        for word, instead in words_to_avoid()[lang]
        if avoided_in(text, word)
    ]
    assert found == []


# --- §3 One concept, one word (more terms than test_catalogs.TERMS) -----------------------------

#: English words in a msgid -> the words (any of them, lower case) each translation must use.
BELGIAN_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    r"\breader\b": {"fr": ("lecteur",), "nl": ("kaartlezer",), "de": ("kartenleser",)},
    r"\bidentity card\b": {
        "fr": ("carte d'identité",),
        "nl": ("identiteitskaart",),
        "de": ("personalausweis",),
    },
    r"\bhealth insurance\b": {
        "fr": ("mutualité",),
        "nl": ("ziekenfonds",),
        "de": ("krankenkasse",),
    },
    r"\bpharmacist\b": {"fr": ("pharmacien",), "nl": ("apotheker",), "de": ("apotheker",)},
    r"\b(mediator|helper)\b": {
        "fr": ("médiateur",),
        "nl": ("begeleider",),
        "de": ("begleitperson",),
    },
    r"\b(commune|town hall)\b": {"fr": ("commune",), "nl": ("gemeente",), "de": ("gemeinde",)},
    # "tries" as a noun ("The program never tries again" is the verb).
    r"\b(wrong tries|tries left|try left|no tries|\d+ tries|last try)\b": {
        "fr": ("essai",),
        "nl": ("poging",),
        "de": ("versuch",),
    },
    r"\bblocked\b": {"fr": ("bloqué",), "nl": ("geblokkeerd",), "de": ("gesperrt",)},
    r"\bconsent\b": {"fr": ("consentement",), "nl": ("toestemming",), "de": ("einverständnis",)},
    r"\bvaccines?\b": {"fr": ("vaccin",), "nl": ("vaccin",), "de": ("impfung",)},
    r"\bmedicines?\b": {"fr": ("médicament",), "nl": ("geneesmiddel",), "de": ("medikament",)},
    r"\bprescriptions?\b": {"fr": ("prescription",), "nl": ("voorschrift",), "de": ("rezept",)},
    r"\bkiosk\b": {"fr": ("borne",), "nl": ("kiosk",), "de": ("terminal",)},
    r"\bhealth service\b": {
        "fr": ("service de santé en ligne",),
        "nl": ("online gezondheidsdienst",),
        "de": ("online-gesundheitsdienst",),
    },
    r"\bPIN letter\b": {
        "fr": ("lettre du code pin",),
        "nl": ("pincodebrief",),
        "de": ("pin-brief",),
    },
    r"\bPUK\b": {"fr": ("code puk",), "nl": ("puk-code",), "de": ("puk",)},
    r"\b(my|your) phone\b": {"fr": ("téléphone",), "nl": ("gsm",), "de": ("handy",)},
    r"\b(contrast|strong colours)\b": {
        "fr": ("contraste",),
        "nl": ("contrast",),
        "de": ("kontrast",),
    },
    r"\bpractice card\b": {
        "fr": ("carte d'exercice",),
        "nl": ("oefenkaart",),
        "de": ("übungskarte",),
    },
    r"\bnational number\b": {
        "fr": ("numéro national",),
        "nl": ("rijksregisternummer",),
        "de": ("nationalregisternummer",),
    },
    r"\bcare team\b": {"fr": ("équipe de soins",), "nl": ("zorgteam",), "de": ("behandlungsteam",)},
    r"\bbad reactions?\b": {
        "fr": ("mauvaise",),
        "nl": ("bijwerking",),
        "de": ("nebenwirkung", "unverträglichkeit"),
    },
    r"\bplease wait\b": {
        "fr": ("veuillez patienter",),
        "nl": ("even geduld",),
        "de": ("bitte warten",),
    },
}


def test_term_patterns_find_their_msgids() -> None:
    # Each English pattern occurs in the catalogs, so each rule below really checks something.
    sources = " | ".join(" ".join(e.source) for e in shown("fr"))
    unused = [p for p in BELGIAN_TERMS if not re.search(p, sources, re.IGNORECASE)]
    assert unused == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_belgian_terms_used_consistently(lang: str) -> None:
    inconsistent = []
    for entry in shown(lang):
        source = PLACEHOLDER.sub("", " ".join(entry.source))  # {reader} is not a word
        text = " ".join(entry.texts).lower()
        for pattern, words in BELGIAN_TERMS.items():
            if re.search(pattern, source, re.IGNORECASE) and not any(
                w in text for w in words[lang]
            ):
                inconsistent.append((pattern, source, text))
    assert inconsistent == []


# --- §4 Formal address and gender-neutral forms -------------------------------------------------

INFORMAL = {
    "fr": re.compile(r"\b(tu|toi|ton|tes)\b", re.IGNORECASE),
    "nl": re.compile(r"\b(je|jij|jou|jouw|jullie)\b", re.IGNORECASE),
    "de": re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|euch|euer)\b", re.I),
}
IMPERSONAL = {
    "fr": re.compile(r"\bon\b", re.IGNORECASE),
    "nl": re.compile(r"\bmen\b", re.IGNORECASE),
    "de": re.compile(r"\bman\b", re.IGNORECASE),
}


def test_address_patterns() -> None:
    assert INFORMAL["fr"].search("Tu peux essayer")
    assert INFORMAL["nl"].search("Typ je pincode")
    assert INFORMAL["de"].search("Gib deine PIN ein")
    assert IMPERSONAL["fr"].search("On ne peut rien faire ici.")
    assert IMPERSONAL["nl"].search("Hier kan men niets doen.")
    assert IMPERSONAL["de"].search("Hier kann man nichts tun.")
    assert not IMPERSONAL["fr"].search("Vous ne pouvez rien faire ici.")
    assert not INFORMAL["nl"].search("Typ uw pincode.")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_formal_address_only(lang: str) -> None:
    informal = [t for e in shown(lang) for t in e.texts if INFORMAL[lang].search(t)]
    impersonal = [t for e in shown(lang) for t in e.texts if IMPERSONAL[lang].search(t)]
    assert informal == []
    assert impersonal == []


#: French words that agree with the person: "je suis prêt" is wrong for a woman. A form that
#: names both ("prêt ou prête") passes; words agreeing with a thing ("le lecteur est prêt") too.
MASCULINE_ONLY = re.compile(
    r"\b(je suis|je ne suis pas|vous êtes|êtes-vous|vous n'êtes pas|n'êtes-vous pas)\s+"
    r"(?:\w+\s+)?(prêt|sûr|certain|seul|perdu|obligé|inscrit|né|connecté|fatigué)\b(?!\s+ou\b)",
    re.IGNORECASE,
)
#: Brackets or dots for the feminine ("Né(e)", "prêt·e"): Easy Read readers stumble on them.
BRACKETED_FEMININE = re.compile(r"\w(\((e|es|s)\)|·e)", re.IGNORECASE)


def test_gender_patterns() -> None:
    assert MASCULINE_ONLY.search("Je suis prêt à taper mon code PIN")
    assert MASCULINE_ONLY.search("Êtes-vous sûr de votre code PIN ?")
    assert MASCULINE_ONLY.search("Appuyez quand vous êtes prêt.")
    assert MASCULINE_ONLY.search("Vous n'êtes pas encore inscrit.")
    assert not MASCULINE_ONLY.search("Votre lecteur de carte est prêt.")
    assert not MASCULINE_ONLY.search("Gardez-la dans un endroit sûr.")
    assert not MASCULINE_ONLY.search("Êtes-vous prêt ou prête ?")
    assert BRACKETED_FEMININE.search("Né(e) le 3 mars")
    assert not BRACKETED_FEMININE.search("Image : la lettre (PIN)")


def test_french_is_gender_neutral_for_the_patient() -> None:
    found = [
        t
        for e in shown("fr")
        for t in e.texts
        if MASCULINE_ONLY.search(t) or BRACKETED_FEMININE.search(t)
    ]
    assert found == []


# --- Placeholders as the program uses them -----------------------------------------------------


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_survive_compilation(lang: str) -> None:
    wrong = []
    for entry in shown(lang):
        expected = set(PLACEHOLDER.findall(" ".join(entry.source)))
        for text in entry.texts:
            names = {p.strip("{}").split(":")[0].split("!")[0] for p in expected}
            if not set(PLACEHOLDER.findall(text)) <= expected:
                wrong.append((entry.source[0], text))
            text.format(**dict.fromkeys(names, 1))
        # The plural (or only) form keeps every placeholder: the number and the names.
        if set(PLACEHOLDER.findall(entry.texts[-1])) != set(PLACEHOLDER.findall(entry.source[-1])):
            wrong.append((entry.source[0], entry.texts[-1]))
    assert wrong == []


# --- Issue 14 point 11: the wording found by reading the catalogs ------------------------------


class Fixed(NamedTuple):
    lang: str
    msgid: str
    must_have: str
    must_not_have: str


ISSUE_14 = (
    Fixed("de", "Is this you?", "Sind Sie das?", "Sind das Sie"),
    Fixed("de", "Is this you? Look at the name and the photo.", "Sind Sie das?", "Sind das Sie"),
    Fixed("de", "A member of your care team", "Behandlungsteam", "Pflege"),
    Fixed("de", "Advice: {text}", "Tipp:", "Rat:"),
    Fixed("fr", "Yes, I type my code", "je tape", "prêt"),
    Fixed(
        "fr",
        "If the code is wrong again, your card is blocked. Do you want to type your PIN code now?",
        "bloquée",
        "sûr",
    ),
    Fixed(
        "fr",
        "Only a care provider who treats you may look. Each access is written down.",
        "Chaque accès est enregistré",
        "consultation",
    ),
    Fixed(
        "fr",
        "You do not have to repeat your story or do the same tests again.",
        "n'avez pas besoin",
        "ne devez pas",
    ),
    Fixed(
        "fr",
        "Turn away from the screen and the keypad until the patient is done.",
        "Détournez-vous de l'écran",
        "Tournez-vous",
    ),
    Fixed("fr", "The chip goes in first. The chip is facing up.", "vers le haut", "au-dessus"),
    Fixed("fr", "Contrast is on.", "Contraste activé", "allum"),
    Fixed("fr", "Please wait. The document is opening.", "Veuillez patienter.", "Patientez"),
    Fixed("fr", "Opening your health record. Please wait.", "Veuillez patienter.", "Patientez"),
    Fixed("fr", "Care providers who treat you", "soignants", "vous soignent"),
    Fixed(
        "fr",
        "The PIN code was wrong 3 times. Go to your commune with your card and the PUK code "
        "from your PIN letter. The commune can unblock the card.",
        "Vous avez tapé 3 fois un mauvais code",
        "a été faux",
    ),
    Fixed("nl", "Allergies and bad reactions", "Allergieën en bijwerkingen", "slechte"),
    Fixed(
        "nl",
        "Make the text bigger. Press again to go back to normal.",
        "normale grootte",
        "terug te gaan naar normaal",
    ),
)


@pytest.mark.parametrize("fixed", ISSUE_14, ids=lambda f: f"{f.lang}:{f.msgid[:30]}")
def test_issue_14_wording_stays_fixed(fixed: Fixed) -> None:
    sources = {e.source[0] for e in shown(fixed.lang)}
    assert fixed.msgid in sources, "the msgid changed: update this list with the new one"
    text = i18n.translate_in(fixed.lang, fixed.msgid)
    assert fixed.must_have in text
    assert fixed.must_not_have not in text
