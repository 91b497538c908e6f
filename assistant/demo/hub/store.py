"""The demo hub's resource store: per-patient compartments, FHIR search, paging and _include."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.demo.hub.fhir_build import SYSTEM_SSIN, Resource
from assistant.demo.hub.patients import SyntheticPatient

#: How each searchable type points at its patient (the FHIR search parameters that work).
PATIENT_LINK: dict[str, tuple[str, ...]] = {
    "MedicationStatement": ("subject",),
    "MedicationRequest": ("subject",),
    "Condition": ("subject",),
    "DiagnosticReport": ("subject",),
    "Observation": ("subject",),
    "DocumentReference": ("subject",),
    "CareTeam": ("subject",),
    "Immunization": ("patient",),
    "ImmunizationRecommendation": ("patient",),
    "AllergyIntolerance": ("patient",),
    "Consent": ("patient",),
    "AuditEvent": ("entity",),
}

#: Types readable only as part of a patient's compartment (practitioners, organisations...).
SHARED_TYPES = ("Practitioner", "PractitionerRole", "Organization")

SEARCHABLE = ("Patient", *PATIENT_LINK, *SHARED_TYPES)

#: ``_include`` values the hub understands → the elements holding the references.
INCLUDES: dict[str, tuple[str, ...]] = {
    "DiagnosticReport:result": ("result",),
    "DiagnosticReport:performer": ("performer", "resultsInterpreter"),
    "MedicationStatement:source": ("informationSource",),
    "MedicationRequest:requester": ("requester",),
    "DocumentReference:author": ("author",),
    "DocumentReference:custodian": ("custodian",),
    "CareTeam:participant": ("participant",),
    "Immunization:performer": ("performer",),
    "AllergyIntolerance:recorder": ("recorder",),
    "Condition:recorder": ("recorder",),
    "Consent:actor": ("provision",),
    "AuditEvent:agent": ("agent",),
    "PractitionerRole:practitioner": ("practitioner",),
    "PractitionerRole:organization": ("organization",),
}

#: Token-style filters supported per type: parameter → element holding a code.
STATUS_PARAMS = ("status",)


class SearchError(Exception):
    """A search the hub cannot answer (400 with an OperationOutcome)."""


def references_in(value: Any) -> Iterator[str]:
    """Every ``reference`` string found anywhere inside ``value``."""
    if isinstance(value, dict):
        ref = value.get("reference")
        if isinstance(ref, str):
            yield ref
        for v in value.values():
            if isinstance(v, (dict, list)):
                yield from references_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from references_in(v)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a search: the matches, what they include, and the total match count."""

    matches: list[Resource]
    included: list[Resource]
    total: int
    offset: int
    count: int


class Compartment:
    """One patient's resources, indexed by ``Type/id``."""

    def __init__(self, patient: SyntheticPatient) -> None:
        self.patient = patient
        self.by_key: dict[str, Resource] = {
            f"{r['resourceType']}/{r['id']}": r for r in patient.resources
        }
        self.by_type: dict[str, list[Resource]] = {}
        for r in patient.resources:
            self.by_type.setdefault(r["resourceType"], []).append(r)

    @property
    def patient_id(self) -> str:
        return self.patient.patient_id

    def read(self, resource_type: str, resource_id: str) -> Resource | None:
        return self.by_key.get(f"{resource_type}/{resource_id}")

    def search(
        self,
        resource_type: str,
        filters: Mapping[str, list[str]],
        includes: Iterable[str],
        iterate: Iterable[str],
        *,
        offset: int,
        count: int,
    ) -> Page:
        if resource_type not in SEARCHABLE:
            raise SearchError(f"unsupported resource type {resource_type}")
        matches = [r for r in self.by_type.get(resource_type, []) if self._match(r, filters)]
        page = matches[offset : offset + count]
        included = self._include(page, list(includes), list(iterate))
        return Page(page, included, len(matches), offset, count)

    def _match(self, resource: Resource, filters: Mapping[str, list[str]]) -> bool:
        for name, values in filters.items():
            if name in ("patient", "subject"):
                continue  # the app already checked the compartment
            wanted = {v for value in values for v in value.split(",")}
            if name == "_id":
                if resource["id"] not in wanted:
                    return False
            elif name == "identifier":
                if not any(_identifier_matches(resource, w) for w in wanted):
                    return False
            elif name in STATUS_PARAMS:
                if resource.get("status") not in wanted:
                    return False
            elif name == "category":
                if not _codes_of(resource.get("category")) & wanted:
                    return False
            else:
                raise SearchError(f"unsupported search parameter {name}")
        return True

    def _include(
        self, page: list[Resource], includes: list[str], iterate: list[str]
    ) -> list[Resource]:
        for inc in (*includes, *iterate):
            if inc not in INCLUDES:
                raise SearchError(f"unsupported _include {inc}")
        seen = {f"{r['resourceType']}/{r['id']}" for r in page}
        out: list[Resource] = []

        def follow(sources: list[Resource], rules: list[str]) -> list[Resource]:
            found: list[Resource] = []
            for rule in rules:
                source_type = rule.split(":", 1)[0]
                for resource in sources:
                    if resource["resourceType"] != source_type:
                        continue
                    for element in INCLUDES[rule]:
                        for ref in references_in(resource.get(element)):
                            target = self.by_key.get(ref)
                            if target is not None and ref not in seen:
                                seen.add(ref)
                                found.append(target)
            return found

        out.extend(follow(page, includes))
        frontier = [*page, *out]
        while iterate and frontier:
            frontier = follow(frontier, iterate)
            out.extend(frontier)
        return out


def _codes_of(concepts: Any) -> set[str]:
    """Codes (and ``system|code`` pairs) of a CodeableConcept or a list of them."""
    out: set[str] = set()
    for concept in concepts if isinstance(concepts, list) else [concepts]:
        if not isinstance(concept, dict):
            continue
        for c in concept.get("coding", []) or []:
            code = c.get("code")
            if isinstance(code, str):
                out.add(code)
                out.add(f"{c.get('system', '')}|{code}")
    return out


def _identifier_matches(resource: Resource, wanted: str) -> bool:
    system, _, value = wanted.rpartition("|")
    for ident in resource.get("identifier", []) or []:
        if ident.get("value") == value and (not system or ident.get("system") == system):
            return True
    return False


class HubStore:
    """All patients of the hub, found by national number or by patient id."""

    def __init__(self, patients: Mapping[str, SyntheticPatient]) -> None:
        self._by_nn = {nn: Compartment(p) for nn, p in patients.items()}
        self._by_id = {c.patient_id: c for c in self._by_nn.values()}

    def by_national_number(self, national_number: str) -> Compartment | None:
        return self._by_nn.get(national_number)

    def by_patient_id(self, patient_id: str) -> Compartment | None:
        return self._by_id.get(patient_id)

    def owner_of_identifier(self, wanted: str) -> Compartment | None:
        """The compartment whose patient has ``system|value`` (SSIN) as identifier."""
        system, _, value = wanted.rpartition("|")
        if system and system != SYSTEM_SSIN:
            return None
        return self._by_nn.get(value)
