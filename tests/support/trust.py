"""The trust store the tests read virtual cards with: the Belgian roots plus the test roots."""

from __future__ import annotations

from assistant.card.trust import TrustStore
from assistant.demo.card.pki import demo_roots

DEMO_TRUST = TrustStore.belgian().with_roots(*demo_roots())
