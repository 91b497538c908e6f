"""Synthetic patients of the demo hub: one for every citizen of the virtual card.

Generated in code, deterministically (fixed dates, seeded random values, uuid5 ids), and
matched to the cards by national number.
"""

from __future__ import annotations

from functools import cache

from assistant.demo.card.citizens import CITIZENS, Citizen
from assistant.demo.hub.patients.adult import build_adult
from assistant.demo.hub.patients.basic import build_basic
from assistant.demo.hub.patients.builder import PatientSeed, SyntheticPatient
from assistant.demo.hub.patients.decade import build_decade
from assistant.demo.hub.patients.kid import build_kid

__all__ = ["PatientSeed", "SyntheticPatient", "decade_patient", "seed_of", "synthetic_patients"]


def _fhir_birth_date(c: Citizen) -> str:
    if c.birth_month is None:
        return f"{c.birth_year:04d}"
    if c.birth_day is None:
        return f"{c.birth_year:04d}-{c.birth_month:02d}"
    return f"{c.birth_year:04d}-{c.birth_month:02d}-{c.birth_day:02d}"


def seed_of(c: Citizen) -> PatientSeed:
    return PatientSeed(
        citizen_id=c.id,
        national_number=c.national_number,
        family=c.surname,
        given=tuple(c.first_names.split()),
        gender="female" if c.is_female else "male",
        birth_date=_fhir_birth_date(c),
        language=c.language,
    )


@cache
def synthetic_patients() -> dict[str, SyntheticPatient]:
    """Every synthetic patient, keyed by national number (built once per process)."""
    out: dict[str, SyntheticPatient] = {}
    for citizen in CITIZENS.values():
        seed = seed_of(citizen)
        if citizen.id == "adult":
            patient = build_adult(seed)
        elif citizen.id == "kid":
            patient = build_kid(seed)
        else:
            patient = build_basic(seed, citizen.chronic_conditions)
        out[citizen.national_number] = patient
    return out


def decade_patient() -> SyntheticPatient:
    """The adult's person with 10 years of a chronic record (the scale benchmark's data)."""
    return build_decade(seed_of(CITIZENS["adult"]))
