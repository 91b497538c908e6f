"""The identity and address files of the Belgian eID card, as typed values.

Tags follow the identity file layout used by the official middleware (tags 0x01-0x11 on every
card, 0x12-0x1F on newer cards). Tags this module does not know are kept in
``Identity.unknown``. Values are UTF-8 text except the chip number, the photo hash and the
basic key hash (binary) and the "member of family" flag (present or absent).

``repr()`` of these objects hides personal data so that a stray log line cannot leak it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from assistant.card.tlv import tlv_map
from assistant.errors import BadDataError
from assistant.i18n import N_, _

log = logging.getLogger(__name__)

# Identity file tags.
TAG_CARD_NUMBER = 0x01
TAG_CHIP_NUMBER = 0x02
TAG_VALIDITY_START = 0x03
TAG_VALIDITY_END = 0x04
TAG_DELIVERY_MUNICIPALITY = 0x05
TAG_NATIONAL_NUMBER = 0x06
TAG_SURNAME = 0x07
TAG_FIRST_NAMES = 0x08
TAG_THIRD_INITIAL = 0x09
TAG_NATIONALITY = 0x0A
TAG_BIRTH_LOCATION = 0x0B
TAG_BIRTH_DATE = 0x0C
TAG_SEX = 0x0D
TAG_NOBLE_CONDITION = 0x0E
TAG_DOCUMENT_TYPE = 0x0F
TAG_SPECIAL_STATUS = 0x10
TAG_PHOTO_HASH = 0x11
TAG_DUPLICATE = 0x12
TAG_SPECIAL_ORGANISATION = 0x13
TAG_MEMBER_OF_FAMILY = 0x14
TAG_PROTECTION = 0x15
TAG_WORK_PERMIT = 0x16
TAG_EMPLOYER_VAT_1 = 0x17
TAG_EMPLOYER_VAT_2 = 0x18
TAG_REGIONAL_FILE_NUMBER = 0x19
TAG_BASIC_KEY_HASH = 0x1A
TAG_BREXIT_MENTION_1 = 0x1B
TAG_BREXIT_MENTION_2 = 0x1C
TAG_CARD_A_MENTION_1 = 0x1D
TAG_CARD_A_MENTION_2 = 0x1E
TAG_EU_START_DATE = 0x1F

KNOWN_IDENTITY_TAGS = frozenset(range(0x01, 0x20))
REQUIRED_IDENTITY_TAGS = (
    TAG_CARD_NUMBER,
    TAG_VALIDITY_START,
    TAG_VALIDITY_END,
    TAG_NATIONAL_NUMBER,
    TAG_SURNAME,
    TAG_BIRTH_DATE,
    TAG_SEX,
    TAG_DOCUMENT_TYPE,
)

# Address file tags.
TAG_STREET_AND_NUMBER = 0x01
TAG_POSTAL_CODE = 0x02
TAG_MUNICIPALITY = 0x03


class DocumentType(Enum):
    """The kind of card (identity file tag 0x0F), by the code the card stores: every code of
    "ID and Address file contents" v5.0 (eid-mw ``doc/sdk/documentation``, 2023)."""

    BELGIAN_CITIZEN = 1
    KIDS = 6  # Kids-ID, under 12
    BOOTSTRAP = 7
    HABILITATION = 8
    FOREIGNER_A = 11
    FOREIGNER_B = 12
    FOREIGNER_C = 13
    FOREIGNER_D = 14
    FOREIGNER_E = 15
    FOREIGNER_E_PLUS = 16
    FOREIGNER_F = 17
    FOREIGNER_F_PLUS = 18
    FOREIGNER_H = 19  # European blue card
    FOREIGNER_I = 20
    FOREIGNER_J = 21
    FOREIGNER_M = 22  # Brexit withdrawal agreement
    FOREIGNER_N = 23
    FOREIGNER_K = 27  # Council Regulation (EC) 1030/2002 layout
    FOREIGNER_L = 28
    EU_CITIZEN = 31  # "EU" card for citizens of the Union
    EU_CITIZEN_PLUS = 32  # "EU+" permanent residence
    FOREIGNER_A_2021 = 33  # A card, 1030/2002 layout
    FOREIGNER_B_2021 = 34
    FOREIGNER_F_2021 = 35
    FOREIGNER_F_PLUS_2021 = 36
    KIDS_FOREIGNER_EU = 61  # foreigner cards for children under 12 (file spec v5.0)
    KIDS_FOREIGNER_EU_PLUS = 62
    KIDS_FOREIGNER_A = 63
    KIDS_FOREIGNER_B = 64
    KIDS_FOREIGNER_K = 65
    KIDS_FOREIGNER_L = 66
    KIDS_FOREIGNER_F = 67
    KIDS_FOREIGNER_F_PLUS = 68
    KIDS_FOREIGNER_M = 69
    OTHER = 0  # any code this program does not know

    @classmethod
    def from_code(cls, raw: str) -> DocumentType:
        text = raw.strip()
        if not text.isdigit():
            raise BadDataError("document type is not a number")
        try:
            return cls(int(text))
        except ValueError:
            return cls.OTHER

    @property
    def is_foreigner(self) -> bool:
        """A residence card for a foreign national (codes 11-36 and 61-69)."""
        return self not in (
            DocumentType.BELGIAN_CITIZEN,
            DocumentType.KIDS,
            DocumentType.BOOTSTRAP,
            DocumentType.HABILITATION,
            DocumentType.OTHER,
        )

    @property
    def is_for_a_child(self) -> bool:
        """A card for a child under 12 (Kids-ID, code 6, or a kids foreigner card, 61-69)."""
        return self is DocumentType.KIDS or 61 <= self.value <= 69

    @property
    def label(self) -> str:
        """The card's name in the current language ("Kids-ID", "Residence card A", ...)."""
        return _(_DOCUMENT_TYPE_LABELS[self])


