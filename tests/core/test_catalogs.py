"""Translation catalogs: complete, well-formed and consistent with the code and the style guide."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from assistant import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
TRANSLATED = ("fr", "nl", "de")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@cache
def extract_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("locales_extract", LOCALES / "extract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def template() -> Catalog:
    """The msgids used in assistant/ and ui/ right now."""
    catalog: Catalog = extract_module().build_template()
    return catalog


@cache
def catalog(lang: str) -> Catalog:
    with (LOCALES / lang / "LC_MESSAGES" / "dossier.po").open("rb") as handle:
        return read_po(handle, locale=lang, domain="dossier")


def key(message: Message) -> tuple[str | None, str]:
    ident = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, ident


def strings(message: Message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, tuple | list) else [value]


def ids(message: Message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


def test_extraction_finds_messages() -> None:
    # The UI and core have user-facing text; if extraction finds nothing, the test below
    # would pass vacuously.
    assert len([m for m in template() if m.id]) > 100


@pytest.mark.parametrize("lang", [*TRANSLATED, "en"])
def test_po_parses_with_plural_forms(lang: str) -> None:
    cat = catalog(lang)
    assert cat.locale is not None and str(cat.locale) == lang
    assert cat.num_plurals == 2
    assert not cat.fuzzy


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_msgid_in_code_is_translated(lang: str) -> None:
    cat = catalog(lang)
    translated = {key(m): m for m in cat if m.id}
    missing = []
    for message in template():
        if not message.id:
            continue
        found = translated.get(key(message))
        if found is None or found.fuzzy or not all(strings(found)):
            missing.append(message.id)
    assert missing == [], f"{len(missing)} msgids untranslated in {lang}: run locales/extract.py"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_fuzzy_or_empty_entries(lang: str) -> None:
    bad = [m.id for m in catalog(lang) if m.id and (m.fuzzy or not all(strings(m)))]
    assert bad == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_match(lang: str) -> None:
    wrong = []
    for message in catalog(lang):
        if not message.id:
            continue
        source = ids(message)
        expected = set(PLACEHOLDER.findall(" ".join(source)))
        texts = strings(message)
        for text in texts:
            # A singular form may drop {n} ("Every day"), but never invent a placeholder.
            if not set(PLACEHOLDER.findall(text)) <= expected:
                wrong.append((message.id, text))
        if set(PLACEHOLDER.findall(texts[-1])) != set(PLACEHOLDER.findall(source[-1])):
            wrong.append((message.id, texts[-1]))
        names = {p.strip("{}").split(":")[0].split("!")[0] for p in expected}
        for text in texts:
            text.format(**dict.fromkeys(names, 1))
    assert wrong == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plurals_have_both_forms(lang: str) -> None:
    for message in catalog(lang):
        if message.id and message.pluralizable:
            assert len(strings(message)) == 2, message.id


TERMS = {
    # English word in the msgid -> the one word each translation must use (style guide).
    "card reader": {"fr": "lecteur", "nl": "kaartlezer", "de": "kartenleser"},
    "PIN": {"fr": "pin", "nl": "pincode", "de": "pin"},
    "record": {"fr": "dossier", "nl": "dossier", "de": "akte"},
    "care provider": {"fr": "soignant", "nl": "zorgverlener", "de": "behandel"},
    "family doctor": {"fr": "médecin généraliste", "nl": "huisarts", "de": "hausarzt"},
    "commune": {"fr": "commune", "nl": "gemeente", "de": "gemeinde"},
}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_one_word_per_concept(lang: str) -> None:
    inconsistent = []
    for message in catalog(lang):
        if not message.id:
            continue
        source = " ".join(ids(message))
        for english, words in TERMS.items():
            if re.search(rf"\b{re.escape(english)}\b", source):
                text = " ".join(strings(message)).lower()
                if words[lang] not in text:
                    inconsistent.append((english, source, text))
    assert inconsistent == []


def test_program_translates_through_the_catalogs() -> None:
    before = i18n.current_language()
    try:
        for lang in TRANSLATED:
            i18n.reload_catalogs()
            i18n.set_language(lang)
            for message in list(template())[1:40]:
                if message.id and isinstance(message.id, str) and not message.context:
                    assert i18n._(message.id) == catalog(lang)[message.id].string
    finally:
        i18n.set_language(before)


def test_compile_writes_mo_files(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "locales"
    shutil.copytree(LOCALES, copy, ignore=shutil.ignore_patterns("*.mo", "glossary"))
    result = subprocess.run(
        [sys.executable, str(copy / "compile.py")], capture_output=True, text=True, check=True
    )
    assert "compiled 4 catalogs" in result.stdout
    for lang in (*TRANSLATED, "en"):
        assert (copy / lang / "LC_MESSAGES" / "dossier.mo").stat().st_size > 1000


def module_level_translations(source: str) -> list[int]:
    """Lines where _() / ngettext() runs at import time (the text would stay in one language)."""
    import ast

    lines: list[int] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if (
                not in_function
                and isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id in {"_", "ngettext", "pgettext"}
            ):
                lines.append(child.lineno)
            visit(child, inside)

    visit(ast.parse(source), False)
    return lines


def test_module_level_translation_is_detected() -> None:
    assert module_level_translations('X = _("Hello")\ndef f():\n    return _("Hi")\n') == [1]
    assert module_level_translations('class A:\n    T = ngettext("a", "b", 2)\n') == [2]
    assert module_level_translations('X = N_("Hello")\nf = lambda: _("x")\n') == []


def test_no_translation_at_import_time() -> None:
    # Texts translated at import stay in the first language: mark them with N_ instead.
    offenders = []
    for folder in ("assistant", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line in module_level_translations(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == []
