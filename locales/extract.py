"""Extract msgids from assistant/ and ui/ into locales/dossier.pot and update fr/nl/de/en .po.

Run from anywhere: ``python locales/extract.py``. Existing translations are kept; new msgids
are added empty; msgids no longer in the code are dropped. Prints what still needs translating.
Entries are grouped by source file, without line numbers, so that moving code or adding a text
in one module changes only that module's entries (and branches merge cleanly).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
DOMAIN = "dossier"
LANGUAGES = ("fr", "nl", "de", "en")
SOURCE_DIRS = ("assistant", "ui")
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def build_template() -> Catalog:
    """All translatable messages found in the source tree."""
    template = Catalog(
        project="Dossier Assistant",
        version="0.1",
        domain=DOMAIN,
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        charset="utf-8",
    )
    for folder in SOURCE_DIRS:
        base = ROOT / folder
        if not base.is_dir():
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            base,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            template.add(
                message,
                None,
                [(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def update_language(template: Catalog, lang: str) -> list[str]:
    """Merge the template into one language's .po; return the msgids still untranslated."""
    po_path = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    if po_path.exists():
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=DOMAIN)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, project="Dossier Assistant", version="0.1")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.revision_date = FIXED_DATE
    catalog.creation_date = FIXED_DATE
    catalog.fuzzy = False
    catalog.copyright_holder = "Dossier Assistant contributors"
    catalog.last_translator = "Dossier Assistant team"
    catalog.language_team = f"{lang} (Easy Read, see locales/STYLEGUIDE.md)"
    if lang == "en":
        for message in catalog:
            if message.id and not _translated(message.string):
                if isinstance(message.id, tuple | list):
                    message.string = tuple(message.id)
                else:
                    message.string = message.id
    with po_path.open("wb") as handle:
        write_po(
            handle,
            catalog,
            width=100,
            ignore_obsolete=True,
            include_previous=False,
            include_lineno=False,
            sort_by_file=True,
        )
    return [
        str(message.id)
        for message in catalog
        if message.id and (not _translated(message.string) or message.fuzzy)
    ]


def _translated(value: object) -> bool:
    if isinstance(value, tuple | list):
        return all(bool(part) for part in value)
    return bool(value)


def main() -> int:
    template = build_template()
    pot_path = LOCALES / f"{DOMAIN}.pot"
    with pot_path.open("wb") as handle:
        write_po(handle, template, width=100, include_lineno=False, sort_by_file=True)
    missing_total = 0
    for lang in LANGUAGES:
        missing = update_language(template, lang)
        missing_total += len(missing)
        sys.stdout.write(f"{lang}: {len(template)} messages, {len(missing)} to translate\n")
    return 0 if missing_total == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