_DOCUMENT_TYPE_LABELS: dict[DocumentType, str] = {
    DocumentType.BELGIAN_CITIZEN: N_("Belgian identity card"),
    DocumentType.KIDS: N_("Kids-ID (child under 12)"),
    DocumentType.BOOTSTRAP: N_("Temporary card"),
    DocumentType.HABILITATION: N_("Authorisation card"),
    DocumentType.FOREIGNER_A: N_("Residence card A"),
    DocumentType.FOREIGNER_B: N_("Residence card B"),
    DocumentType.FOREIGNER_C: N_("Residence card C"),
    DocumentType.FOREIGNER_D: N_("Residence card D"),
    DocumentType.FOREIGNER_E: N_("Residence card E"),
    DocumentType.FOREIGNER_E_PLUS: N_("Residence card E+"),
    DocumentType.FOREIGNER_F: N_("Residence card F"),
    DocumentType.FOREIGNER_F_PLUS: N_("Residence card F+"),
    DocumentType.FOREIGNER_H: N_("European blue card (H)"),
    DocumentType.FOREIGNER_I: N_("Residence card I"),
    DocumentType.FOREIGNER_J: N_("Residence card J"),
    DocumentType.FOREIGNER_M: N_("Residence card M"),
    DocumentType.FOREIGNER_N: N_("Residence card N"),
    DocumentType.FOREIGNER_K: N_("Residence card K"),
    DocumentType.FOREIGNER_L: N_("Residence card L"),
    DocumentType.EU_CITIZEN: N_("EU residence card"),
    DocumentType.EU_CITIZEN_PLUS: N_("EU+ permanent residence card"),
    DocumentType.FOREIGNER_A_2021: N_("Residence card A"),
    DocumentType.FOREIGNER_B_2021: N_("Residence card B"),
    DocumentType.FOREIGNER_F_2021: N_("Residence card F"),
    DocumentType.FOREIGNER_F_PLUS_2021: N_("Residence card F+"),
    DocumentType.KIDS_FOREIGNER_EU: N_("Child's EU residence card"),
    DocumentType.KIDS_FOREIGNER_EU_PLUS: N_("Child's EU+ residence card"),
    DocumentType.KIDS_FOREIGNER_A: N_("Child's residence card A"),
    DocumentType.KIDS_FOREIGNER_B: N_("Child's residence card B"),
    DocumentType.KIDS_FOREIGNER_K: N_("Child's residence card K"),
    DocumentType.KIDS_FOREIGNER_L: N_("Child's residence card L"),
    DocumentType.KIDS_FOREIGNER_F: N_("Child's residence card F"),
    DocumentType.KIDS_FOREIGNER_F_PLUS: N_("Child's residence card F+"),
    DocumentType.KIDS_FOREIGNER_M: N_("Child's residence card M"),
    DocumentType.OTHER: N_("Identity card"),
}


