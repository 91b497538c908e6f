"""The rich chronic patient (~70): type 2 diabetes, hypertension, heart failure, AF, COPD."""

from __future__ import annotations

import random
from datetime import date, timedelta

from assistant.demo.hub import fhir_build as fb
from assistant.demo.hub.patients.builder import (
    ROUTE_INHALATION,
    ROUTE_SUBCUTANEOUS,
    UNIT_AMPOULE,
    UNIT_INSULIN,
    UNIT_PUFF,
    UNIT_SACHET,
    Dose,
    LabValue,
    PatientBuilder,
    PatientSeed,
    SyntheticPatient,
)

#: First and last regular lab dates; one more preliminary report and one held back follow.
LAB_START = date(2021, 1, 12)
LAB_END = date(2026, 9, 30)


def lab_dates() -> list[date]:
    """Every 3 to 6 months since 2021 (deterministic)."""
    rng = random.Random(7301)
    out = []
    day = LAB_START
    while day <= LAB_END:
        out.append(day)
        day += timedelta(days=rng.choice((91, 105, 120, 140, 182)))
    return out


def _panel(rng: random.Random, step: int, total: int) -> list[LabValue]:
    """Slowly drifting values: HbA1c creeps up, kidney function slowly declines."""
    t = step / max(total - 1, 1)
    hba1c = round(6.9 + 1.1 * t + rng.uniform(-0.3, 0.3), 1)
    creat = round(1.05 + 0.35 * t + rng.uniform(-0.06, 0.06), 2)
    egfr = round(max(25.0, 68 - 22 * t + rng.uniform(-3, 3)))
    chol = round(212 - 40 * t + rng.uniform(-12, 12))
    ldl = round(128 - 40 * t + rng.uniform(-10, 10))
    hdl = round(44 + rng.uniform(-5, 5))
    potassium = round(4.4 + 0.5 * t + rng.uniform(-0.3, 0.4), 1)
    sodium = round(139 + rng.uniform(-3, 3))
    glucose = round(128 + 30 * t + rng.uniform(-15, 15))
    return [
        LabValue("HbA1c", "4548-4", hba1c, "%", 4.0, 6.0),
        LabValue("Fasting glucose", "1558-6", glucose, "mg/dL", 70, 100),
        LabValue("Creatinine", "2160-0", creat, "mg/dL", 0.7, 1.2),
        LabValue("eGFR (CKD-EPI)", "62238-1", egfr, "mL/min/1.73m2", 60, None, "mL/min/{1.73_m2}"),
        LabValue("Total cholesterol", "2093-3", chol, "mg/dL", None, 190),
        LabValue("LDL cholesterol", "13457-7", ldl, "mg/dL", None, 100),
        LabValue("HDL cholesterol", "2085-9", hdl, "mg/dL", 40, None),
        LabValue("Potassium", "2823-3", potassium, "mmol/L", 3.5, 5.1),
        LabValue("Sodium", "2951-2", sodium, "mmol/L", 136, 145),
    ]


