"""The official patient portal, prepared and guided: where it is in each language, whether this
computer is ready for its eID login, and what the patient will see there."""
