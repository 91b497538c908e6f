"""Record layer: domain model, FHIR client, KMEHR and FHIR file readers, authentication."""