def build_adult(seed: PatientSeed) -> SyntheticPatient:
    b = PatientBuilder(seed)
    hospital = b.organization("Clinique Saint-Luc Bouge", "71000123", "Namur")
    lab = b.organization("Laboratoire de biologie clinique de Namur", "82470091001", "Namur")
    pharmacy = b.organization("Pharmacie des Tilleuls", "24012345", "Namur")
    practice = b.organization("Cabinet médical du Parc", "19812345", "Namur")
    gp = b.practitioner(
        "Lambert", "Sophie", "17345678004", "persphysician", "General practitioner", practice
    )
    cardio = b.practitioner(
        "Vermeulen", "Pieter", "12876543580", "persphysician", "Cardiologist", hospital
    )
    endo = b.practitioner(
        "Dubois", "Claire", "14567890580", "persphysician", "Endocrinologist", hospital
    )
    pharmacist = b.practitioner(
        "Peeters", "Marc", "24012345001", "perspharmacist", "Pharmacist", pharmacy
    )
    nurse = b.practitioner("Janssens", "Ann", "43123456001", "persnurse", "Home nurse", None)
    excluded = b.practitioner(
        "Mertens", "Luc", "19988776004", "persphysician", "Physician", hospital
    )

    # -- medication scheme: 14 lines, one stopped, one suspended ----------------------
    b.medication_line(
        "Metformine Sandoz 850 mg tabl. 120",
        "2416394",
        "A10BA02",
        [Dose("breakfast", 1), Dose("dinner", 1)],
        start="2014-03-10",
        recorder=gp,
        reason="Diabetes",
        instruction="Take with a meal.",
    )
    b.medication_line(
        "Gliclazide Teva 30 mg tabl. MR 90",
        "2891745",
        "A10BB09",
        [Dose("breakfast", 2)],
        start="2018-06-04",
        recorder=endo,
        reason="Diabetes",
    )
    b.medication_line(
        "Toujeo 300 E/ml SoloStar 1,5 ml 3",
        "3290137",
        "A10AE04",
        [Dose("night", 14, UNIT_INSULIN)],
        start="2023-02-20",
        recorder=endo,
        route=ROUTE_SUBCUTANEOUS,
        reason="Diabetes",
        instruction="Inject under the skin of the belly.",
    )
    b.medication_line(
        "Ramipril EG 5 mg tabl. 98",
        "2257962",
        "C09AA05",
        [Dose("morning", 1)],
        start="2012-09-17",
        recorder=gp,
        reason="High blood pressure",
    )
    b.medication_line(
        "Bisoprolol Sandoz 5 mg tabl. 100",
        "2642965",
        "C07AB07",
        [Dose("morning", 1)],
        start="2019-11-05",
        recorder=cardio,
        reason="Heart rhythm",
    )
    b.medication_line(
        "Eliquis 5 mg filmomh. tabl. 168",
        "3021839",
        "B01AF02",
        [Dose("morning", 1), Dose("evening", 1)],
        start="2019-11-05",
        recorder=cardio,
        reason="Prevent blood clots",
        instruction="Never skip a dose.",
    )
    b.medication_line(
        "Atorvastatine Apotex 40 mg tabl. 98",
        "3108305",
        "C10AA05",
        [Dose("evening", 1)],
        start="2020-02-11",
        recorder=gp,
        reason="Cholesterol",
    )
    b.medication_line(
        "Pantoprazole EG 40 mg maagsapresist. tabl. 100",
        "3303948",
        "A02BC02",
        [Dose("before_breakfast", 1)],
        start="2019-11-05",
        recorder=gp,
        reason="Protect the stomach",
    )
    b.medication_line(
        "Spiriva Respimat 2,5 µg inhalatieoplossing 60 doses",
        "3113222",
        "R03BB04",
        [Dose("morning", 2, UNIT_PUFF)],
        start="2021-04-19",
        recorder=gp,
        route=ROUTE_INHALATION,
        reason="Breathing (COPD)",
    )
    b.medication_line(
        "Movicol sachets 30",
        "1557131",
        "A06AD65",
        [Dose("noon", 1, UNIT_SACHET)],
        start="2022-08-01",
        recorder=gp,
        reason="Constipation",
        instruction="Dissolve in a glass of water.",
    )
    b.medication_line(
        "D-Cure 25.000 IE ampoule 4",
        "0141952",
        "A11CC05",
        [Dose("breakfast", 1, UNIT_AMPOULE)],
        start="2021-10-04",
        recorder=gp,
        every=(2, "wk"),
        reason="Vitamin D",
    )
    b.medication_line(
        "Dafalgan 1 g tabl. 60",
        "2788305",
        "N02BE01",
        None,
        start="2020-05-12",
        recorder=gp,
        as_needed="1 tablet if pain, up to 3 a day",
        max_per_day=3,
        reason="Pain",
    )
    b.medication_line(
        "Amlodipine Teva 5 mg tabl. 98",
        "2432060",
        "C08CA01",
        [Dose("evening", 1)],
        start="2015-01-20",
        end="2024-03-18",
        status="completed",
        recorder=cardio,
        reason="High blood pressure",
    )
    b.medication_line(
        "Lasix 40 mg tabl. 30",
        "0041590",
        "C03CA01",
        [Dose("morning", 1)],
        start="2024-03-18",
        recorder=cardio,
        status="on-hold",
        reason="Water in the legs",
        suspension=("2026-11-02", "2026-12-15", "Dehydration: stop until the next check-up"),
    )

    # -- open e-prescriptions ------------------------------------------------------------
    b.prescription(
        "BEP0KZ3TQ8M4",
        "Eliquis 5 mg filmomh. tabl. 168",
        "3021839",
        "B01AF02",
        authored="2026-10-28",
        valid_until="2027-10-28",
        requester=cardio,
        instruction="1 tablet morning and evening",
        boxes=1,
    )
    b.prescription(
        "BEP0H7N2WX5C",
        "Metformine Sandoz 850 mg tabl. 120",
        "2416394",
        "A10BA02",
        authored="2026-11-10",
        valid_until="2027-11-10",
        requester=gp,
        instruction="1 tablet at breakfast and 1 at dinner",
        boxes=2,
    )

    # -- problems (ICPC-2, ICD-10, SNOMED CT) -------------------------------------------
    for text, icpc, icd, sct, onset, end in (
        ("Type 2 diabetes", "T90", "E11.9", "44054006", "2014-02-18", None),
        ("High blood pressure", "K86", "I10", "38341003", "2012-09-17", None),
        ("Atrial fibrillation", "K78", "I48.9", "49436004", "2019-10-30", None),
        ("Heart failure", "K77", "I50.9", "84114007", "2024-03-12", None),
        ("High cholesterol", "T93", "E78.0", "55822004", "2020-02-11", None),
        ("COPD", "R95", "J44.9", "13645005", "2021-04-19", None),
        ("Chronic kidney disease, stage 3", "U99", "N18.3", "433144002", "2023-06-05", None),
        ("Broken wrist", "L72", "S52.5", "263225007", "2017-01-09", "2017-03-20"),
    ):
        b.problem(text, icpc, icd, sct, onset=onset, abatement=end, recorder=gp)

    # -- allergies and an adverse drug reaction -----------------------------------------
    b.allergy(
        "Penicillin",
        (fb.SYSTEM_SNOMED, "764146007"),
        kind="allergy",
        category="medication",
        criticality="high",
        reaction=("Hives", "126485001"),
        onset="1988-05-02",
        recorder=gp,
    )
    b.allergy(
        "Wasp venom",
        (fb.SYSTEM_SNOMED, "288328004"),
        kind="allergy",
        category="environment",
        criticality="high",
        reaction=("Swelling of the face", "445088006"),
        onset="2003-08-15",
        recorder=gp,
    )
    b.allergy(
        "Simvastatin",
        (fb.SYSTEM_SNOMED, "387584000"),
        kind="intolerance",
        category="medication",
        criticality="low",
        reaction=("Muscle pain", "68962001"),
        onset="2019-12-09",
        recorder=gp,
        note="Adverse drug reaction: muscle pain with simvastatin. Atorvastatin is tolerated.",
    )

    # -- vaccinations ----------------------------------------------------------------------
    for year in range(2021, 2027):
        b.vaccination(
            "Vaxigrip Tetra",
            "J07BB02",
            "4148128",
            f"{year}-10-{12 + year % 7:02d}",
            performer=gp,
            target="Flu",
            lot=f"VG{year}A{year % 10}",
        )
    b.vaccination(
        "Prevenar 20",
        "J07AL02",
        "4441739",
        "2023-11-06",
        performer=gp,
        dose=1,
        series=1,
        target="Pneumococcus",
    )
    b.vaccination(
        "Boostrix",
        "J07AJ52",
        "1572452",
        "2019-04-02",
        performer=gp,
        dose=1,
        target="Tetanus",
    )
    b.vaccination(
        "Comirnaty JN.1",
        "J07BN01",
        "4605622",
        "2025-10-20",
        performer=pharmacist,
        target="COVID-19",
    )
    b.vaccination_due("Boostrix", "J07AJ52", "2029-04-02", dose=2, target="Tetanus")

    # -- years of laboratory results --------------------------------------------------
    rng = random.Random(1956)
    dates = lab_dates()
    for step, day in enumerate(dates):
        b.lab_report(day.isoformat(), _panel(rng, step, len(dates)), lab=lab, requester=gp)
    b.lab_report(
        "2026-11-16",
        _panel(rng, len(dates), len(dates) + 1)[:4],
        lab=lab,
        requester=gp,
        status="preliminary",
    )
    held = b.lab_report(
        "2026-11-20",
        [LabValue("NT-proBNP", "33762-6", 0, "pg/mL", None, 450)],
        lab=lab,
        requester=cardio,
        status="registered",
        title="Cardiac markers",
    )
    for obs_ref in held["result"]:
        for obs in b.resources:
            if f"Observation/{obs['id']}" == obs_ref["reference"]:
                obs["status"] = "registered"
                del obs["valueQuantity"]
                del obs["interpretation"]
                obs["note"] = [{"text": "Result held back until your doctor has seen it."}]

    # -- documents ---------------------------------------------------------------------
    b.document(
        "Discharge letter - cardiology",
        ("18842-5", "Discharge summary"),
        "2024-03-18",
        author=cardio,
        custodian=hospital,
        body=[
            "Admission 12/03/2024 - 18/03/2024 for fast atrial fibrillation.",
            "Heart rhythm controlled with bisoprolol. Water in the legs: furosemide started.",
            "Amlodipine stopped (swollen ankles).",
            "Follow-up with the cardiologist in 3 months.",
        ],
    )
    b.document(
        "Laboratory report",
        ("11502-2", "Laboratory report"),
        dates[-1].isoformat(),
        author=gp,
        custodian=lab,
        body=["HbA1c, kidney function, cholesterol and salts.", "See the results section."],
    )
    b.document(
        "Consultation - endocrinology",
        ("11488-4", "Consult note"),
        "2025-06-12",
        author=endo,
        custodian=hospital,
        body=[
            "Diabetes less well controlled. HbA1c rising.",
            "Insulin glargine: 14 units in the evening. Check sugar every morning.",
        ],
    )
    b.document(
        "Heart ultrasound",
        ("18748-4", "Diagnostic imaging study"),
        "2024-03-14",
        author=cardio,
        custodian=hospital,
        body=["Left ventricle: normal size, ejection fraction 52 %.", "Left atrium enlarged."],
    )
    b.document(
        "Eye check-up for diabetes",
        ("11488-4", "Consult note"),
        "2025-02-03",
        author=endo,
        custodian=hospital,
        body=["No damage to the retina. Next check-up in 2 years."],
        pdf=False,
    )
    b.document(
        "Summary from your GP (Sumehr)",
        ("60591-5", "Patient summary"),
        "2026-09-02",
        author=gp,
        custodian=pharmacy,
        body=[
            "Diabetes type 2, high blood pressure, atrial fibrillation, COPD.",
            "Allergic to penicillin and wasp venom.",
        ],
    )

    # -- consent, exclusion, relations, access log --------------------------------------
    b.consent("2013-05-21")
    b.exclusion(excluded, "2022-01-10")
    b.care_team(
        [
            (gp, "gmd-holder", "2010-01-04"),
            (pharmacist, "reference-pharmacist", "2018-02-01"),
            (cardio, "therapeutic-relation", "2019-10-30"),
            (endo, "therapeutic-relation", "2018-06-04"),
            (nurse, "therapeutic-relation", "2023-02-20"),
        ]
    )
    for who, org, when, what in (  # who looked at what, from where
        (gp, pharmacy, "2026-11-10T10:12:00+01:00", "Medication scheme"),
        (pharmacist, pharmacy, "2026-11-12T15:40:00+01:00", "Open prescriptions"),
        (cardio, hospital, "2026-10-28T09:05:00+01:00", "Laboratory results"),
        (cardio, hospital, "2026-10-28T09:06:00+01:00", "Medication scheme"),
        (endo, hospital, "2026-06-11T14:30:00+02:00", "Laboratory results"),
        (nurse, pharmacy, "2026-09-15T08:20:00+02:00", "Medication scheme"),
        (gp, pharmacy, "2026-09-02T11:00:00+02:00", "Summary (Sumehr)"),
        (pharmacist, pharmacy, "2026-08-19T16:45:00+02:00", "Medication scheme"),
    ):
        b.access(who, org, when, what)
    return b.build()