@dataclass(frozen=True)
class BirthDate:
    """A birth date as printed on the card; some people have only a year or a year and month."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")

    def as_date(self) -> date | None:
        """The full date, or None when the day or month is unknown."""
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)

    def __repr__(self) -> str:
        return "BirthDate(<hidden>)"


# Month abbreviations used by the card, French / Dutch / German, after removing accents and dots.
_MONTHS: dict[str, int] = {
    "JAN": 1,
    "JANV": 1,
    "FEV": 2,
    "FEB": 2,
    "FEVR": 2,
    "MARS": 3,
    "MAAR": 3,
    "MAR": 3,
    "MRZ": 3,
    "MAERZ": 3,
    "MARZ": 3,
    "AVR": 4,
    "APR": 4,
    "MAI": 5,
    "MEI": 5,
    "JUIN": 6,
    "JUN": 6,
    "JUNI": 6,
    "JUIL": 7,
    "JUL": 7,
    "JULI": 7,
    "AOUT": 8,
    "AUG": 8,
    "SEPT": 9,
    "SEP": 9,
    "OCT": 10,
    "OKT": 10,
    "NOV": 11,
    "DEC": 12,
    "DEZ": 12,
}


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _month(token: str) -> int | None:
    """A month number from a name or digits; None for an unknown month ("00")."""
    if token.isdigit():
        value = int(token)
        if value == 0:
            return None
        if 1 <= value <= 12:
            return value
        raise BadDataError("birth date month out of range")
    name = _strip_accents(token)
    if name in _MONTHS:
        return _MONTHS[name]
    raise BadDataError("birth date month not recognised")


def parse_birth_date(text: str) -> BirthDate:
    """Parse the card's birth date text.

    Accepts ``DD MMM YYYY`` in French, Dutch or German month abbreviations, with or without
    dots (``12.MÄR.1985``, ``12 MÄR. 1985``), numeric ``DD.MM.YYYY``, ``MMM YYYY`` (year and
    month) and ``YYYY`` (year only). ``00`` as day or month means unknown.
    """
    cleaned = _strip_accents(text).upper().replace(".", " ").replace("-", " ").replace("/", " ")
    tokens = cleaned.split()
    if not tokens or not re.fullmatch(r"\d{4}", tokens[-1]):
        raise BadDataError("birth date has no 4-digit year")
    year = int(tokens[-1])
    if len(tokens) == 1:
        return BirthDate(year)
    if len(tokens) == 2:
        return BirthDate(year, _month(tokens[0]))
    if len(tokens) == 3:
        if not tokens[0].isdigit():
            raise BadDataError("birth date day is not a number")
        month = _month(tokens[1])
        day = int(tokens[0]) or None
        if month is None:
            day = None
        result = BirthDate(year, month, day)
        if day is not None:
            try:
                result.as_date()
            except ValueError as exc:
                raise BadDataError("birth date day out of range") from exc
        return result
    raise BadDataError("birth date has too many parts")


def birth_date_from_national_number(nn: str) -> BirthDate | None:
    """The birth date coded in a valid national number (None when it codes none)."""
    if not national_number_valid(nn):
        return None
    yy, mm, dd = int(nn[0:2]), int(nn[2:4]), int(nn[4:6])
    year = (2000 if _born_after_1999(nn) else 1900) + yy
    while mm > 12:  # BIS numbers add 20 or 40 to the month
        mm -= 20
    if mm <= 0:
        return BirthDate(year)
    if dd == 0:
        return BirthDate(year, mm)
    try:
        date(year, mm, dd)
    except ValueError:
        return BirthDate(year, mm)
    return BirthDate(year, mm, dd)


def _check_digits(base: int) -> int:
    return 97 - (base % 97)


def _born_after_1999(nn: str) -> bool:
    base = int(nn[:9])
    return _check_digits(base) != int(nn[9:]) and _check_digits(2_000_000_000 + base) == int(nn[9:])


def national_number_valid(nn: str) -> bool:
    """Whether ``nn`` is 11 digits with a correct mod-97 check (births from 2000 prefix "2")."""
    if len(nn) != 11 or not nn.isascii() or not nn.isdigit():
        return False
    base = int(nn[:9])
    check = int(nn[9:])
    return check in (_check_digits(base), _check_digits(2_000_000_000 + base))


def parse_card_date(text: str) -> date:
    """A validity date written ``DD.MM.YYYY`` (also accepts spaces or dashes)."""
    match = re.fullmatch(r"\s*(\d{1,2})[.\- ](\d{1,2})[.\- ](\d{4})\s*", text)
    if not match:
        raise BadDataError("validity date not in DD.MM.YYYY form")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise BadDataError("validity date out of range") from exc


_SEX_CODES = {"M": "M", "F": "F", "V": "F", "W": "F"}


@dataclass(frozen=True)
class Identity:
    """The identity file. ``first_names`` holds the first two given names."""

    card_number: str
    chip_number: str
    validity_start: date
    validity_end: date
    delivery_municipality: str
    national_number: str
    surname: str
    first_names: str
    third_initial: str
    nationality: str
    birth_location: str
    birth_date: BirthDate
    sex: str
    noble_condition: str
    document_type: DocumentType
    special_status: str
    photo_hash: bytes
    unknown: dict[int, bytes] = field(default_factory=dict)
    duplicate: str = ""
    special_organisation: str = ""
    member_of_family: bool = False
    date_and_country_of_protection: str = ""
    work_permit: str = ""
    employer_vat_1: str = ""
    employer_vat_2: str = ""
    regional_file_number: str = ""
    basic_key_hash: bytes = b""
    brexit_mention_1: str = ""
    brexit_mention_2: str = ""
    card_a_mention_1: str = ""
    card_a_mention_2: str = ""
    eu_start_date: date | None = None

    @property
    def given_and_surname(self) -> str:
        """The first given name and the surname ("Anne Peeters"), as the certificates write it."""
        names = self.first_names.split()
        return " ".join(part for part in (names[0] if names else "", self.surname.strip()) if part)

    def __repr__(self) -> str:
        return f"Identity(<hidden>, document_type={self.document_type.name})"

    __str__ = __repr__


@dataclass(frozen=True)
class Address:
    """The address file."""

    street_and_number: str
    postal_code: str
    municipality: str

    def __repr__(self) -> str:
        return "Address(<hidden>)"

    __str__ = __repr__


def _text(fields: dict[int, bytes], tag: int) -> str:
    raw = fields.get(tag, b"")
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise BadDataError(f"identity tag 0x{tag:02X} is not UTF-8") from exc


def parse_identity(data: bytes) -> Identity:
    """Parse the identity file (DF01/4031). Raises :class:`BadDataError` on malformed data."""
    fields = tlv_map(data)
    missing = [tag for tag in REQUIRED_IDENTITY_TAGS if tag not in fields]
    if missing:
        raise BadDataError("identity file lacks tags " + ", ".join(f"0x{t:02X}" for t in missing))
    national_number = _text(fields, TAG_NATIONAL_NUMBER)
    if not national_number_valid(national_number):
        raise BadDataError("national number fails its check digits")
    birth_text = _text(fields, TAG_BIRTH_DATE)
    try:
        birth_date = parse_birth_date(birth_text)
    except BadDataError as exc:
        fallback = birth_date_from_national_number(national_number)
        if fallback is None:
            raise
        log.warning("birth date text not understood (%s); using the national number", exc)
        birth_date = fallback
    sex_raw = _text(fields, TAG_SEX).upper()
    if sex_raw not in _SEX_CODES:
        raise BadDataError("sex code not recognised")
    eu_start = _text(fields, TAG_EU_START_DATE)
    return Identity(
        card_number=_text(fields, TAG_CARD_NUMBER),
        chip_number=fields.get(TAG_CHIP_NUMBER, b"").hex().upper(),
        validity_start=parse_card_date(_text(fields, TAG_VALIDITY_START)),
        validity_end=parse_card_date(_text(fields, TAG_VALIDITY_END)),
        delivery_municipality=_text(fields, TAG_DELIVERY_MUNICIPALITY),
        national_number=national_number,
        surname=_text(fields, TAG_SURNAME),
        first_names=_text(fields, TAG_FIRST_NAMES),
        third_initial=_text(fields, TAG_THIRD_INITIAL),
        nationality=_text(fields, TAG_NATIONALITY),
        birth_location=_text(fields, TAG_BIRTH_LOCATION),
        birth_date=birth_date,
        sex=_SEX_CODES[sex_raw],
        noble_condition=_text(fields, TAG_NOBLE_CONDITION),
        document_type=DocumentType.from_code(_text(fields, TAG_DOCUMENT_TYPE)),
        special_status=_text(fields, TAG_SPECIAL_STATUS) or "0",
        photo_hash=fields.get(TAG_PHOTO_HASH, b""),
        unknown={tag: value for tag, value in fields.items() if tag not in KNOWN_IDENTITY_TAGS},
        duplicate=_text(fields, TAG_DUPLICATE),
        special_organisation=_text(fields, TAG_SPECIAL_ORGANISATION),
        member_of_family=TAG_MEMBER_OF_FAMILY in fields,
        date_and_country_of_protection=_text(fields, TAG_PROTECTION),
        work_permit=_text(fields, TAG_WORK_PERMIT),
        employer_vat_1=_text(fields, TAG_EMPLOYER_VAT_1),
        employer_vat_2=_text(fields, TAG_EMPLOYER_VAT_2),
        regional_file_number=_text(fields, TAG_REGIONAL_FILE_NUMBER),
        basic_key_hash=fields.get(TAG_BASIC_KEY_HASH, b""),
        brexit_mention_1=_text(fields, TAG_BREXIT_MENTION_1),
        brexit_mention_2=_text(fields, TAG_BREXIT_MENTION_2),
        card_a_mention_1=_text(fields, TAG_CARD_A_MENTION_1),
        card_a_mention_2=_text(fields, TAG_CARD_A_MENTION_2),
        eu_start_date=parse_card_date(eu_start) if eu_start else None,
    )


def parse_address(data: bytes) -> Address:
    """Parse the address file (DF01/4033), zero padding included."""
    fields = tlv_map(data)
    if TAG_STREET_AND_NUMBER not in fields or TAG_MUNICIPALITY not in fields:
        raise BadDataError("address file lacks street or municipality")
    return Address(
        street_and_number=_text(fields, TAG_STREET_AND_NUMBER),
        postal_code=_text(fields, TAG_POSTAL_CODE),
        municipality=_text(fields, TAG_MUNICIPALITY),
    )
