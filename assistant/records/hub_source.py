"""The record from a FHIR hub, after an eID login: :class:`HubRecordSource` (a RecordSource).

One ``load()`` = log in with the card (challenge, signature, token), then read the patient and
run one search per section, following paging. The resources go through the FHIR mapper;
entries the client could not read come back as :class:`UnreadablePart` items.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from assistant.card.signature import ChallengeSigner
from assistant.errors import BadDataError, ServiceRefusedError
from assistant.records.auth import AccessToken, login
from assistant.records.fhir_client import FhirClient, Json, SearchResult, is_this_computer
from assistant.records.fhir_map import record_from_fhir
from assistant.records.model import ItemSource, Record, SourceKind, UnreadablePart

log = logging.getLogger(__name__)

PAGE_SIZE = "100"
#: Searches in flight at once: the hub answers in parallel, a remote hub's latency overlaps.
PARALLEL_SEARCHES = 4
#: The whole record (the patient, every search and every page) must have arrived this long
#: after the login; then the load stops with ServiceDownError ("the service does not answer").
#: Each request has its own, shorter deadline too (fhir_client.REQUEST_DEADLINE_S).
RECORD_LOAD_DEADLINE_S = 120.0


def default_parallel(base_url: str) -> int:
    """How many searches to keep in flight for a hub at ``base_url``: one on this computer
    (the demo hub has no latency to overlap, and threads only share one interpreter lock:
    28 ms against 32-34 ms for the demo adult's record), else PARALLEL_SEARCHES."""
    from urllib.parse import urlsplit

    return 1 if is_this_computer(urlsplit(base_url).hostname or "") else PARALLEL_SEARCHES


#: One search per section of the record, with the references worth including.
_ROLES = "PractitionerRole:practitioner,PractitionerRole:organization"
SEARCHES: tuple[tuple[str, dict[str, str]], ...] = (
    ("MedicationStatement", {"_include": "MedicationStatement:source"}),
    ("MedicationRequest", {"status": "active", "_include": "MedicationRequest:requester"}),
    ("Immunization", {"_include": "Immunization:performer"}),
    ("ImmunizationRecommendation", {}),
    ("AllergyIntolerance", {"_include": "AllergyIntolerance:recorder"}),
    ("Condition", {}),
    ("DiagnosticReport", {}),
    ("Observation", {"category": "laboratory"}),
    ("DocumentReference", {"_include": "DocumentReference:author"}),
    ("Consent", {"_include": "Consent:actor", "_include:iterate": _ROLES}),
    ("CareTeam", {"_include": "CareTeam:participant", "_include:iterate": _ROLES}),
    ("AuditEvent", {"_include": "AuditEvent:agent", "_include:iterate": _ROLES}),
)


class HubRecordSource:
    """Loads the card holder's record from the hub at ``base_url`` (blocking; use a worker).

    Raises NetworkError / ServiceDownError / ServiceRefusedError / BadDataError (and the
    card's own errors while signing the challenge).
    """

    def __init__(
        self,
        client: httpx.Client,
        base_url: str,
        signer: ChallengeSigner,
        *,
        timeout: httpx.Timeout | float | None = None,
        parallel: int | None = None,
        load_deadline_s: float = RECORD_LOAD_DEADLINE_S,
    ) -> None:
        self.client = client
        #: Seconds the record may take to arrive after the login.
        self.load_deadline_s = load_deadline_s
        #: Searches in flight at once (default: one on this computer, else PARALLEL_SEARCHES).
        self.parallel = default_parallel(base_url) if parallel is None else parallel
        self.base_url = base_url.rstrip("/")
        self.signer = signer
        self.timeout = timeout
        self.last_token: AccessToken | None = None

    def forget(self) -> None:
        """Drop the last token (Finish, card removal, inactivity lock)."""
        self.last_token = None

    @property
    def fhir_base(self) -> str:
        return f"{self.base_url}/fhir"

    def load(self) -> Record:
        token = login(self.client, self.base_url, self.signer, timeout=self.timeout)
        self.last_token = token
        return self.load_with(token)

    def load_with(self, token: AccessToken) -> Record:
        """Fetch and map the record with a token already obtained."""
        if token.expired():
            raise ServiceRefusedError("hub token expired before the record was read")
        fhir = FhirClient(
            self.client,
            self.fhir_base,
            token.token,
            timeout=self.timeout,
            deadline=time.monotonic() + self.load_deadline_s,
        )
        resources, unreadable = self.fetch(fhir, token.patient_id)
        record = record_with_unreadable(
            resources, unreadable, ItemSource(SourceKind.HUB, self.base_url)
        )
        found = record.patient.national_number if record.patient is not None else ""
        if token.holder and found != token.holder:
            record.wipe()
            raise BadDataError("hub sent the record of another person than the card holder")
        return record

    def fetch(self, fhir: FhirClient, patient_id: str) -> tuple[list[Json], list[UnreadablePart]]:
        """The raw resources of the patient (each once) and the entries that could not be read."""
        return fetch_patient_resources(fhir, patient_id, parallel=self.parallel)


def fetch_patient_resources(
    fhir: FhirClient, patient_id: str, *, parallel: int = 1, patient_param: str | None = None
) -> tuple[list[Json], list[UnreadablePart]]:
    """Read the patient and run the searches of :data:`SEARCHES` for them (any FHIR R4 server).

    The searches run ``parallel`` at a time (the connection pool is shared); results are
    merged in the fixed order of :data:`SEARCHES`, so the outcome does not depend on timing.
    ``patient_param`` is the value of the searches' ``patient`` parameter (the bare id by
    default; ``Patient/<id>`` is the form every server takes).
    """
    patient = fhir.read("Patient", patient_id)
    if patient.get("id") != patient_id:
        raise BadDataError("hub returned another patient than the token's")
    wanted = patient_id if patient_param is None else patient_param

    def run(search: tuple[str, dict[str, str]]) -> SearchResult:
        resource_type, extra = search
        return fhir.search(resource_type, {"patient": wanted, "_count": PAGE_SIZE, **extra})

    if parallel > 1:
        pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="hub-fetch")
        try:
            futures = [pool.submit(run, search) for search in SEARCHES]
            results = [future.result() for future in futures]
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    else:
        results = [run(search) for search in SEARCHES]

    resources: list[Json] = [patient]
    seen = {f"Patient/{patient_id}"}
    unreadable: list[UnreadablePart] = []
    for result in results:
        unreadable.extend(result.unreadable)
        for resource in result.resources:
            key = f"{resource.get('resourceType')}/{resource.get('id')}"
            if resource.get("id") is not None and key in seen:
                continue
            seen.add(key)
            resources.append(resource)
    log.info("hub: record read (%d resources, %d unreadable)", len(resources), len(unreadable))
    return resources, unreadable


def record_with_unreadable(
    resources: list[Json], unreadable: list[UnreadablePart], source: ItemSource
) -> Record:
    """The record mapped from ``resources``, with the parts that could not be read."""
    record = record_from_fhir(resources, source)
    for part in unreadable:
        record.unreadable.append(
            UnreadablePart(
                where=part.where,
                why=part.why,
                reason=part.reason,
                kind=part.kind,
                raw=part.raw,
                source=source,
            )
        )
    return record
