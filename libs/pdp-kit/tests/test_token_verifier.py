"""The verifier every service runs, attacked directly: forged, stale, foreign or oversized tokens
are refused (401); a key rotation is followed without a 401; a JWKS outage is a 503."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from pdp_kit.auth.tokens import TokenIssuer, TokenVerifier, generate_signing_key
from pdp_kit.errors import Unauthenticated, Unavailable

ISSUER, AUDIENCE = "http://gateway.test", "pdp"
JWKS_URL = "http://gateway.test/.well-known/jwks.json"


@pytest.fixture(scope="module")
def key() -> RSAKey:
    return generate_signing_key()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "client-1",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "roles": ["bureau"],
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def signed(key: RSAKey, *, header: dict[str, Any] | None = None, **overrides: Any) -> str:
    head = {"alg": "RS256", "kid": key.kid, "typ": "at+jwt", **(header or {})}
    return jwt.encode(head, claims(**overrides), key)


def verifier(key: RSAKey) -> TokenVerifier:
    return TokenVerifier(
        issuer=ISSUER, audience=AUDIENCE, jwks={"keys": [key.as_dict(private=False)]}
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


async def test_a_well_formed_access_token_verifies(key: RSAKey) -> None:
    principal = await verifier(key).verify(signed(key))
    assert principal.client_id == "client-1"


async def test_a_clock_a_little_behind_is_tolerated(key: RSAKey) -> None:
    now = int(time.time())
    token = signed(key, iat=now + 20, nbf=now + 20, exp=now - 20 + 300)
    assert (await verifier(key).verify(token)).client_id == "client-1"
    expired_within_leeway = signed(key, iat=now - 300, nbf=now - 300, exp=now - 10)
    assert (await verifier(key).verify(expired_within_leeway)).client_id == "client-1"


def _alg_none(key: RSAKey) -> str:
    header = b64(json.dumps({"alg": "none", "typ": "at+jwt", "kid": key.kid}).encode())
    return f"{header}.{b64(json.dumps(claims()).encode())}."


def _hs256_with_public_key(key: RSAKey) -> str:
    secret = OctKey.import_key(json.dumps(key.as_dict(private=False)).encode())
    header = {"alg": "HS256", "kid": key.kid, "typ": "at+jwt"}
    return jwt.encode(header, claims(), secret, algorithms=["HS256"])


def _embedded_jwk(_: RSAKey) -> str:
    mine = generate_signing_key()
    header = {"jwk": mine.as_dict(private=False), "kid": mine.kid}
    return signed(mine, header=header)


def _edited_payload(key: RSAKey) -> str:
    header, _, signature = signed(key).split(".")
    forged = b64(json.dumps(claims(roles=["bureau", "service"])).encode())
    return f"{header}.{forged}.{signature}"


ATTACKS = {
    "alg-none": _alg_none,
    "hs256-keyed-with-the-public-key": _hs256_with_public_key,
    "unknown-kid": lambda key: signed(generate_signing_key()),
    "embedded-jwk": _embedded_jwk,
    "expired": lambda key: signed(key, exp=int(time.time()) - 60, iat=int(time.time()) - 400),
    "future-nbf": lambda key: signed(key, nbf=int(time.time()) + 120),
    "future-iat": lambda key: signed(key, iat=int(time.time()) + 120),
    "other-issuer": lambda key: signed(key, iss="http://evil.example"),
    "other-audience": lambda key: signed(key, aud="elsewhere"),
    "edited-payload": _edited_payload,
    "oversize": lambda key: signed(key, padding="x" * 10_000),
    "not-an-access-token": lambda key: signed(key, header={"typ": "JWT"}),
    "no-typ": lambda key: jwt.encode({"alg": "RS256", "kid": key.kid}, claims(), key),
    "too-long-a-lifetime": lambda key: signed(key, exp=int(time.time()) + 7 * 86_400),
    "no-iat": lambda key: signed(key, iat=None),
    "two-parts": lambda key: ".".join(signed(key).split(".")[:2]),
    "garbage": lambda key: "not.a.token",
}


@pytest.mark.parametrize("attack", list(ATTACKS), ids=list(ATTACKS))
async def test_a_forged_or_foreign_token_is_refused(key: RSAKey, attack: str) -> None:
    with pytest.raises(Unauthenticated):
        await verifier(key).verify(ATTACKS[attack](key))


class Gateway:
    """A JWKS endpoint whose key set the test changes, counting fetches, or failing."""

    def __init__(self, *keys: RSAKey) -> None:
        self.keys = list(keys)
        self.fetches = 0
        self.down = False

    def transport(self) -> httpx.MockTransport:
        def answer(request: httpx.Request) -> httpx.Response:
            self.fetches += 1
            if self.down:
                return httpx.Response(503)
            return httpx.Response(200, json={"keys": [k.as_dict(private=False) for k in self.keys]})

        return httpx.MockTransport(answer)

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(
            issuer=ISSUER, audience=AUDIENCE, jwks_url=JWKS_URL, transport=self.transport()
        )


async def test_a_rotation_causes_no_401() -> None:
    old, new = generate_signing_key(), generate_signing_key()
    gateway = Gateway(old)
    service = gateway.verifier()
    before = TokenIssuer(old, issuer=ISSUER, audience=AUDIENCE).issue(client_id="c", roles=[])
    assert (await service.verify(before.access_token)).client_id == "c"
    # The gateway rotates: it signs with the new key and still publishes the old one.
    rotated = TokenIssuer(new, issuer=ISSUER, audience=AUDIENCE, previous_keys=[old])
    gateway.keys = [new, old]
    after = rotated.issue(client_id="c", roles=[])
    assert (await service.verify(after.access_token)).client_id == "c"
    old_again = TokenIssuer(old, issuer=ISSUER, audience=AUDIENCE).issue(client_id="d", roles=[])
    assert (await service.verify(old_again.access_token)).client_id == "d"
    assert gateway.fetches == 2
    assert service.kids == {old.kid, new.kid}


async def test_unknown_kids_refresh_the_set_with_backoff_not_per_request(key: RSAKey) -> None:
    gateway = Gateway(key)
    service = gateway.verifier()
    await service.verify(signed(key))
    stranger = generate_signing_key()
    for n in range(20):
        with pytest.raises(Unauthenticated):
            await service.verify(signed(stranger, header={"kid": f"made-up-{n}"}))
    assert gateway.fetches == 2  # the first fetch, then one refresh; the rest wait out the backoff


async def test_an_unreachable_jwks_is_503_not_401(key: RSAKey) -> None:
    gateway = Gateway(key)
    gateway.down = True
    with pytest.raises(Unavailable):
        await gateway.verifier().verify(signed(key))


async def test_the_issuer_publishes_current_and_previous_keys() -> None:
    old, new = generate_signing_key(), generate_signing_key()
    issuer = TokenIssuer(new, issuer=ISSUER, audience=AUDIENCE, previous_keys=[old])
    assert [k["kid"] for k in issuer.jwks()["keys"]] == [new.kid, old.kid]
    assert issuer.kid == new.kid
