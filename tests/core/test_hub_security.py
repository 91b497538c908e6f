"""The hub's eID challenge login, checked directly on the Authority (no HTTP)."""

from __future__ import annotations

import pytest

from assistant.card.signature import ChallengeSignature
from assistant.demo.card.citizens import CITIZENS
from assistant.demo.card.pki import card_keys, root_ca_certificate
from assistant.demo.hub.security import AuthFailure, Authority, Challenge
from assistant.records.auth import login_message
from tests.support.hub import (
    ManualClock,
    VirtualCardSigner,
    foreign_ca_signer,
    wrong_key_signer,
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


ORIGIN = "https://hub.example:8443"


@pytest.fixture
def authority(clock: ManualClock) -> Authority:
    authority = Authority(
        [root_ca_certificate()], clock=clock, nonce_lifetime=60, token_lifetime=300
    )
    authority.bind_origin(ORIGIN)
    return authority


def _bound(challenge: Challenge, origin: str = ORIGIN) -> bytes:
    """What the program asks the card to sign for ``challenge`` at ``origin``."""
    return login_message(origin, challenge.nonce, challenge.expires_at)


def _answer(authority: Authority, signed: ChallengeSignature, nonce: bytes) -> str:
    return authority.redeem(nonce, signed.signature, signed.certificate_chain).national_number


@pytest.mark.parametrize("citizen_id", ["adult", "kid", "accents"])
def test_a_real_card_signature_gives_a_token_for_its_holder(
    authority: Authority, citizen_id: str
) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signed = VirtualCardSigner(citizen_id).sign_challenge(_bound(nonce_challenge))
    grant = authority.redeem(nonce, signed.signature, signed.certificate_chain)
    assert grant.national_number == CITIZENS[citizen_id].national_number
    assert authority.grant_for(grant.token) == grant


def test_the_chain_may_stop_below_the_root(authority: Authority) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signed = VirtualCardSigner().sign_challenge(_bound(nonce_challenge))
    grant = authority.redeem(nonce, signed.signature, signed.certificate_chain[:2])
    assert grant.national_number == CITIZENS["adult"].national_number


def test_signature_from_another_key_is_refused(authority: Authority) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signed = wrong_key_signer().sign_challenge(_bound(nonce_challenge))
    with pytest.raises(AuthFailure, match="signature does not match"):
        _answer(authority, signed, nonce)


def test_signature_over_another_nonce_is_refused(authority: Authority) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    other_challenge = authority.new_challenge()
    signed = VirtualCardSigner().sign_challenge(_bound(other_challenge))
    with pytest.raises(AuthFailure, match="signature does not match"):
        _answer(authority, signed, nonce)


def test_certificate_from_another_ca_is_refused(authority: Authority) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signed = foreign_ca_signer().sign_challenge(_bound(nonce_challenge))
    with pytest.raises(AuthFailure, match="trusted root"):
        _answer(authority, signed, nonce)


def test_chain_in_the_wrong_order_is_refused(authority: Authority) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signed = VirtualCardSigner().sign_challenge(_bound(nonce_challenge))
    shuffled = (signed.certificate_chain[1], signed.certificate_chain[0])
    with pytest.raises(AuthFailure):
        authority.redeem(nonce, signed.signature, shuffled)


def test_leaf_signed_chain_with_a_non_ca_issuer_is_refused(authority: Authority) -> None:
    keys = card_keys("adult")
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signed = VirtualCardSigner().sign_challenge(_bound(nonce_challenge))
    # the signature certificate is not a CA: it cannot vouch for anything
    with pytest.raises(AuthFailure, match="not a CA"):
        authority.redeem(nonce, signed.signature, (keys.auth_certificate, keys.sign_certificate))


def test_nonce_is_single_use_even_after_a_failure(authority: Authority) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signer = VirtualCardSigner()
    signed = signer.sign_challenge(_bound(nonce_challenge))
    _answer(authority, signed, nonce)
    with pytest.raises(AuthFailure, match="already used"):
        _answer(authority, signed, nonce)
    nonce2_challenge = authority.new_challenge()
    nonce2 = nonce2_challenge.nonce
    with pytest.raises(AuthFailure):
        _answer(authority, wrong_key_signer().sign_challenge(_bound(nonce2_challenge)), nonce2)
    with pytest.raises(AuthFailure, match="already used"):
        _answer(authority, signer.sign_challenge(_bound(nonce2_challenge)), nonce2)


def test_unknown_nonce_is_refused(authority: Authority) -> None:
    signed = VirtualCardSigner().sign_challenge(b"x" * 32)
    with pytest.raises(AuthFailure, match="unknown"):
        _answer(authority, signed, b"x" * 32)


def test_nonce_expires(authority: Authority, clock: ManualClock) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signed = VirtualCardSigner().sign_challenge(_bound(nonce_challenge))
    clock.advance(61)
    with pytest.raises(AuthFailure, match="expired"):
        _answer(authority, signed, nonce)


def test_token_expires(authority: Authority, clock: ManualClock) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signed = VirtualCardSigner().sign_challenge(_bound(nonce_challenge))
    grant = authority.redeem(nonce, signed.signature, signed.certificate_chain)
    clock.advance(299)
    assert authority.grant_for(grant.token) is not None
    clock.advance(2)
    assert authority.grant_for(grant.token) is None
    assert authority.grant_for("made-up") is None


def test_certificates_outside_their_validity_are_refused(
    authority: Authority, clock: ManualClock
) -> None:
    clock.advance(20 * 365 * 86400)  # 2046: the test PKI ends in 2035
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    signed = VirtualCardSigner().sign_challenge(_bound(nonce_challenge))
    with pytest.raises(AuthFailure, match="validity"):
        _answer(authority, signed, nonce)


@pytest.mark.parametrize(
    ("signature", "chain", "status"),
    [
        (b"\x00" * 96, (), 400),
        (b"\x00" * 96, (b"not a certificate",), 400),
        (b"\x00" * 95, None, 401),
    ],
)
def test_malformed_answers_are_refused(
    authority: Authority, signature: bytes, chain: tuple[bytes, ...] | None, status: int
) -> None:
    nonce_challenge = authority.new_challenge()
    nonce = nonce_challenge.nonce
    if chain is None:
        chain = VirtualCardSigner().sign_challenge(_bound(nonce_challenge)).certificate_chain
    with pytest.raises(AuthFailure) as caught:
        authority.redeem(nonce, signature, chain)
    assert caught.value.status == status


def test_outstanding_nonces_are_bounded(
    authority: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.demo.hub.security as security

    monkeypatch.setattr(security, "MAX_OUTSTANDING", 3)
    first_challenge = authority.new_challenge()
    first = first_challenge.nonce
    for _ in range(3):
        authority.new_challenge()
    signed = VirtualCardSigner().sign_challenge(_bound(first_challenge))
    with pytest.raises(AuthFailure, match="unknown"):  # the oldest was dropped
        _answer(authority, signed, first)


def test_a_signature_made_for_another_hub_is_refused(authority: Authority) -> None:
    """A hub that relays our challenge to the program gets a signature for its own origin:
    useless here."""
    challenge = authority.new_challenge()
    signed = VirtualCardSigner().sign_challenge(_bound(challenge, "https://evil.example"))
    with pytest.raises(AuthFailure, match="signature does not match"):
        _answer(authority, signed, challenge.nonce)


def test_a_signature_with_another_expiry_is_refused(authority: Authority) -> None:
    challenge = authority.new_challenge()
    later = Challenge(challenge.nonce, challenge.expires_at + 3600)
    signed = VirtualCardSigner().sign_challenge(_bound(later))
    with pytest.raises(AuthFailure, match="signature does not match"):
        _answer(authority, signed, challenge.nonce)


def test_a_hub_without_its_origin_refuses_every_login(clock: ManualClock) -> None:
    unbound = Authority([root_ca_certificate()], clock=clock)
    challenge = unbound.new_challenge()
    signed = VirtualCardSigner().sign_challenge(login_message("", challenge.nonce, 0))
    with pytest.raises(AuthFailure, match="origin"):
        _answer(unbound, signed, challenge.nonce)
