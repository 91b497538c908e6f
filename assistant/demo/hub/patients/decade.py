"""A chronic patient's record over 10 years, for the scale benchmark: about ten times the adult's.

Lab reports every 2 weeks with 20 tests (≥ 5 000 observations), 400 medication lines (each
medicine renewed, changed and stopped over the years), 300 documents (letters, reports and
notes, half of them small PDFs). Deterministic: a fixed seed, fixed dates, stable ids.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from assistant.demo.hub.patients.builder import (
    ROUTE_INHALATION,
    ROUTE_ORAL,
    ROUTE_SUBCUTANEOUS,
    UNIT_INSULIN,
    UNIT_PUFF,
    Dose,
    LabValue,
    PatientBuilder,
    PatientSeed,
    SyntheticPatient,
)

FIRST_DAY = date(2016, 11, 7)
YEARS = 10
LAB_EVERY_DAYS = 14
MEDICATION_LINES = 400
DOCUMENTS = 300

#: (name, CNK, ATC, doses, reason); a line of each is renewed until the 400 lines are made.
_MEDICINES: tuple[tuple[str, str, str, tuple[Dose, ...], str], ...] = (
    ("Metformine Sandoz 850 mg", "2416394", "A10BA02", (Dose("breakfast", 1),), "Diabetes"),
    ("Gliclazide Teva 30 mg", "2891745", "A10BB09", (Dose("breakfast", 2),), "Diabetes"),
    ("Toujeo 300 E/ml", "3290137", "A10AE04", (Dose("night", 14, UNIT_INSULIN),), "Diabetes"),
    ("Ramipril EG 5 mg", "2257962", "C09AA05", (Dose("morning", 1),), "High blood pressure"),
    ("Bisoprolol Sandoz 5 mg", "2642965", "C07AB07", (Dose("morning", 1),), "Heart rhythm"),
    ("Eliquis 5 mg", "3021839", "B01AF02", (Dose("morning", 1), Dose("evening", 1)), "Clots"),
    ("Atorvastatine Apotex 40 mg", "3108305", "C10AA05", (Dose("evening", 1),), "Cholesterol"),
    ("Pantoprazole EG 40 mg", "3303948", "A02BC02", (Dose("before_breakfast", 1),), "Stomach"),
    ("Spiriva Respimat 2,5 µg", "3113222", "R03BB04", (Dose("morning", 2, UNIT_PUFF),), "COPD"),
    ("Amlodipine Teva 5 mg", "2432060", "C08CA01", (Dose("evening", 1),), "High blood pressure"),
    ("Lasix 40 mg", "0041590", "C03CA01", (Dose("morning", 1),), "Water in the legs"),
    ("Allopurinol Sandoz 100 mg", "1562503", "M04AA01", (Dose("dinner", 1),), "Gout"),
    ("L-Thyroxine Christiaens 50 µg", "0868562", "H03AA01", (Dose("before_breakfast", 1),), ""),
)

_ROUTES = {"R03BB04": ROUTE_INHALATION, "A10AE04": ROUTE_SUBCUTANEOUS}

_DOCUMENT_KINDS = (
    ("Consultation - cardiology", ("11488-4", "Consult note")),
    ("Consultation - endocrinology", ("11488-4", "Consult note")),
    ("Laboratory report", ("11502-2", "Laboratory report")),
    ("Discharge letter", ("18842-5", "Discharge summary")),
    ("Heart ultrasound", ("18748-4", "Diagnostic imaging study")),
    ("Eye check-up for diabetes", ("11488-4", "Consult note")),
)


def _panel(rng: random.Random, t: float) -> list[LabValue]:
    """20 tests; ``t`` goes from 0 (first report) to 1 (last): values drift slowly."""

    def v(mid: float, drift: float, spread: float, digits: int = 1) -> float:
        return round(mid + drift * t + rng.uniform(-spread, spread), digits)

    return [
        LabValue("HbA1c", "4548-4", v(6.8, 1.2, 0.3), "%", 4.0, 6.0),
        LabValue("Fasting glucose", "1558-6", v(125, 30, 15, 0), "mg/dL", 70, 100),
        LabValue("Creatinine", "2160-0", v(1.0, 0.4, 0.06, 2), "mg/dL", 0.7, 1.2),
        LabValue(
            "eGFR (CKD-EPI)",
            "62238-1",
            v(72, -30, 3, 0),
            "mL/min/1.73m2",
            60,
            None,
            "mL/min/{1.73_m2}",
        ),
        LabValue("Total cholesterol", "2093-3", v(215, -45, 12, 0), "mg/dL", None, 190),
        LabValue("LDL cholesterol", "13457-7", v(130, -45, 10, 0), "mg/dL", None, 100),
        LabValue("HDL cholesterol", "2085-9", v(44, 0, 5, 0), "mg/dL", 40, None),
        LabValue("Triglycerides", "2571-8", v(160, -20, 30, 0), "mg/dL", None, 150),
        LabValue("Potassium", "2823-3", v(4.4, 0.5, 0.3), "mmol/L", 3.5, 5.1),
        LabValue("Sodium", "2951-2", v(139, 0, 3, 0), "mmol/L", 136, 145),
        LabValue("Haemoglobin", "718-7", v(14.0, -1.5, 0.6), "g/dL", 13.0, 17.0),
        LabValue("White blood cells", "6690-2", v(7.0, 0, 1.5), "10*9/L", 4.0, 10.0),
        LabValue("Platelets", "777-3", v(250, -20, 40, 0), "10*9/L", 150, 400),
        LabValue("TSH", "3016-3", v(2.2, 0.5, 0.8, 2), "mU/L", 0.4, 4.0),
        LabValue("ALT", "1742-6", v(28, 5, 8, 0), "U/L", None, 41),
        LabValue("AST", "1920-8", v(25, 4, 6, 0), "U/L", None, 40),
        LabValue("Gamma-GT", "2324-2", v(35, 10, 10, 0), "U/L", None, 60),
        LabValue("CRP", "1988-5", v(3, 1, 2.5), "mg/L", None, 5),
        LabValue("Uric acid", "3084-1", v(6.5, 0.8, 0.8), "mg/dL", 3.4, 7.0),
        LabValue("Vitamin D", "1989-3", v(24, 8, 6, 0), "ng/mL", 30, 100),
    ]


def build_decade(seed: PatientSeed) -> SyntheticPatient:
    """The 10-year record of ``seed``'s person (a few seconds' worth of data to map)."""
    rng = random.Random(2016)
    b = PatientBuilder(seed)
    hospital = b.organization("Clinique Saint-Luc Bouge", "71000123", "Namur")
    lab = b.organization("Laboratoire de biologie clinique de Namur", "82470091001", "Namur")
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
    last_day = FIRST_DAY + timedelta(days=365 * YEARS)

    # -- medication lines: each medicine renewed every few months; the last line open -----
    per_medicine = MEDICATION_LINES // len(_MEDICINES)
    extra = MEDICATION_LINES - per_medicine * len(_MEDICINES)
    for k, (name, cnk, atc, doses, reason) in enumerate(_MEDICINES):
        lines = per_medicine + (1 if k < extra else 0)
        span = (last_day - FIRST_DAY).days // lines
        for n in range(lines):
            start = FIRST_DAY + timedelta(days=n * span + k)
            open_line = n == lines - 1
            b.medication_line(
                name,
                cnk,
                atc,
                list(doses),
                start=start.isoformat(),
                end=None if open_line else (start + timedelta(days=span - 1)).isoformat(),
                status="active" if open_line else "completed",
                recorder=(gp, cardio, endo)[k % 3],
                route=_ROUTES.get(atc, ROUTE_ORAL),
                reason=reason or None,
            )

    # -- a lab report every 2 weeks, 20 tests each ----------------------------------------
    reports = (last_day - FIRST_DAY).days // LAB_EVERY_DAYS
    for step in range(reports):
        day = FIRST_DAY + timedelta(days=step * LAB_EVERY_DAYS)
        b.lab_report(
            day.isoformat(), _panel(rng, step / max(reports - 1, 1)), lab=lab, requester=gp
        )

    # -- documents ---------------------------------------------------------------------
    every = (last_day - FIRST_DAY).days // DOCUMENTS
    for n in range(DOCUMENTS):
        title, loinc = _DOCUMENT_KINDS[n % len(_DOCUMENT_KINDS)]
        day = FIRST_DAY + timedelta(days=n * every + 3)
        b.document(
            title,
            loinc,
            day.isoformat(),
            author=(gp, cardio, endo)[n % 3],
            custodian=hospital,
            body=[f"{title} of {day.isoformat()}.", "Follow-up as planned."],
            pdf=n % 2 == 0,
        )
    b.consent("2013-05-21")
    return b.build()
