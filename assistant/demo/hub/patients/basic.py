"""Smaller records for the other citizens, shaped by their chronic conditions (if any)."""

from __future__ import annotations

from assistant.demo.hub import fhir_build as fb
from assistant.demo.hub.patients.builder import (
    ROUTE_CUTANEOUS,
    ROUTE_INHALATION,
    UNIT_APPLICATION,
    UNIT_PUFF,
    Dose,
    LabValue,
    PatientBuilder,
    PatientSeed,
    SyntheticPatient,
)

#: condition → (problem: text, ICPC-2, ICD-10, SNOMED; medication: name, CNK, ATC, doses, route)
CONDITIONS: dict[str, tuple[tuple[str, str, str, str], tuple[str, str, str, list[Dose], str]]] = {
    "atrial fibrillation": (
        ("Atrial fibrillation", "K78", "I48.9", "49436004"),
        ("Xarelto 20 mg filmomh. tabl. 98", "3024560", "B01AF01", [Dose("dinner", 1)], "oral"),
    ),
    "glaucoma": (
        ("Glaucoma", "F93", "H40.9", "23986001"),
        (
            "Xalatan 50 µg/ml oogdruppels 2,5 ml",
            "1283274",
            "S01EE01",
            [Dose("evening", 1, ("drop", "733007009"))],
            "eye",
        ),
    ),
    "COPD": (
        ("COPD", "R95", "J44.9", "13645005"),
        (
            "Spiriva Respimat 2,5 µg inhalatieoplossing 60 doses",
            "3113222",
            "R03BB04",
            [Dose("morning", 2, UNIT_PUFF)],
            "inhalation",
        ),
    ),
    "osteoporosis": (
        ("Osteoporosis", "L95", "M81.9", "64859006"),
        (
            "Alendronate Teva 70 mg tabl. 12",
            "2580433",
            "M05BA04",
            [Dose("before_breakfast", 1)],
            "oral",
        ),
    ),
    "high blood pressure": (
        ("High blood pressure", "K86", "I10", "38341003"),
        ("Perindopril Sandoz 5 mg tabl. 90", "2769602", "C09AA04", [Dose("morning", 1)], "oral"),
    ),
    "asthma": (
        ("Asthma", "R96", "J45.9", "195967001"),
        (
            "Flixotide 50 µg inhalatiesuspensie 120 doses",
            "1165778",
            "R03BA05",
            [Dose("morning", 1, UNIT_PUFF), Dose("evening", 1, UNIT_PUFF)],
            "inhalation",
        ),
    ),
}

ROUTES = {
    "oral": None,
    "inhalation": ROUTE_INHALATION,
    "eye": fb.concept("Ocular use", fb.coding(fb.SYSTEM_SNOMED, "54485002", "Ophthalmic route")),
    "skin": ROUTE_CUTANEOUS,
}


def build_basic(seed: PatientSeed, conditions: tuple[str, ...]) -> SyntheticPatient:
    """A few medication lines, a problem or two, a result, a vaccination and a document."""
    b = PatientBuilder(seed)
    lab = b.organization("Laboratoire Saint-Luc", "82400123001", "Bruxelles")
    practice = b.organization("Maison médicale du Centre", "19800123", "Bruxelles")
    pharmacy = b.organization("Pharmacie de la Gare", "24098765", "Bruxelles")
    gp = b.practitioner(
        "Renard", "Julie", "17654321004", "persphysician", "General practitioner", practice
    )
    pharmacist = b.practitioner(
        "Maes", "Sarah", "24098765001", "perspharmacist", "Pharmacist", pharmacy
    )

    for name in conditions:
        known = CONDITIONS.get(name)
        if known is None:
            b.problem(name.capitalize(), "A99", "R69", "64572001", onset="2020-01-01", recorder=gp)
            continue
        (text, icpc, icd, sct), (med, cnk, atc, doses, route) = known
        b.problem(text, icpc, icd, sct, onset="2019-05-06", recorder=gp)
        route_concept = ROUTES[route]
        if route_concept is None:
            b.medication_line(med, cnk, atc, doses, start="2019-05-06", recorder=gp, reason=text)
        else:
            b.medication_line(
                med,
                cnk,
                atc,
                doses,
                start="2019-05-06",
                recorder=gp,
                reason=text,
                route=route_concept,
            )
    b.medication_line(
        "D-Cure 25.000 IE ampoule 4",
        "0141952",
        "A11CC05",
        [Dose("breakfast", 1, ("ampoule", "732978007"))],
        start="2024-10-01",
        recorder=gp,
        every=(4, "wk"),
        reason="Vitamin D",
    )
    b.medication_line(
        "Dafalgan 500 mg tabl. 30",
        "1545052",
        "N02BE01",
        None,
        start="2023-01-15",
        recorder=gp,
        as_needed="1 to 2 tablets if pain, up to 6 a day",
        max_per_day=6,
        reason="Pain",
    )
    b.medication_line(
        "Flamigel hydrogel 50 g",
        "1739762",
        "D03AX",
        [Dose("evening", 1, UNIT_APPLICATION)],
        start="2025-09-01",
        end="2025-10-01",
        status="completed",
        recorder=gp,
        route=ROUTE_CUTANEOUS,
        reason="Wound care",
    )
    b.allergy(
        "Ibuprofen",
        (fb.SYSTEM_SNOMED, "387207008"),
        kind="intolerance",
        category="medication",
        criticality="low",
        reaction=("Stomach pain", "21522001"),
        onset="2015-04-20",
        recorder=gp,
    )
    b.vaccination("Vaxigrip Tetra", "J07BB02", "4148128", "2025-10-15", performer=gp, target="Flu")
    b.lab_report(
        "2026-05-19",
        [
            LabValue("Haemoglobin", "718-7", 13.4, "g/dL", 12.0, 16.0),
            LabValue("Creatinine", "2160-0", 0.92, "mg/dL", 0.6, 1.1),
            LabValue("Vitamin D (25-OH)", "1989-3", 24, "ng/mL", 30, 100),
            LabValue("TSH", "3016-3", 1.8, "mU/L", 0.4, 4.0),
        ],
        lab=lab,
        requester=gp,
    )
    b.document(
        "Laboratory report",
        ("11502-2", "Laboratory report"),
        "2026-05-19",
        author=gp,
        custodian=lab,
        body=["Blood test: vitamin D a little low, the rest is normal."],
    )
    b.consent("2016-09-12")
    b.care_team(
        [
            (gp, "gmd-holder", "2016-09-12"),
            (pharmacist, "reference-pharmacist", "2021-03-01"),
        ]
    )
    b.access(gp, practice, "2026-05-20T09:15:00+02:00", "Laboratory results")
    return b.build()
