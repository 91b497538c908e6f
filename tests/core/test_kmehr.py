"""KMEHR reader: every fixture, counts checked against an independent ElementTree walk,
posology details, suspensions, not-permitted values and hostile XML."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from datetime import date, time
from pathlib import Path

import pytest

from assistant.errors import BadDataError, ProblemKind
from assistant.records.kmehr import record_from_kmehr
from assistant.records.model import (
    AllergyKind,
    DayPeriod,
    ItemSource,
    Medication,
    MedicationStatus,
    ProblemCategory,
    ProblemStatus,
    Record,
    RelationKind,
    SourceKind,
    TimeUnit,
    UnreadableReason,
    Weekday,
)
from tests.support.fixtures import KMEHR_SCHEMES, SUMEHR, kmehr_scheme_files

SCHEMES = KMEHR_SCHEMES
K = "{http://www.ehealth.fgov.be/standards/kmehr/schema/v1}"

SCHEME_FILES = kmehr_scheme_files()
SOURCE = ItemSource(SourceKind.KMEHR_FILE, "test")


def read(path: Path) -> Record:
    return record_from_kmehr(path.read_bytes(), ItemSource(SourceKind.KMEHR_FILE, path.name))


def by_name(record: Record) -> dict[str, Medication]:
    return {m.name: m for m in record.medications}


def independent_medication_items(path: Path) -> list[ET.Element]:
    """Medication items of scheme elements (or of a Sumehr), found with plain ElementTree."""
    root = ET.parse(path).getroot()
    out = []
    for tr in root.iter(K + "transaction"):
        kind = tr.find(K + "cd").text
        if kind not in ("medicationschemeelement", "sumehr"):
            continue
        for item in tr.findall(K + "item"):
            if item.find(K + "cd").text == "medication":
                out.append(item)
    return out


def test_fixture_folder_has_the_20_schemes() -> None:
    assert len(SCHEME_FILES) == 20


@pytest.mark.parametrize("path", SCHEME_FILES, ids=lambda p: p.stem)
def test_every_scheme_opens_with_every_medication(path: Path) -> None:
    record = read(path)
    expected = independent_medication_items(path)
    assert len(record.medications) == len(expected)
    assert record.patient is not None and record.patient.national_number
    for med in record.medications:
        assert med.source is not None and med.source.kind is SourceKind.KMEHR_FILE
        assert med.name, f"a medication of {path.name} has no name"
    # a CNK on the item is kept as a coding
    cnk = {
        c.text.strip()
        for item in expected
        for c in item.iter(K + "intendedcd")
        if c.get("S") == "CD-DRUG-CNK"
    }
    found = {c.code for m in record.medications for c in m.codings}
    assert cnk <= found


def test_ts02_posologies() -> None:
    meds = by_name(read(SCHEMES / "TS-02-posologies.xml"))
    assert meds["Drug n°1"].posology_text == "Free text posology"
    assert meds["Drug n°1"].frequency is None
    assert meds["Drug n°2"].frequency is not None
    assert (meds["Drug n°2"].frequency.every, meds["Drug n°2"].frequency.unit) == (1, TimeUnit.DAY)
    # "UZ": every 6 hours, one shot, as written
    d3 = meds["Drug n°3"]
    assert d3.frequency is not None and (d3.frequency.every, d3.frequency.unit) == (
        6,
        TimeUnit.HOUR,
    )
    assert d3.temporality is not None and d3.temporality.code == "oneshot"
    # an exact time of day
    d5 = meds["Drug n°5"]
    assert [t.time_of_day for t in d5.posology] == [time(7, 59)]
    assert d5.posology[0].quantity == 2
    assert all(m.prescriber == "Donald Duck" for m in meds.values())  # the element's author
    # a weekday regimen in teaspoons (administration unit 00001)
    d9 = meds["Drug n°9"]
    assert [(t.weekday, t.period, t.quantity) for t in d9.posology] == [
        (Weekday.FRIDAY, DayPeriod.BEFORE_BREAKFAST, 2)
    ]
    assert d9.administration_unit is not None and d9.administration_unit.code == "00001"
    # several intakes a day
    d10 = meds["Drug n°10"]
    assert len(d10.posology) >= 3
    assert all(t.time_of_day is not None for t in d10.posology)
    d14 = meds["Drug n°14"]
    assert [(t.weekday, t.quantity) for t in d14.posology] == [
        (Weekday.TUESDAY, 2.5),
        (Weekday.FRIDAY, 2),
    ]
    assert d14.frequency is not None and d14.frequency.unit is TimeUnit.WEEK


def test_ts04_day_periods_in_a_treatment_cycle() -> None:
    (med,) = read(SCHEMES / "TS-04-CD-DAYPERIOD.xml").medications
    assert [(t.day_number, t.period) for t in med.posology] == [
        (1, DayPeriod.AFTER_BREAKFAST),
        (2, DayPeriod.AFTER_DINNER),
        (3, DayPeriod.AFTER_LUNCH),
        (4, DayPeriod.BEFORE_BREAKFAST),
        (5, DayPeriod.BEFORE_DINNER),
        (6, DayPeriod.BEFORE_LUNCH),
        (7, DayPeriod.BETWEEN_BREAKFAST_AND_LUNCH),
        (8, DayPeriod.BETWEEN_LUNCH_AND_DINNER),
        (9, DayPeriod.BETWEEN_DINNER_AND_SLEEP),
        (10, DayPeriod.DURING_BREAKFAST),
        (11, DayPeriod.DURING_DINNER),
        (12, DayPeriod.DURING_LUNCH),
        (13, DayPeriod.MORNING),
        (14, DayPeriod.BEDTIME),
    ]
    assert all(t.quantity == 1 for t in med.posology)
    assert med.frequency is not None and (med.frequency.every, med.frequency.unit) == (
        3,
        TimeUnit.MONTH,
    )


def test_ts06_periodicities_match_the_codes() -> None:
    record = read(SCHEMES / "TS-06-CD-PERIODICITY.xml")
    assert not record.unreadable
    expected = {
        "D": (1, TimeUnit.DAY),
        "O1": (2, TimeUnit.DAY),
        "DT": (2, TimeUnit.DAY),
        "DW": (12, TimeUnit.DAY),
        "UH": (0.5, TimeUnit.HOUR),
        "WT": (2, TimeUnit.WEEK),
        "WP": (24, TimeUnit.WEEK),
        "MC": (18, TimeUnit.MONTH),
        "MZ2": (6, TimeUnit.MONTH),
        "JH2": (0.5, TimeUnit.YEAR),
        "J": (1, TimeUnit.YEAR),
    }
    seen = {}
    for med in record.medications:
        assert med.frequency is not None and med.frequency.coding is not None
        seen[med.frequency.coding.code] = (med.frequency.every, med.frequency.unit)
    assert len(seen) == 52
    for code, value in expected.items():
        assert seen[code] == value, code


def test_ts08_suspensions_are_attached_to_their_medication() -> None:
    path = SCHEMES / "TS-08-THERAPEUTIC_SUSPENSIONS.xml"
    record = read(path)
    # independent count of suspension transactions
    root = ET.parse(path).getroot()
    n_suspensions = sum(
        1 for tr in root.iter(K + "transaction") if tr.find(K + "cd").text == "treatmentsuspension"
    )
    assert sum(len(m.suspensions) for m in record.medications) == n_suspensions
    meds = by_name(record)
    d1 = meds["Drug 001"]
    assert [(s.begin, s.end, s.stopped) for s in d1.suspensions] == [
        (date(2022, 7, 4), date(2022, 7, 5), False),
        (date(2022, 7, 7), date(2022, 7, 8), False),
        (date(2022, 7, 10), date(2022, 7, 11), False),
    ]
    assert d1.suspensions[0].reason == "Temporary suspension"
    assert d1.status_on(date(2022, 7, 4)) is MedicationStatus.SUSPENDED
    assert d1.status_on(date(2022, 7, 6)) is MedicationStatus.ACTIVE
    stopped = [m for m in record.medications if any(s.stopped for s in m.suspensions)]
    assert stopped, "TS-08 holds definitive stops"
    for med in stopped:
        s = next(s for s in med.suspensions if s.stopped)
        assert s.begin is not None
        assert med.status_on(date(2099, 1, 1)) is MedicationStatus.STOPPED


def test_ts13_durations() -> None:
    meds = by_name(read(SCHEMES / "TS-13-duration.xml"))
    assert meds["Drug 0002"].duration is not None
    assert (meds["Drug 0002"].duration.value, meds["Drug 0002"].duration.unit) == (5, TimeUnit.YEAR)
    assert (meds["Drug 0003"].duration.value, meds["Drug 0003"].duration.unit) == (5, TimeUnit.DAY)
    assert (meds["Drug 0011"].duration.value, meds["Drug 0011"].duration.unit) == (5, TimeUnit.WEEK)
    # seconds are expressed in minutes
    d9 = meds["Drug 0009"].duration
    assert d9 is not None and d9.unit is TimeUnit.MINUTE and d9.value == pytest.approx(5 / 60)


def test_ts16_not_permitted_values_keep_the_medications() -> None:
    path = SCHEMES / "TS-16-NOT-PERMITTED-VALUES.xml"
    record = read(path)
    assert len(record.medications) == len(independent_medication_items(path)) == 2
    assert {m.name for m in record.medications} == {
        "Pantomed 40 mg (PI Pharma) maagsapresist. tabl. 56",
        "Paracetamol Accord 500 mg comp. 20",
    }
    reasons = {u.reason for u in record.unreadable}
    assert reasons == {UnreadableReason.NOT_PERMITTED_VALUE}
    assert len(record.unreadable) == 2
    for part in record.unreadable:
        assert part.kind is ProblemKind.BAD_DATA
        assert part.raw  # what we received, to show as-is
        assert part.source is not None and part.source.label == path.name
    # the suspension itself is still applied
    pantomed = by_name(record)["Pantomed 40 mg (PI Pharma) maagsapresist. tabl. 56"]
    assert [(s.begin, s.stopped) for s in pantomed.suspensions] == [(date(2027, 1, 1), True)]


def test_ts11_unexpected_values_are_reported_per_medication() -> None:
    path = SCHEMES / "TS-11-Unexpected_Scenarios.xml"
    record = read(path)
    assert len(record.medications) == len(independent_medication_items(path)) == 21
    whys = " / ".join(u.why for u in record.unreadable)
    for expected in (
        "weekday used with a frequency in days",
        "day number is higher than the frequency in days",
        "date used with a frequency in weeks",
        "weekday used without a frequency",
        "quantity has more than 4 digits",
        "more than 5 suspensions",
        "end date and duration are both given",
        "quantity is 0 or less",
        "quantity has trailing zeros",
        "instructions are longer than 340 characters",
        "differs from the medication line",
        "suspended without an end date",
    ):
        assert expected in whys
    assert all(u.reason is not UnreadableReason.MALFORMED for u in record.unreadable)


def test_valid_schemes_report_nothing_unreadable() -> None:
    for name in (
        "TS-03-CD-ADMINISTRATIONUNIT",
        "TS-05-CD-DRUG-ROUTE",
        "TS-07-BEGIN_END_CONDITIONS",
    ):
        assert read(SCHEMES / f"{name}.xml").unreadable == [], name


def test_begin_end_conditions_and_medication_use() -> None:
    path = SCHEMES / "TS-07-BEGIN_END_CONDITIONS.xml"
    texts = [c.text for c in ET.parse(path).getroot().iter(K + "cd") if c.get("S") == "CD-ITEM-MS"]
    meds = read(path).medications
    assert sum(1 for m in meds if m.begin_condition) == texts.count("begincondition") > 0
    assert sum(1 for m in meds if m.end_condition) == texts.count("endcondition") > 0
    assert "Begin condition 003" in {m.begin_condition for m in meds}
    uses = [m.use for m in read(SCHEMES / "TS-15-medicationuse.xml").medications]
    assert uses == ["", "For stomachache"]


def test_routes_are_kept() -> None:
    record = read(SCHEMES / "TS-05-CD-DRUG-ROUTE.xml")
    routes = {m.route.code for m in record.medications if m.route is not None}
    assert len(routes) == 49
    assert {"00001", "both_eyes", "transdermal"} <= routes


def test_sumehr_example() -> None:
    record = read(SUMEHR / "sumehr_example.kmehr")
    patient = record.patient
    assert patient is not None
    assert (patient.given_names, patient.surname, patient.sex) == ("JAN", "JANSSENS", "M")
    assert patient.birth_date == date(1949, 11, 20)
    problems = [p for p in record.problems if p.category is ProblemCategory.PROBLEM]
    assert len(problems) == 6
    risks = [p for p in record.problems if p.category is not ProblemCategory.PROBLEM]
    assert len(risks) == 3
    brill = next(p for p in problems if p.name == "Brill-Symmers")
    assert brill.status is ProblemStatus.INACTIVE
    assert (brill.onset, brill.end) == (date(1980, 5, 12), date(1985, 12, 31))
    assert {c.code for c in brill.codings} >= {"B72", "C82.9"}
    assert len(record.medications) == 4
    medrol = next(m for m in record.medications if m.name.startswith("MEDROL"))
    assert medrol.name == "MEDROL COMP 20X32MG"
    assert medrol.codings[0].code == "0895540"
    assert [(t.period, t.quantity) for t in medrol.posology] == [(DayPeriod.AFTER_BREAKFAST, 0.5)]
    assert len(record.vaccinations) == 5
    havrix = [v for v in record.vaccinations if v.vaccine.startswith("HAVRIX")]
    assert [v.note for v in havrix] == ["First injection", "Second injection", "Third injection"]
    assert havrix[0].target_diseases == ("hepatitisa", "hepatitisb")
    kinds = sorted(a.kind.value for a in record.allergies)
    assert kinds == sorted([AllergyKind.ADVERSE_DRUG_REACTION.value, AllergyKind.ALLERGY.value])
    adr = next(a for a in record.allergies if a.kind is AllergyKind.ADVERSE_DRUG_REACTION)
    assert adr.substance == "Intolerance to paracetamol"
    gmd = [r for r in record.relations if r.kind is RelationKind.GMD_HOLDER]
    assert [r.name for r in gmd] == ["Leonard McCoy"]
    contact = next(r for r in record.relations if r.kind is RelationKind.CONTACT_PERSON)
    assert contact.role == "father" and "0152222222" in contact.telecom
    assert record.unreadable == []
    codings = {(c.system, c.code) for c in record.all_codings()}
    assert ("http://hl7.org/fhir/sid/icpc-2", "K77") in codings


def test_sumehr_100_has_100_times_the_items() -> None:
    one = read(SUMEHR / "sumehr_example.kmehr").counts()
    hundred = read(SUMEHR / "sumehr_example100.kmehr").counts()
    for section in ("medications", "vaccinations", "allergies", "problems"):
        assert hundred[section] == 100 * one[section]


# ----------------------------------------------------------------------------- hostile input

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE kmehrmessage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<kmehrmessage xmlns="http://www.ehealth.fgov.be/standards/kmehr/schema/v1">&xxe;</kmehrmessage>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<kmehrmessage>&lol9;</kmehrmessage>"""


