"""Synthetic citizens for the virtual Belgian eID card.

Every person here is invented. The values look like real card contents: national numbers
pass the mod 97 check (with the "2" prefix rule for births from 2000), card numbers carry
their mod 97 check digits, birth dates are written as the card writes them in the card's
language (FR/NL/DE month abbreviations, dots, year only, year and month), and the sex letter
follows the card's language (M/F in French, M/V in Dutch, M/W in German).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

DEFAULT_CITIZEN = "adult"
DEFAULT_PIN = "1234"

#: Document type codes as the card stores them (tag 0F, two ASCII digits on recent cards).
DOC_BELGIAN_CITIZEN = "01"
DOC_KIDS_CARD = "06"
DOC_FOREIGNER_B = "12"


def national_number_check(first_nine: str, born_2000_or_later: bool) -> str:
    """The two check digits of a national number (97 - n mod 97; "2" prefix from 2000)."""
    n = int(("2" + first_nine) if born_2000_or_later else first_nine)
    return f"{97 - n % 97:02d}"


def card_number_check(first_ten: str) -> str:
    """The two check digits of a Belgian card number (n mod 97, 0 becomes 97)."""
    rest = int(first_ten) % 97
    return f"{rest or 97:02d}"


@dataclass(frozen=True, slots=True)
class Citizen:
    """One synthetic card holder: the identity and address file values, as text."""

    id: str
    surname: str
    first_names: str
    third_initial: str
    sex: str
    birth_date_text: str
    birth_year: int
    birth_month: int | None
    birth_day: int | None
    birth_location: str
    national_number: str
    nationality: str
    card_number: str
    validity_start: str
    validity_end: str
    delivery_municipality: str
    street_and_number: str
    postal_code: str
    municipality: str
    language: str
    photo_file: str
    document_type: str = DOC_BELGIAN_CITIZEN
    noble_condition: str = ""
    special_status: str = "0"
    duplicate: str | None = None
    member_of_family: bool = False
    chronic_conditions: tuple[str, ...] = field(default=())

    @property
    def given_and_surname(self) -> str:
        """First given name and surname, as the certificates write them."""
        return f"{self.first_names.split(' ')[0]} {self.surname}"

    @property
    def birth_date(self) -> date | None:
        """The full birth date, or None when the card holds only a year (and month)."""
        if self.birth_month is None or self.birth_day is None:
            return None
        return date(self.birth_year, self.birth_month, self.birth_day)

    @property
    def chip_number(self) -> bytes:
        """16 bytes: the chip serial, also the first 16 bytes of GET CARD DATA."""
        return b"SLIN" + hashlib.sha256(b"chip:" + self.id.encode()).digest()[:12]

    @property
    def is_female(self) -> bool:
        return self.sex in ("F", "V", "W")

    def photo(self) -> bytes:
        """The JPEG photo stored on the card."""
        return (resources.files(__package__) / "photos" / self.photo_file).read_bytes()


def _citizen(**values: object) -> Citizen:
    return Citizen(**values)  # type: ignore[arg-type]


_ALL = (
    _citizen(
        id="adult",
        surname="Dumont",
        first_names="Jacqueline Marie",
        third_initial="L",
        sex="F",
        birth_date_text="12 MARS 1956",
        birth_year=1956,
        birth_month=3,
        birth_day=12,
        birth_location="Namur",
        national_number="56031224609",
        nationality="Belge",
        card_number="591234567829",
        validity_start="15.04.2021",
        validity_end="15.04.2031",
        delivery_municipality="Namur",
        street_and_number="Rue des Tilleuls 14",
        postal_code="5000",
        municipality="Namur",
        language="fr",
        photo_file="adult.jpg",
        chronic_conditions=("type 2 diabetes", "high blood pressure", "heart failure"),
    ),
    _citizen(
        id="kid",
        surname="Vermeulen",
        first_names="Lucas Arthur",
        third_initial="",
        sex="M",
        birth_date_text="07 MEI 2018",
        birth_year=2018,
        birth_month=5,
        birth_day=7,
        birth_location="Gent",
        national_number="18050712312",
        nationality="Belg",
        card_number="600341852763",
        validity_start="02.09.2024",
        validity_end="02.09.2027",
        delivery_municipality="Gent",
        street_and_number="Kerkstraat 27 bus 2",
        postal_code="9000",
        municipality="Gent",
        language="nl",
        photo_file="kid.jpg",
        document_type=DOC_KIDS_CARD,
        chronic_conditions=("asthma",),
    ),
    _citizen(
        id="foreigner",
        surname="Kovalenko",
        first_names="Olena Petrivna",
        third_initial="",
        sex="F",
        birth_date_text="08 DEC 1991",
        birth_year=1991,
        birth_month=12,
        birth_day=8,
        birth_location="Kharkiv",
        national_number="91120838413",
        nationality="Ukrainienne",
        card_number="B018872661",
        validity_start="10.01.2023",
        validity_end="10.01.2028",
        delivery_municipality="Schaerbeek",
        street_and_number="Avenue Louis Bertrand 61 bte 3",
        postal_code="1030",
        municipality="Schaerbeek",
        language="fr",
        photo_file="foreigner.jpg",
        document_type=DOC_FOREIGNER_B,
    ),
    _citizen(
        id="noble",
        surname="de Wavrincourt",
        first_names="Godfried Leopold",
        third_initial="M",
        sex="M",
        birth_date_text="03 OKT 1949",
        birth_year=1949,
        birth_month=10,
        birth_day=3,
        birth_location="Brugge",
        national_number="49100305779",
        nationality="Belg",
        card_number="592330194549",
        validity_start="20.06.2019",
        validity_end="20.06.2029",
        delivery_municipality="Brugge",
        street_and_number="Groenerei 8",
        postal_code="8000",
        municipality="Brugge",
        language="nl",
        photo_file="noble.jpg",
        noble_condition="Baron",
        chronic_conditions=("atrial fibrillation",),
    ),
    _citizen(
        id="accents",
        surname="Dœuvre d'Ærts",
        first_names="Hélène-Françoise Zoë",
        third_initial="É",
        sex="F",
        birth_date_text="29 FEV 1972",
        birth_year=1972,
        birth_month=2,
        birth_day=29,
        birth_location="Liège",
        national_number="72022941250",
        nationality="Belge",
        card_number="594772091343",
        validity_start="03.11.2022",
        validity_end="03.11.2032",
        delivery_municipality="Liège",
        street_and_number="Quai de la Boverie 112",
        postal_code="4020",
        municipality="Liège",
        language="fr",
        photo_file="accents.jpg",
        duplicate="02",
    ),
    _citizen(
        id="year_only",
        surname="El Amrani",
        first_names="Mohamed",
        third_initial="",
        sex="M",
        birth_date_text="1938",
        birth_year=1938,
        birth_month=None,
        birth_day=None,
        birth_location="Tanger",
        national_number="38000011504",
        nationality="Belge",
        card_number="591889042589",
        validity_start="14.02.2020",
        validity_end="14.02.2030",
        delivery_municipality="Anderlecht",
        street_and_number="Rue Wayez 45",
        postal_code="1070",
        municipality="Anderlecht",
        language="fr",
        photo_file="year_only.jpg",
        special_status="1",
        chronic_conditions=("glaucoma", "COPD"),
    ),
    _citizen(
        id="year_month",
        surname="Janssens",
        first_names="Maria Josepha",
        third_initial="",
        sex="V",
        birth_date_text="MEI 1945",
        birth_year=1945,
        birth_month=5,
        birth_day=None,
        birth_location="Leuven",
        national_number="45050022873",
        nationality="Belg",
        card_number="592660331827",
        validity_start="01.03.2018",
        validity_end="01.03.2028",
        delivery_municipality="Leuven",
        street_and_number="Naamsestraat 130",
        postal_code="3000",
        municipality="Leuven",
        language="nl",
        photo_file="year_month.jpg",
        chronic_conditions=("osteoporosis",),
    ),
    _citizen(
        id="long_name",
        surname="Van den Bossche-Vanderlinden de Hemptinne-Ghislain",
        first_names="Anne-Catherine Marie-Thérèse",
        third_initial="J",
        sex="W",
        birth_date_text="15.MÄR.1960",
        birth_year=1960,
        birth_month=3,
        birth_day=15,
        birth_location="Sankt Vith",
        national_number="60031516683",
        nationality="Belgierin",
        card_number="591845520309",
        validity_start="22.08.2025",
        validity_end="22.08.2035",
        delivery_municipality="Eupen",
        street_and_number="Klötzerbahn 3",
        postal_code="4700",
        municipality="Eupen",
        language="de",
        photo_file="long_name.jpg",
        member_of_family=True,
    ),
)

CITIZENS: dict[str, Citizen] = {c.id: c for c in _ALL}
