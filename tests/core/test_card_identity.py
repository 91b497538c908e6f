"""Identity and address files: every tag, birth date forms, national number, document types."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.card.identity import (
    BirthDate,
    DocumentType,
    birth_date_from_national_number,
    national_number_valid,
    parse_address,
    parse_birth_date,
    parse_card_date,
    parse_identity,
)
from assistant.card.tlv import TlvField, encode_tlv
from assistant.errors import BadDataError


def _nn(yymmdd: str, serial: str, after_2000: bool = False) -> str:
    base = int(yymmdd + serial)
    check = 97 - ((2_000_000_000 + base if after_2000 else base) % 97)
    return f"{yymmdd}{serial}{check:02d}"


def identity_fields(**overrides: bytes | None) -> list[TlvField]:
    values: dict[int, bytes | None] = {
        0x01: b"592123456789",
        0x02: bytes.fromhex("534C494E33660012345678901234AB"),
        0x03: b"01.02.2020",
        0x04: b"01.02.2030",
        0x05: "Liège".encode(),
        0x06: _nn("850312", "123").encode(),
        0x07: b"Peeters-Dubois",
        0x08: b"Anne Marie",
        0x09: b"J",
        0x0A: b"Belg",
        0x0B: b"Namur",
        0x0C: "12 MÄR 1985".encode(),
        0x0D: b"F",
        0x0E: b"",
        0x0F: b"1",
        0x10: b"0",
        0x11: bytes(range(20)),
    }
    for key, value in overrides.items():
        values[int(key[1:], 16)] = value
    return [TlvField(tag, value) for tag, value in values.items() if value is not None]


def test_all_basic_tags_are_parsed() -> None:
    identity = parse_identity(encode_tlv(identity_fields()))
    assert identity.card_number == "592123456789"
    assert identity.chip_number == "534C494E33660012345678901234AB"
    assert identity.validity_start == date(2020, 2, 1)
    assert identity.validity_end == date(2030, 2, 1)
    assert identity.delivery_municipality == "Liège"
    assert identity.surname == "Peeters-Dubois"
    assert identity.first_names == "Anne Marie"
    assert identity.third_initial == "J"
    assert identity.nationality == "Belg"
    assert identity.birth_location == "Namur"
    assert identity.birth_date == BirthDate(1985, 3, 12)
    assert identity.sex == "F"
    assert identity.document_type is DocumentType.BELGIAN_CITIZEN
    assert identity.special_status == "0"
    assert identity.photo_hash == bytes(range(20))
    assert identity.unknown == {}
    assert identity.given_and_surname == "Anne Peeters-Dubois"


def test_newer_tags_are_typed_and_unknown_tags_kept() -> None:
    fields = identity_fields(x0F=b"11")
    fields += [
        TlvField(0x12, b"02"),
        TlvField(0x14, b""),
        TlvField(0x17, b"BE0123456789"),
        TlvField(0x19, b"R123"),
        TlvField(0x1A, b"\x01" * 32),
        TlvField(0x1F, b"03.04.2021"),
        TlvField(0x30, b"\xde\xad"),
        TlvField(0x99, "é".encode()),
    ]
    identity = parse_identity(encode_tlv(fields))
    assert identity.document_type is DocumentType.FOREIGNER_A
    assert identity.document_type.is_foreigner
    assert identity.duplicate == "02"
    assert identity.member_of_family is True
    assert identity.employer_vat_1 == "BE0123456789"
    assert identity.regional_file_number == "R123"
    assert identity.basic_key_hash == b"\x01" * 32
    assert identity.eu_start_date == date(2021, 4, 3)
    assert identity.unknown == {0x30: b"\xde\xad", 0x99: "é".encode()}


def test_repr_hides_personal_data() -> None:
    identity = parse_identity(encode_tlv(identity_fields()))
    text = repr(identity) + str(identity) + repr(identity.birth_date)
    for secret in ("Peeters", "Anne", "850312", "1985", "Namur"):
        assert secret not in text
    address = parse_address(encode_tlv([TlvField(1, b"Rue 1"), TlvField(3, b"Mons")]))
    assert "Rue" not in repr(address)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (b"1", DocumentType.BELGIAN_CITIZEN),
        (b"01", DocumentType.BELGIAN_CITIZEN),
        (b"6", DocumentType.KIDS),
        (b"12", DocumentType.FOREIGNER_B),
        (b"15", DocumentType.FOREIGNER_E),
        (b"19", DocumentType.FOREIGNER_H),
        (b"31", DocumentType.EU_CITIZEN),
        (b"32", DocumentType.EU_CITIZEN_PLUS),
        (b"77", DocumentType.OTHER),
    ],
)
def test_document_types(code: bytes, expected: DocumentType) -> None:
    assert parse_identity(encode_tlv(identity_fields(x0F=code))).document_type is expected


@pytest.mark.parametrize(("raw", "sex"), [(b"M", "M"), (b"F", "F"), (b"V", "F"), (b"W", "F")])
def test_sex_codes_in_all_languages(raw: bytes, sex: str) -> None:
    assert parse_identity(encode_tlv(identity_fields(x0D=raw))).sex == sex


@pytest.mark.parametrize(
    "overrides",
    [
        {"x06": None},
        {"x07": None},
        {"x06": b"85031212300"},  # bad check digits
        {"x03": b"2020-02-31"},
        {"x0D": b"Q"},
        {"x0F": b"A"},
        {"x07": b"\xff\xfe"},  # not UTF-8
    ],
)
def test_broken_identity_is_bad_data(overrides: dict[str, bytes | None]) -> None:
    with pytest.raises(BadDataError):
        parse_identity(encode_tlv(identity_fields(**overrides)))


def test_truncated_identity_is_bad_data() -> None:
    data = encode_tlv(identity_fields())
    with pytest.raises(BadDataError):
        parse_identity(data[:-3])


def test_unreadable_birth_date_falls_back_to_national_number() -> None:
    identity = parse_identity(encode_tlv(identity_fields(x0C=b"??")))
    assert identity.birth_date == BirthDate(1985, 3, 12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 MARS 1985", BirthDate(1985, 3, 12)),
        ("12 MAAR 1985", BirthDate(1985, 3, 12)),
        ("12 MÄR 1985", BirthDate(1985, 3, 12)),
        ("12.MÄR.1985", BirthDate(1985, 3, 12)),
        ("12.MÄR. 1985", BirthDate(1985, 3, 12)),
        ("01 FEV 1950", BirthDate(1950, 2, 1)),
        ("01 FÉV 1950", BirthDate(1950, 2, 1)),
        ("01 FEB 1950", BirthDate(1950, 2, 1)),
        ("15 AVR 2001", BirthDate(2001, 4, 15)),
        ("15 APR 2001", BirthDate(2001, 4, 15)),
        ("3 MAI 1940", BirthDate(1940, 5, 3)),
        ("03 MEI 1940", BirthDate(1940, 5, 3)),
        ("30 JUIN 1977", BirthDate(1977, 6, 30)),
        ("30 JUN 1977", BirthDate(1977, 6, 30)),
        ("14 JUIL 1989", BirthDate(1989, 7, 14)),
        ("14 JUL 1989", BirthDate(1989, 7, 14)),
        ("15 AOUT 1960", BirthDate(1960, 8, 15)),
        ("15 AOÛT 1960", BirthDate(1960, 8, 15)),
        ("15 AUG 1960", BirthDate(1960, 8, 15)),
        ("21 SEPT 1999", BirthDate(1999, 9, 21)),
        ("21 SEP 1999", BirthDate(1999, 9, 21)),
        ("31 OCT 1931", BirthDate(1931, 10, 31)),
        ("31 OKT 1931", BirthDate(1931, 10, 31)),
        ("11 NOV 1918", BirthDate(1918, 11, 11)),
        ("25 DEC 2010", BirthDate(2010, 12, 25)),
        ("25 DEZ 2010", BirthDate(2010, 12, 25)),
        ("25.12.2010", BirthDate(2010, 12, 25)),
        ("1947", BirthDate(1947)),
        ("00 00 1947", BirthDate(1947)),
        ("JUN 1947", BirthDate(1947, 6)),
        ("00 JUN 1947", BirthDate(1947, 6)),
        ("  2 jan 2003 ", BirthDate(2003, 1, 2)),
    ],
)
def test_birth_date_forms(text: str, expected: BirthDate) -> None:
    assert parse_birth_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "12 XYZ 1985", "31 FEB 1985", "12 13 1985", "1 2 3 1985", "85"]
)
def test_bad_birth_dates(text: str) -> None:
    with pytest.raises(BadDataError):
        parse_birth_date(text)


def test_partial_birth_date_has_no_full_date() -> None:
    assert BirthDate(1947).as_date() is None
    assert BirthDate(1947, 6).as_date() is None
    assert BirthDate(1947, 6, 2).as_date() == date(1947, 6, 2)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20))
def test_birth_date_never_crashes(text: str) -> None:
    try:
        parse_birth_date(text)
    except BadDataError:
        pass


def test_national_number_mod97_before_and_after_2000() -> None:
    before = _nn("850312", "123")
    after = _nn("050312", "123", after_2000=True)
    assert national_number_valid(before)
    assert national_number_valid(after)
    assert not national_number_valid(before[:-1] + str((int(before[-1]) + 1) % 10))
    assert not national_number_valid("1234567890")
    assert not national_number_valid("abcdefghijk")
    assert not national_number_valid("８５０３１２１２３００")  # full-width digits
    assert birth_date_from_national_number(before) == BirthDate(1985, 3, 12)
    assert birth_date_from_national_number(after) == BirthDate(2005, 3, 12)


def test_known_public_example() -> None:
    # 93.05.18-223.61 (a commonly published example): 930518223 mod 97 = 36, 97 - 36 = 61.
    assert national_number_valid("93051822361")


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
    st.integers(min_value=1, max_value=998),
    st.booleans(),
)
def test_national_number_property(yy: int, mm: int, dd: int, serial: int, after: bool) -> None:
    nn = _nn(f"{yy:02d}{mm:02d}{dd:02d}", f"{serial:03d}", after_2000=after)
    assert national_number_valid(nn)
    decoded = birth_date_from_national_number(nn)
    assert decoded is not None and decoded.month == mm and decoded.day == dd
    wrong = nn[:9] + f"{(int(nn[9:]) % 97) + 1:02d}"
    base = int(nn[:9])
    if int(wrong[9:]) not in (97 - base % 97, 97 - (2_000_000_000 + base) % 97):
        assert not national_number_valid(wrong)


def test_card_dates() -> None:
    assert parse_card_date("05.11.2024") == date(2024, 11, 5)
    with pytest.raises(BadDataError):
        parse_card_date("2024.11.05")


def test_address_with_padding() -> None:
    data = encode_tlv(
        [
            TlvField(1, "Rue de l'Église 12".encode()),
            TlvField(2, b"1000"),
            TlvField(3, b"Bruxelles"),
        ]
    ) + bytes(30)
    address = parse_address(data)
    assert address.street_and_number == "Rue de l'Église 12"
    assert address.postal_code == "1000"
    assert address.municipality == "Bruxelles"


def test_address_missing_street_is_bad_data() -> None:
    with pytest.raises(BadDataError):
        parse_address(encode_tlv([TlvField(2, b"1000")]))


_name = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=40,
)
_MONTHS_FR = "JAN FEV MARS AVR MAI JUIN JUIL AOUT SEPT OCT NOV DEC".split()


@settings(max_examples=100, deadline=None)
@given(
    surname=_name,
    first=_name,
    second=_name,
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 28)),
    serial=st.integers(min_value=1, max_value=998),
    code=st.sampled_from(["1", "01", "6", "11", "12", "15", "17", "19", "31", "32"]),
    extra=st.dictionaries(st.integers(min_value=0x20, max_value=0xFF), st.binary(max_size=300)),
)
def test_identity_round_trip_property(
    surname: str,
    first: str,
    second: str,
    born: date,
    serial: int,
    code: str,
    extra: dict[int, bytes],
) -> None:
    nn = _nn(born.strftime("%y%m%d"), f"{serial:03d}", after_2000=born.year >= 2000)
    fields = identity_fields(
        x06=nn.encode(),
        x07=surname.encode(),
        x08=f"{first} {second}".encode(),
        x0C=f"{born.day:02d} {_MONTHS_FR[born.month - 1]} {born.year}".encode(),
        x0F=code.encode(),
    )
    fields += [TlvField(tag, value) for tag, value in extra.items()]
    identity = parse_identity(encode_tlv(fields))
    assert identity.surname == surname.strip()
    assert identity.first_names == f"{first} {second}".strip()
    assert identity.birth_date.as_date() == born
    assert identity.national_number == nn
    assert identity.document_type.value == int(code) or identity.document_type is DocumentType.OTHER
    assert identity.unknown == extra
    assert identity.given_and_surname.endswith(surname.strip())