@pytest.mark.parametrize("data", [XXE, LAUGHS], ids=["external-entity", "billion-laughs"])
def test_entities_are_refused(data: bytes) -> None:
    with pytest.raises(BadDataError) as info:
        record_from_kmehr(data, SOURCE)
    assert info.value.kind is ProblemKind.BAD_DATA
    assert "passwd" not in str(info.value)


def test_truncated_xml_is_bad_data() -> None:
    data = (SUMEHR / "sumehr_example.kmehr").read_bytes()
    with pytest.raises(BadDataError, match="not well-formed"):
        record_from_kmehr(data[: len(data) // 2], SOURCE)


def test_wrong_root_is_bad_data() -> None:
    with pytest.raises(BadDataError, match="not a KMEHR message"):
        record_from_kmehr(b"<html><body>hello</body></html>", SOURCE)


def test_an_unknown_transaction_with_text_becomes_a_document() -> None:
    data = f"""<kmehrmessage xmlns="{K[1:-1]}"><folder>
      <transaction><id S="ID-KMEHR" SV="1.0">1</id><cd S="CD-TRANSACTION" SV="1">note</cd>
        <date>2020-01-02</date><time>10:00:00</time>
        <author><hcparty><firstname>Ann</firstname><familyname>Peeters</familyname></hcparty></author>
        <item><id S="ID-KMEHR" SV="1.0">1</id><cd S="CD-ITEM" SV="1">note</cd>
          <content><text L="en">Come back in two weeks.</text></content></item>
      </transaction>
      <transaction><id S="ID-KMEHR" SV="1.0">2</id><cd S="CD-TRANSACTION" SV="1">empty</cd>
      </transaction></folder></kmehrmessage>""".encode()
    record = record_from_kmehr(data, SOURCE)
    (doc,) = record.documents
    assert doc.content == b"Come back in two weeks."
    assert doc.author == "Ann Peeters" and doc.kind == "note"
    (part,) = record.unreadable
    assert part.reason is UnreadableReason.UNSUPPORTED and "empty" in part.why


def test_bad_values_inside_a_medication_keep_the_medication() -> None:
    data = f"""<kmehrmessage xmlns="{K[1:-1]}"><folder>
      <transaction><id S="ID-KMEHR" SV="1.0">2</id>
        <cd S="CD-TRANSACTION" SV="1.4">medicationschemeelement</cd>
        <item><id S="ID-KMEHR" SV="1.0">1</id><cd S="CD-ITEM" SV="1.4">medication</cd>
          <content><medicinalproduct><intendedcd S="CD-DRUG-CNK" SV="1">12</intendedcd>
            <intendedname>Odd pill</intendedname></medicinalproduct></content>
          <beginmoment><date>2020-13-45</date></beginmoment>
          <frequency><periodicity><cd S="CD-PERIODICITY" SV="1">QQ</cd></periodicity></frequency>
          <regimen><daytime><dayperiod><cd S="CD-DAYPERIOD" SV="1">teatime</cd></dayperiod>
            </daytime><quantity><decimal>abc</decimal></quantity></regimen>
        </item></transaction></folder></kmehrmessage>""".encode()
    record = record_from_kmehr(data, SOURCE)
    (med,) = record.medications
    assert med.name == "Odd pill" and med.begin is None and med.frequency is None
    whys = " / ".join(u.why for u in record.unreadable)
    assert "CNK code is not 7 digits" in whys
    assert "beginmoment" in whys
    assert "periodicity code not permitted" in whys
    assert "day period not permitted" in whys
    assert "not a number" in whys


def test_a_multimedia_link_becomes_a_document() -> None:
    pdf = base64.b64encode(b"%PDF-1.4 report").decode()
    data = f"""<kmehrmessage xmlns="{K[1:-1]}"><folder>
      <transaction><id S="ID-KMEHR" SV="1.0">1</id><cd S="CD-TRANSACTION" SV="1">result</cd>
        <date>2021-05-06</date>
        <lnk TYPE="multimedia" MEDIATYPE="application/pdf">{pdf[:10]}
        {pdf[10:]}</lnk>
        <lnk TYPE="multimedia" MEDIATYPE="application/pdf">***</lnk>
      </transaction></folder></kmehrmessage>""".encode()
    record = record_from_kmehr(data, SOURCE)
    (doc,) = record.documents
    assert (doc.content_type, doc.content, doc.kind) == (
        "application/pdf",
        b"%PDF-1.4 report",
        "result",
    )
    assert doc.date is not None and doc.date.date() == date(2021, 5, 6)
    (part,) = record.unreadable
    assert part.why == "attached file is not base64"


def test_substance_products_name_their_active_ingredient() -> None:
    path = SCHEMES / "TS-01-identifiers.xml"
    expected = [
        p.find(K + "intendedname").text
        for p in ET.parse(path).getroot().iter(K + "substanceproduct")
    ]
    meds = read(path).medications
    assert len(expected) >= 2
    assert [m.active_ingredient for m in meds if m.kind == "substanceproduct"] == expected
    assert "simvastatine 40 mg tablet (or.)" in expected
    assert all(not m.active_ingredient for m in meds if m.kind == "medicinalproduct")
