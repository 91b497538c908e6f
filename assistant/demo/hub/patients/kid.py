"""The child (~8): the Belgian vaccination schedule with next doses due, asthma, a few results."""

from __future__ import annotations

from datetime import date, timedelta

from assistant.demo.hub import fhir_build as fb
from assistant.demo.hub.patients.builder import (
    ROUTE_INHALATION,
    UNIT_PUFF,
    Dose,
    LabValue,
    PatientBuilder,
    PatientSeed,
    SyntheticPatient,
)

#: (age in days, vaccine, ATC, CNK, dose number, series, target disease)
SCHEDULE: tuple[tuple[int, str, str, str, int, int, str], ...] = (
    (
        56,
        "Hexyon",
        "J07CA09",
        "3544277",
        1,
        4,
        "Diphtheria, tetanus, whooping cough, polio, Hib, hepatitis B",
    ),
    (56, "Rotarix", "J07BH01", "2478154", 1, 2, "Rotavirus"),
    (56, "Prevenar 13", "J07AL02", "2794022", 1, 3, "Pneumococcus"),
    (
        84,
        "Hexyon",
        "J07CA09",
        "3544277",
        2,
        4,
        "Diphtheria, tetanus, whooping cough, polio, Hib, hepatitis B",
    ),
    (84, "Rotarix", "J07BH01", "2478154", 2, 2, "Rotavirus"),
    (
        112,
        "Hexyon",
        "J07CA09",
        "3544277",
        3,
        4,
        "Diphtheria, tetanus, whooping cough, polio, Hib, hepatitis B",
    ),
    (112, "Prevenar 13", "J07AL02", "2794022", 2, 3, "Pneumococcus"),
    (365, "M-M-RvaxPro", "J07BD52", "2890895", 1, 2, "Measles, mumps, rubella"),
    (365, "Prevenar 13", "J07AL02", "2794022", 3, 3, "Pneumococcus"),
    (
        456,
        "Hexyon",
        "J07CA09",
        "3544277",
        4,
        4,
        "Diphtheria, tetanus, whooping cough, polio, Hib, hepatitis B",
    ),
    (456, "NeisVac-C", "J07AH07", "1739747", 1, 1, "Meningococcus C"),
    (2190, "Tetravac", "J07CA02", "2209815", 1, 1, "Diphtheria, tetanus, whooping cough, polio"),
)


