"""Where the official patient portal is, in each language (one service, four addresses).

The federal portal (FPS Public Health) is called MaSanté, Mijngezondheid, MeineGesundheit and
MyHealth; citizens log in there with their eID card and PIN, or with itsme.
"""

from __future__ import annotations

from assistant.i18n import current_language

#: The official patient portal, by language code.
PORTAL_URLS: dict[str, str] = {
    "fr": "https://www.masante.belgique.be",
    "nl": "https://www.mijngezondheid.belgie.be",
    "de": "https://www.meinegesundheit.belgien.be",
    "en": "https://www.myhealth.belgium.be",
}

#: The portal's own name, by language code (it is a name: not translated by the catalogs).
PORTAL_NAMES: dict[str, str] = {
    "fr": "MaSanté",
    "nl": "Mijngezondheid",
    "de": "MeineGesundheit",
    "en": "MyHealth",
}


def portal_url(language: str | None = None) -> str:
    """The portal's address in ``language`` (default: the current one; English otherwise)."""
    code = language or current_language()
    return PORTAL_URLS.get(code, PORTAL_URLS["en"])


def portal_name(language: str | None = None) -> str:
    code = language or current_language()
    return PORTAL_NAMES.get(code, PORTAL_NAMES["en"])
