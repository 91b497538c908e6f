"""The public Belgian eID root certificates (PEM), read by ``assistant.card.trust``."""
