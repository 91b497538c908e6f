"""Issue 13.10 and 13.11 on screen: text of the record in another language is shown as written,
labelled with its language, with that language set on its widget (WCAG 3.1.2) and read by Listen
as its own part; coded names in the patient's language with the original beside; the result
chart in the patient's number format, with its unit, a labelled reference band and a plain
title."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCharts import QAreaSeries, QValueAxis
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from assistant.records.model import ItemSource, Medication, Record, SourceKind
from tests.support.record_home import make_home
from tests.support.records import demo_record
from ui import theme
from ui.record.page import TEXT_LANGUAGE, ItemCard
from ui.record.results import TrendPage
from ui.speech import Speaker


@pytest.fixture(autouse=True)
def _french(qapp: QApplication) -> Iterator[None]:
    set_language("fr")
    theme.set_theme(theme.Theme(), qapp)
    yield
    set_language("en")


def _labels_in_other_languages(widget: object) -> list[QLabel]:
    assert isinstance(widget, QLabel) or hasattr(widget, "findChildren")
    return [w for w in widget.findChildren(QLabel) if w.property(TEXT_LANGUAGE)]  # type: ignore[union-attr]


def _record_with(med: Medication) -> Record:
    return Record(medications=[med])


def test_free_text_in_english_is_labelled_and_has_its_locale(qtbot: QtBot) -> None:
    source = ItemSource(SourceKind.FHIR_FILE, "f.json", "MedicationStatement/1")
    declared = Medication("Eliquis 5 mg", instructions="Never skip a dose.", source=source)
    guessed = Medication(
        "Dafalgan 1 g", posology_text="1 tablet if pain, up to 3 a day", source=source
    )
    home = make_home(qtbot, Record(medications=[declared, guessed]))
    home.open_page("medicines")
    page = home.page
    assert page is not None
    page.finish_building()
    cards = {c.title: c for c in page.findChildren(ItemCard)}
    for name, text in (("Eliquis 5 mg", "Never skip a dose."), ("Dafalgan 1 g", "1 tablet")):
        card = cards[name]
        texts = [label.text() for label in card.lines]
        intro = next(t for t in texts if t.startswith(("Conseil", "Écrit")))
        assert "anglais" in intro  # the patient is told the language, in French
        foreign = [w for w in _labels_in_other_languages(card) if w.text().startswith(text)]
        assert foreign, texts
        # WCAG 3.1.2: the part in another language has its language set.
        assert all(w.locale().language() == QLocale.Language.English for w in foreign)
        assert all(w.text() in (declared.instructions, guessed.posology_text) for w in foreign)
    parts = page.speech_parts()
    assert ("Never skip a dose.", "en") in parts
    assert any(lang == "" and "anglais" in text for text, lang in parts)
    assert "Never skip a dose." in page.speech_text()


def test_text_in_the_patients_own_language_has_no_label(qtbot: QtBot) -> None:
    source = ItemSource(SourceKind.FHIR_FILE, "f.json", "x", "fr-BE")
    med = Medication("Eliquis 5 mg", instructions="Ne jamais oublier une dose.", source=source)
    home = make_home(qtbot, Record(medications=[med]))
    home.open_page("medicines")
    assert home.page is not None
    home.page.finish_building()
    assert _labels_in_other_languages(home.page) == []
    assert "Conseil : Ne jamais oublier une dose." in home.page.speech_text()


def test_every_foreign_text_of_the_demo_adult_has_its_locale(qtbot: QtBot) -> None:
    """The accessibility check over a whole record: every label marked as another language
    carries that language as its locale (what screen readers read)."""
    home = make_home(qtbot, demo_record("adult"))
    marked = 0
    for key in ("medicines", "allergies", "vaccines", "results"):
        home.go_home()
        home.open_page(key)
        assert home.page is not None
        home.page.finish_building()
        for label in _labels_in_other_languages(home.page):
            marked += 1
            lang = str(label.property(TEXT_LANGUAGE))
            assert label.locale().name().startswith(lang) or QLocale(lang).language() == (
                label.locale().language()
            )
    assert marked >= 3  # "Never skip a dose.", "Take with a meal.", "1 tablet if pain..."


def test_coded_names_in_the_patients_language_with_the_original_beside(qtbot: QtBot) -> None:
    home = make_home(qtbot, demo_record("adult"))
    home.open_page("allergies")
    assert home.page is not None
    home.page.finish_building()
    titles = {c.title: c for c in home.page.findChildren(ItemCard)}
    assert "Penicillin" not in titles
    card = next(c for c in titles.values() if any("Penicillin" in x.text() for x in c.lines))
    texts = [x.text() for x in card.lines]
    assert "Dans votre dossier : Penicillin" in texts
    assert not any("Hives" in t and "Ce qui se passe" in t for t in texts)  # reaction coded


def test_speaker_reads_parts_each_in_its_language(qtbot: QtBot) -> None:
    set_language("en")  # the mock engine speaks English (and Nordic languages), not French
    speaker = Speaker(engine="mock")
    with qtbot.waitSignal(speaker.spoken, timeout=3000) as spoken:
        # A French text with no French voice: read by the program's voice, not dropped.
        message = speaker.say_parts([("Advice:", ""), ("Ne jamais oublier une dose.", "fr")])
    assert message is None
    assert spoken.args == ["Advice:\nNe jamais oublier une dose."]
    assert speaker.say_parts([("Hello", "")]) is None  # one language: an ordinary say


def test_result_chart_in_the_patients_number_format(qtbot: QtBot) -> None:
    record = demo_record("adult")
    home = make_home(qtbot, record)
    home.open_page("trend", "loinc:62238-1")  # eGFR (CKD-EPI)
    page = home.page
    assert isinstance(page, TrendPage)
    page.finish_building()
    assert "CKD-EPI" not in page.title() and "rein" in page.title().lower()
    chart = page.chart_view.chart()
    assert "CKD-EPI" not in chart.title()
    assert chart.localizeNumbers() and chart.locale().name() == "fr_BE"
    assert chart.locale().toString(1.5, "f", 1) == "1,5"
    y_axis = next(a for a in chart.axes() if isinstance(a, QValueAxis))
    assert "mL/min" in y_axis.titleText()
    band = next(s for s in chart.series() if isinstance(s, QAreaSeries))
    assert band.name() == "Valeurs de référence"
    assert band.lowerSeries() is not None and band.upperSeries() is not None
    # The table alternative stays, every row filled.
    table = page.table
    assert table.rowCount() == len(page.results) + 1
    assert all(table.item(r, 1) is not None for r in range(table.rowCount()))


def test_result_chart_in_dutch_has_a_decimal_comma(qtbot: QtBot) -> None:
    set_language("nl")
    home = make_home(qtbot, demo_record("adult"))
    home.open_page("trend", "loinc:4548-4")  # HbA1c: values with decimals
    page = home.page
    assert isinstance(page, TrendPage)
    page.finish_building()
    chart = page.chart_view.chart()
    assert chart.locale().name() == "nl_BE" and chart.locale().decimalPoint() == ","
    y_axis = next(a for a in chart.axes() if isinstance(a, QValueAxis))
    assert y_axis.labelFormat().endswith("f") and "%" in y_axis.titleText()
    assert any("," in page.table.item(r, 1).text() for r in range(1, page.table.rowCount()))
