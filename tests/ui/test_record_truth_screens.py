"""What the record says about a vaccine that was not given, an allergy that was ruled out and a
part that could not be read is on the screen, as it is on paper."""

from __future__ import annotations

import copy

from pytestqt.qtbot import QtBot

from assistant.records.fhir_map import record_from_fhir
from assistant.records.files import open_record_file
from assistant.records.model import ItemSource, Record, SourceKind
from tests.support.fixtures import MORE, read_json
from tests.support.record_home import make_home
from ui.record.page import ItemCard


def card_texts(qtbot: QtBot, record: Record, page: str) -> list[str]:
    home = make_home(qtbot, record, open_file_dialog=lambda _w: None)
    home.open_page(page)
    assert home.page is not None
    home.page.finish_building()
    return [
        " | ".join([card.title, *(line.text() for line in card.lines)])
        for card in home.page.findChildren(ItemCard)
    ]


def test_refused_vaccine_reads_not_given_on_screen(qtbot: QtBot) -> None:
    record = open_record_file(MORE / "fhir-old" / "fhir170-immunization-example-refused.json")
    (text,) = card_texts(qtbot, record, "vaccines")
    assert "Not given" in text and "medical precaution" in text
    assert "Given on" not in text


def test_refuted_allergy_reads_ruled_out_and_not_dangerous(qtbot: QtBot) -> None:
    allergy = copy.deepcopy(read_json(MORE / "fhir-r4" / "r4-allergyintolerance-example.json"))
    allergy["verificationStatus"] = {"coding": [{"code": "refuted"}]}
    del allergy["clinicalStatus"]
    record = record_from_fhir([allergy], ItemSource(SourceKind.FHIR_FILE, "a.json"))
    texts = card_texts(qtbot, record, "allergies")
    allergy_card = next(t for t in texts if t.startswith("Cashew nuts"))
    assert "you do not have this allergy" in allergy_card
    assert "dangerous" not in allergy_card


def test_parts_of_another_version_are_on_the_unreadable_page(qtbot: QtBot) -> None:
    path = MORE / "fhir-old" / "fhir170-immunization-example.json"
    texts = card_texts(qtbot, open_record_file(path), "unreadable")
    assert any("another version" in t and "vaccinationProtocol" in t for t in texts)


def test_medicines_page_says_change_nothing_on_screen_and_aloud(qtbot: QtBot) -> None:
    from tests.support.records import demo_record

    record = demo_record("adult")
    home = make_home(qtbot, record, open_file_dialog=lambda _w: None)
    home.open_page("medicines")
    assert home.page is not None
    spoken = home.page.speech_text()
    assert spoken.count("Change nothing without your doctor or pharmacist.") >= 2
    assert "According to your record" in spoken
    titles = [c.title for c in home.page.findChildren(ItemCard)]
    assert not any(t.endswith((" tabl. 98", " tabl. 56", " caps. 28")) for t in titles)


def test_home_tile_counts_health_problems(qtbot: QtBot) -> None:
    from ui.record.home import tile_text

    record = open_record_file(MORE / "fhir-old" / "fhir170-condition-example-f201-fever.json")
    assert "1 health problem" in tile_text("allergies", record)[1]
