"""Forged, stale and misdirected tokens against every service directly (no gateway in front):
every one is a 401 with a problem body. ARCHITECTURE: "every service verifies the gateway-issued
JWT itself (JWKS), so a request that bypasses the gateway gets nothing"."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from service_apps import SERVICES

from pdp_kit.auth.principal import Role
from pdp_kit.auth.tokens import MAX_TOKEN_BYTES, TokenIssuer, generate_signing_key
from pdp_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER

from .conftest import problem_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

#: A protected list every service has: a valid token gets 200 there.
PROBE = {
    "catalog": "/api/catalog/changes",
    "sharing": "/api/sharing/requests",
    "opening": "/api/opening/applications",
    "registry": "/api/registry/registrations",
    "audit": "/api/audit/events",
}


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": TEST_ISSUER,
        "aud": TEST_AUDIENCE,
        "sub": "attacker",
        "client_id": "attacker",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "roles": [Role.BUREAU.value],
        "department": None,
        "operator": None,
        "scope": "bureau",
    }
    body.update(overrides)
    return body


def signed(issuer_key: RSAKey, header: dict[str, Any] | None = None, **claim_overrides: Any) -> str:
    """Signed with ``issuer_key`` (the platform's own key, for claim attacks)."""
    head = {"alg": "RS256", "kid": issuer_key.kid, "typ": "at+jwt", **(header or {})}
    return jwt.encode(head, claims(**claim_overrides), issuer_key)


def alg_none(key: RSAKey) -> str:
    head = {"alg": "none", "kid": key.kid, "typ": "at+jwt"}
    return f"{b64(json.dumps(head).encode())}.{b64(json.dumps(claims()).encode())}."


def hs256_with_public_key(key: RSAKey) -> str:
    """The classic key-confusion attack: the RSA public key (PEM) used as an HMAC secret."""
    head = {"alg": "HS256", "kid": key.kid, "typ": "at+jwt"}
    signing_input = f"{b64(json.dumps(head).encode())}.{b64(json.dumps(claims()).encode())}"
    secret = key.as_pem(private=False)
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def unknown_kid(key: RSAKey) -> str:
    return signed(generate_signing_key(), header={"kid": "not-a-platform-key"})


def embedded_jwk(key: RSAKey) -> str:
    """The attacker's own key, shipped in the header (RFC 7515 §4.1.3), under the real kid."""
    own = generate_signing_key()
    header = {"alg": "RS256", "kid": key.kid, "typ": "at+jwt", "jwk": own.as_dict(private=False)}
    return jwt.encode(header, claims(), own)


def expired(key: RSAKey) -> str:
    now = int(time.time())
    return signed(key, iat=now - 1800, nbf=now - 1800, exp=now - 900)


def future_nbf(key: RSAKey) -> str:
    now = int(time.time())
    return signed(key, nbf=now + 600, exp=now + 900)


def other_issuer(key: RSAKey) -> str:
    return signed(key, iss="https://evil.example")


def wrong_audience(key: RSAKey) -> str:
    return signed(key, aud="another-platform")


def edited_payload(key: RSAKey) -> str:
    """A genuine department token whose payload was changed to bureau, signature kept."""
    genuine = signed(key, roles=[Role.DEPARTMENT.value], department="D002", scope="department")
    header, _, signature = genuine.split(".")
    forged = claims(roles=[Role.BUREAU.value], department="D002")
    return f"{header}.{b64(json.dumps(forged).encode())}.{signature}"


def oversize(key: RSAKey) -> str:
    return signed(key, padding="x" * (MAX_TOKEN_BYTES + 1))


ATTACKS: dict[str, Callable[[RSAKey], str]] = {
    "alg-none": alg_none,
    "hs256-with-public-key": hs256_with_public_key,
    "unknown-kid": unknown_kid,
    "embedded-jwk": embedded_jwk,
    "expired": expired,
    "future-nbf": future_nbf,
    "other-issuer": other_issuer,
    "wrong-audience": wrong_audience,
    "edited-payload": edited_payload,
    "oversize": oversize,
}


@pytest.mark.parametrize("attack", list(ATTACKS))
@pytest.mark.parametrize("service", list(SERVICES))
async def test_a_forged_or_misdirected_token_is_refused_by_the_service_itself(
    services: dict[str, httpx.AsyncClient], signing_key: RSAKey, service: str, attack: str
) -> None:
    token = ATTACKS[attack](signing_key)
    response = await services[service].get(
        PROBE[service], headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401, (attack, response.status_code, response.text)
    assert problem_of(response)["status"] == 401
    assert response.headers.get("www-authenticate", "").lower().startswith("bearer")


@pytest.mark.parametrize("service", list(SERVICES))
async def test_the_genuine_bureau_token_passes_the_same_probe(
    services: dict[str, httpx.AsyncClient], token_issuer: TokenIssuer, service: str
) -> None:
    """The control: the refusals above come from the token, not from the probe."""
    token = token_issuer.issue(client_id="genuine", roles=[Role.BUREAU.value]).access_token
    response = await services[service].get(
        PROBE[service], headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("service", list(SERVICES))
async def test_no_token_at_all_is_refused(
    services: dict[str, httpx.AsyncClient], service: str
) -> None:
    response = await services[service].get(PROBE[service])
    assert response.status_code == 401
    problem_of(response)
