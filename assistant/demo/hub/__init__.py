"""The demo hub: a FHIR R4 server with synthetic patients and an eID challenge login."""