def birth_of(seed: PatientSeed) -> date:
    parts = [int(p) for p in seed.birth_date.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return date(parts[0], parts[1], parts[2])


def build_kid(seed: PatientSeed) -> SyntheticPatient:
    b = PatientBuilder(seed)
    born = birth_of(seed)
    hospital = b.organization("UZ Gent", "71000436", "Gent")
    lab = b.organization("Labo Gent Centrum", "82410001001", "Gent")
    practice = b.organization("Huisartsenpraktijk De Linde", "19834567", "Gent")
    clb = b.organization("CLB Gent", "19856789", "Gent")
    paediatrician = b.practitioner(
        "De Smet", "Katrien", "18234567580", "persphysician", "Paediatrician", hospital
    )
    gp = b.practitioner(
        "Claes", "Tom", "17456789004", "persphysician", "General practitioner", practice
    )
    school_doctor = b.practitioner(
        "Wouters", "Els", "15678901004", "persphysician", "School doctor (CLB)", clb
    )

    for age, name, atc, cnk, dose, series, target in SCHEDULE:
        performer = school_doctor if age > 2000 else paediatrician
        b.vaccination(
            name,
            atc,
            cnk,
            (born + timedelta(days=age)).isoformat(),
            performer=performer,
            dose=dose,
            series=series,
            target=target,
            lot=f"{atc[-3:]}{dose}{age:04d}",
        )
    b.vaccination_due(
        "M-M-RvaxPro",
        "J07BD52",
        date(born.year + 10, born.month, 1).isoformat(),
        dose=2,
        target="Measles, mumps, rubella",
    )
    b.vaccination_due(
        "Gardasil 9",
        "J07BM03",
        date(born.year + 12, 9, 1).isoformat(),
        dose=1,
        target="HPV",
    )
    b.vaccination_due(
        "Boostrix",
        "J07AJ52",
        date(born.year + 14, 9, 1).isoformat(),
        dose=1,
        target="Tetanus, diphtheria, whooping cough",
    )

    b.problem("Asthma", "R96", "J45.9", "195967001", onset="2022-02-14", recorder=paediatrician)
    b.problem(
        "Ear infection",
        "H71",
        "H66.9",
        "65363002",
        onset="2023-01-09",
        abatement="2023-01-20",
        recorder=gp,
    )
    b.allergy(
        "Peanut",
        (fb.SYSTEM_SNOMED, "762952008"),
        kind="allergy",
        category="food",
        criticality="high",
        reaction=("Swelling of the lips", "267038008"),
        onset="2020-06-03",
        recorder=paediatrician,
    )
    b.medication_line(
        "Ventolin 100 µg inhalatiesuspensie 200 doses",
        "0062794",
        "R03AC02",
        None,
        start="2022-02-14",
        recorder=paediatrician,
        route=ROUTE_INHALATION,
        as_needed="2 puffs when short of breath, up to 4 times a day",
        max_per_day=8,
        reason="Asthma",
    )
    b.medication_line(
        "Flixotide 50 µg inhalatiesuspensie 120 doses",
        "1165778",
        "R03BA05",
        [Dose("morning", 1, UNIT_PUFF), Dose("evening", 1, UNIT_PUFF)],
        start="2022-02-14",
        recorder=paediatrician,
        route=ROUTE_INHALATION,
        reason="Asthma",
        instruction="Rinse your mouth after use.",
    )
    b.medication_line(
        "Epipen Junior 0,15 mg auto-injector 1",
        "1575713",
        "C01CA24",
        None,
        start="2020-06-03",
        recorder=paediatrician,
        as_needed="Inject in the thigh in case of a severe allergic reaction",
        reason="Peanut allergy",
    )
    b.lab_report(
        "2023-01-10",
        [
            LabValue("CRP", "1988-5", 38, "mg/L", None, 5),
            LabValue("Haemoglobin", "718-7", 12.1, "g/dL", 11.5, 14.5),
            LabValue("White blood cells", "6690-2", 14.2, "10*3/uL", 4.5, 13.5),
        ],
        lab=lab,
        requester=gp,
    )
    b.lab_report(
        "2025-03-04",
        [
            LabValue("Ferritin", "2276-4", 19, "ng/mL", 15, 150),
            LabValue("Haemoglobin", "718-7", 12.6, "g/dL", 11.5, 14.5),
        ],
        lab=lab,
        requester=paediatrician,
    )
    b.document(
        "Letter from the paediatrician",
        ("11488-4", "Consult note"),
        "2025-03-10",
        author=paediatrician,
        custodian=hospital,
        body=[
            "Asthma well controlled with Flixotide.",
            "Peanut allergy: always carry the Epipen.",
            "Next visit in 1 year.",
        ],
    )
    b.document(
        "Vaccination certificate",
        ("82593-5", "Immunization summary report"),
        "2024-06-01",
        author=school_doctor,
        custodian=hospital,
        body=["All vaccines of the basic schedule are given."],
        pdf=False,
    )
    b.consent("2018-06-01")
    b.care_team(
        [
            (gp, "gmd-holder", "2018-06-01"),
            (paediatrician, "therapeutic-relation", "2018-07-02"),
        ]
    )
    b.access(paediatrician, hospital, "2026-03-09T10:30:00+01:00", "Vaccinations")
    b.access(gp, hospital, "2026-10-02T17:10:00+02:00", "Medication scheme")
    return b.build()
