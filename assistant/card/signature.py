"""The contract between the card layer and the record layer for the eID challenge.

The hub sends a nonce; the client hashes it with SHA-384; the card signs the 48-byte digest
with its authentication key (ECDSA P-384) after the PIN is verified and returns the raw
``r || s`` signature (96 bytes). The hub checks the certificate chain (authentication
certificate → citizen CA → root CA), converts ``r || s`` to DER and verifies the signature
over the digest (``ECDSA(Prehashed(SHA384()))``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

DIGEST_SIZE = 48


def challenge_digest(challenge: bytes) -> bytes:
    """The SHA-384 digest of the hub's challenge: what the card signs."""
    return hashlib.sha384(challenge).digest()


@dataclass(frozen=True)
class ChallengeSignature:
    """A signed challenge: raw ECDSA ``r || s`` and the DER certificates, leaf first."""

    signature: bytes
    certificate_chain: tuple[bytes, ...]


class ChallengeSigner(Protocol):
    """Something that can sign a hub challenge with the card's authentication key."""

    def sign_challenge(self, challenge: bytes) -> ChallengeSignature: ...
