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
from enum import Enum
from importlib import resources

DEFAULT_CITIZEN = "adult"
DEFAULT_PIN = "1234"

#: Document type codes as the card stores them (tag 0F, two ASCII digits on recent cards;
#: "ID and Address file contents" v5.0, eid-mw doc/sdk/documentation).
DOC_BELGIAN_CITIZEN = "01"
DOC_KIDS_CARD = "06"
DOC_FOREIGNER_B = "12"
DOC_FOREIGNER_EU_PLUS = "32"
DOC_FOREIGNER_A_2021 = "33"
DOC_KIDS_FOREIGNER_EU = "61"


class Generation(Enum):
    """Which kind of real card a virtual card behaves like.

    * ``APPLET_18``: applet 1.8 (cards from 2020), ECDSA P-384 keys under an EC root (like
      Belgium Root CA6), SHA-384 photo hash, EC national register signatures.
    * ``APPLET_17_RSA``: applet 1.7 (cards until about 2020), RSA 2048 keys under an RSA root
      (like Root CA3/CA4), SHA-1 photo hash, RSA PKCS#1 v1.5 national register signatures.
    * ``APPLET_17_REKEYED``: an applet 1.7 card re-keyed by the "applet 1.7 content addendum":
      still RSA keys and a SHA-1 photo hash, but certificates from an EC citizen CA under the
      EC root, an EC national register certificate and EC (ECDSA SHA-384) signature files.
    """

    APPLET_18 = "1.8"
    APPLET_17_RSA = "1.7"
    APPLET_17_REKEYED = "1.7-rekeyed"

    @property
    def applet_version(self) -> int:
        return 0x18 if self is Generation.APPLET_18 else 0x17

    @property
    def rsa_keys(self) -> bool:
        """The card's own keys are RSA 2048 (every applet 1.7 card)."""
        return self is not Generation.APPLET_18

    @property
    def rsa_chain(self) -> bool:
        """The citizen CA and root are RSA (applet 1.7 cards not re-keyed)."""
        return self is Generation.APPLET_17_RSA

    @property
    def rsa_register(self) -> bool:
        """The national register signs with RSA (applet 1.7 cards not re-keyed)."""
        return self is Generation.APPLET_17_RSA

    @property
    def photo_hash_size(self) -> int:
        """SHA-1 on applet 1.7 cards (content v4.01, tag 0x11: 20 bytes), SHA-384 on 1.8."""
        return 48 if self is Generation.APPLET_18 else 20


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
    generation: Generation = Generation.APPLET_18
    #: False for a kids card issued without authentication (and signature) certificate.
    has_auth_certificate: bool = True

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
    _citizen(
        id="old_rsa",
        surname="Lambert",
        first_names="Georges Henri",
        third_initial="",
        sex="M",
        birth_date_text="21 JUIL 1941",
        birth_year=1941,
        birth_month=7,
        birth_day=21,
        birth_location="Charleroi",
        national_number="41072112360",
        nationality="Belge",
        card_number="591014471896",
        validity_start="09.06.2019",
        validity_end="09.06.2029",
        delivery_municipality="Charleroi",
        street_and_number="Rue de la Montagne 9",
        postal_code="6000",
        municipality="Charleroi",
        language="fr",
        photo_file="year_only.jpg",
        generation=Generation.APPLET_17_RSA,
        chronic_conditions=("high blood pressure",),
    ),
    _citizen(
        id="rekeyed",
        surname="Peeters",
        first_names="Anna Maria",
        third_initial="",
        sex="V",
        birth_date_text="02 FEB 1950",
        birth_year=1950,
        birth_month=2,
        birth_day=2,
        birth_location="Antwerpen",
        national_number="50020221414",
        nationality="Belg",
        card_number="591560237447",
        validity_start="11.02.2020",
        validity_end="11.02.2030",
        delivery_municipality="Antwerpen",
        street_and_number="Meir 50",
        postal_code="2000",
        municipality="Antwerpen",
        language="nl",
        photo_file="year_month.jpg",
        generation=Generation.APPLET_17_REKEYED,
    ),
    _citizen(
        id="toddler",
        surname="Martin",
        first_names="Emma Louise",
        third_initial="",
        sex="F",
        birth_date_text="14 JUIN 2021",
        birth_year=2021,
        birth_month=6,
        birth_day=14,
        birth_location="Mons",
        national_number="21061420086",
        nationality="Belge",
        card_number="600512339054",
        validity_start="05.01.2024",
        validity_end="05.01.2027",
        delivery_municipality="Mons",
        street_and_number="Grand-Rue 3",
        postal_code="7000",
        municipality="Mons",
        language="fr",
        photo_file="kid.jpg",
        document_type=DOC_KIDS_CARD,
        has_auth_certificate=False,
    ),
    _citizen(
        id="resident_a",
        surname="Okafor",
        first_names="Chinedu Emeka",
        third_initial="",
        sex="M",
        birth_date_text="30 AUG 1988",
        birth_year=1988,
        birth_month=8,
        birth_day=30,
        birth_location="Lagos",
        national_number="88083034181",
        nationality="Nigeriaan",
        card_number="B123456748",
        validity_start="01.03.2024",
        validity_end="01.03.2029",
        delivery_municipality="Gent",
        street_and_number="Sint-Pietersnieuwstraat 41",
        postal_code="9000",
        municipality="Gent",
        language="nl",
        photo_file="foreigner.jpg",
        document_type=DOC_FOREIGNER_A_2021,
    ),
    _citizen(
        id="kid_resident",
        surname="Nowak",
        first_names="Zofia",
        third_initial="",
        sex="F",
        birth_date_text="03 MAI 2019",
        birth_year=2019,
        birth_month=5,
        birth_day=3,
        birth_location="Kraków",
        national_number="19050340070",
        nationality="Polonaise",
        card_number="B987654303",
        validity_start="12.09.2024",
        validity_end="12.09.2027",
        delivery_municipality="Ixelles",
        street_and_number="Chaussée d'Ixelles 200",
        postal_code="1050",
        municipality="Ixelles",
        language="fr",
        photo_file="kid.jpg",
        document_type=DOC_KIDS_FOREIGNER_EU,
    ),
)

CITIZENS: dict[str, Citizen] = {c.id: c for c in _ALL}
