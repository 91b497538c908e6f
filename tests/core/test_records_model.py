"""The record model: counts, codings, merge, wipe, medication status over time."""

from __future__ import annotations

from datetime import date

from assistant.records.model import (
    Allergy,
    Coding,
    ConsentStatus,
    DoseTiming,
    Frequency,
    Interpretation,
    ItemSource,
    Medication,
    MedicationStatus,
    Patient,
    Problem,
    Record,
    ReferenceRange,
    SourceKind,
    Suspension,
    TimeUnit,
    UnreadablePart,
    Vaccination,
)

FILE = ItemSource(SourceKind.KMEHR_FILE, "scheme.xml")
HUB = ItemSource(SourceKind.HUB, "https://hub.example")


def sample(source: ItemSource = FILE) -> Record:
    return Record(
        patient=Patient(given_names="Jan", surname="Janssens", source=source),
        medications=[
            Medication(
                name="Medrol",
                codings=(Coding("cnk", "0895540"), Coding("atc", "H02AB04")),
                posology=(DoseTiming(quantity=1, unit_coding=Coding("unit", "00005")),),
                frequency=Frequency(1, TimeUnit.DAY, coding=Coding("CD-PERIODICITY", "D")),
                source=source.at("1"),
            )
        ],
        vaccinations=[Vaccination("Havrix", codings=(Coding("cnk", "1149939"),), source=source)],
        allergies=[Allergy("Penicillin", source=source)],
        problems=[Problem("Asthma", codings=(Coding("icpc", "R96"),), source=source)],
        consent=ConsentStatus(granted=True),
        unreadable=[UnreadablePart("transaction 3", "bad date", source=source)],
        sources=[source],
    )


def test_counts_and_codings() -> None:
    record = sample()
    counts = record.counts()
    assert counts["medications"] == 1 and counts["vaccinations"] == 1
    assert counts["unreadable"] == 1 and counts["documents"] == 0
    codes = [(c.system, c.code) for c in record.all_codings()]
    assert codes == [
        ("cnk", "0895540"),
        ("atc", "H02AB04"),
        ("unit", "00005"),
        ("CD-PERIODICITY", "D"),
        ("cnk", "1149939"),
        ("icpc", "R96"),
    ]
    assert not record.is_empty and Record().is_empty


def test_merge_keeps_both_sources_without_duplicates() -> None:
    files = sample(FILE)
    hub = sample(HUB)
    merged = files.merge(hub).merge(files)
    assert merged.counts()["medications"] == 2
    assert {m.source.kind for m in merged.medications if m.source} == {
        SourceKind.KMEHR_FILE,
        SourceKind.HUB,
    }
    assert merged.sources == [FILE, HUB]
    assert merged.patient == files.patient
    assert Record().merge(hub).patient == hub.patient
    # the inputs are untouched
    assert files.counts()["medications"] == 1


def test_wipe_forgets_everything_in_place() -> None:
    record = sample()
    medications = record.medications
    record.wipe()
    assert record.is_empty and record.patient is None and record.consent is None
    assert medications == [] and record.sources == []


def test_medication_status_on_a_day() -> None:
    med = Medication(
        name="Pill",
        begin=date(2024, 1, 1),
        end=date(2024, 12, 31),
        suspensions=(
            Suspension(begin=date(2024, 3, 1), end=date(2024, 3, 10)),
            Suspension(begin=date(2024, 6, 1), stopped=True),
        ),
    )
    assert med.status_on(date(2024, 2, 1)) is MedicationStatus.ACTIVE
    assert med.status_on(date(2024, 3, 5)) is MedicationStatus.SUSPENDED
    assert med.status_on(date(2024, 3, 11)) is MedicationStatus.ACTIVE
    assert med.status_on(date(2024, 7, 1)) is MedicationStatus.STOPPED
    assert med.status_on(date(2025, 1, 1)) is MedicationStatus.STOPPED


def test_reference_range() -> None:
    both = ReferenceRange(low=39.9, high=51.0)
    assert both.classify(47.6) is Interpretation.NORMAL
    assert both.classify(52) is Interpretation.HIGH and both.classify(30) is Interpretation.LOW
    assert ReferenceRange(high=10).classify(0.6) is Interpretation.NORMAL
    assert ReferenceRange(text="negative").classify(1) is Interpretation.UNKNOWN


def test_item_source_points_at_an_item() -> None:
    assert FILE.at("7/1") == ItemSource(SourceKind.KMEHR_FILE, "scheme.xml", "7/1")
    assert FILE.ref == ""
