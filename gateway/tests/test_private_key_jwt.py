"""``private_key_jwt`` (RFC 7523): a client registered with its public keys signs a short-lived
assertion for the token endpoint; a replayed, misaddressed, stale or foreign assertion is
refused."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from pdp_contracts.gateway import ClientRegistered
from pdp_kit.testing.plugin import TEST_ISSUER

TOKEN_URL = f"{TEST_ISSUER}/oauth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture(scope="module")
def client_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "dept-key-1"}, private=True)


async def register(gateway: Any, key: RSAKey | ECKey) -> str:
    credentials = await gateway.register(jwks={"keys": [key.as_dict(private=False)]})
    assert credentials["client_secret"] is None  # nothing to show: the client keeps its key
    return str(credentials["client_id"])


def assertion(client_id: str, key: RSAKey | ECKey, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": TOKEN_URL,
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
        **overrides,
    }
    alg = "RS256" if isinstance(key, RSAKey) else "ES256"
    return jwt.encode({"alg": alg, "kid": key.kid}, claims, key)


async def token(client: httpx.AsyncClient, signed: str, **form: str) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": signed,
            **form,
        },
    )


async def test_a_client_signing_with_its_registered_key_gets_a_token(
    client: httpx.AsyncClient, gateway: Any, client_key: RSAKey, outbox: Any
) -> None:
    client_id = await register(gateway, client_key)
    response = await token(client, assertion(client_id, client_key))
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "department"
    [event] = [
        e for e in await outbox.events(ClientRegistered.event_type) if e.subject == client_id
    ]
    assert event.data["auth_method"] == "private_key_jwt"


async def test_authlibs_own_client_authenticates_with_private_key_jwt(
    app: Any, gateway: Any, client_key: RSAKey
) -> None:
    client_id = await register(gateway, client_key)
    oauth = AsyncOAuth2Client(
        client_id=client_id,
        client_secret=client_key.as_pem(private=True),
        token_endpoint_auth_method=PrivateKeyJWT(
            TOKEN_URL, alg="RS256", headers={"kid": "dept-key-1"}
        ),
        transport=httpx.ASGITransport(app=app),
    )
    async with oauth:
        issued = await oauth.fetch_token(TOKEN_URL, grant_type="client_credentials")
    assert issued["token_type"] == "Bearer"


async def test_an_ec_key_works_too(client: httpx.AsyncClient, gateway: Any) -> None:
    key = ECKey.generate_key("P-256", parameters={"kid": "ec-1"}, private=True)
    client_id = await register(gateway, key)
    assert (await token(client, assertion(client_id, key))).status_code == 200


async def test_a_replayed_assertion_is_refused(
    client: httpx.AsyncClient, gateway: Any, client_key: RSAKey
) -> None:
    client_id = await register(gateway, client_key)
    signed = assertion(client_id, client_key)
    assert (await token(client, signed)).status_code == 200
    replayed = await token(client, signed)
    assert (replayed.status_code, replayed.json()["error"]) == (401, "invalid_client")


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"aud": "http://other-server/oauth/token"}, id="another-audience"),
        pytest.param({"exp": int(time.time()) - 120}, id="expired"),
        pytest.param({"exp": int(time.time()) + 86_400}, id="lives-a-day"),
        pytest.param({"jti": None}, id="no-jti"),
        pytest.param({"iss": "someone-else"}, id="issuer-not-the-client"),
    ],
)
async def test_a_bad_assertion_is_refused(
    client: httpx.AsyncClient, gateway: Any, client_key: RSAKey, overrides: dict[str, Any]
) -> None:
    client_id = await register(gateway, client_key)
    claims = {k: v for k, v in overrides.items() if v is not None}
    signed = assertion(client_id, client_key, **claims)
    if overrides.get("jti", "") is None:
        signed = _without_jti(client_id, client_key)
    response = await token(client, signed)
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


def _without_jti(client_id: str, key: RSAKey) -> str:
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": TOKEN_URL, "exp": now + 60}
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


async def test_an_assertion_signed_by_another_key_is_refused(
    client: httpx.AsyncClient, gateway: Any, client_key: RSAKey
) -> None:
    client_id = await register(gateway, client_key)
    stranger = RSAKey.generate_key(2048, parameters={"kid": "dept-key-1"}, private=True)
    response = await token(client, assertion(client_id, stranger))
    assert response.status_code == 401


async def test_a_key_client_cannot_use_a_secret_nor_have_one_rotated(
    client: httpx.AsyncClient,
    gateway: Any,
    client_key: RSAKey,
    as_bureau: dict[str, str],
    basic_auth: Any,
) -> None:
    client_id = await register(gateway, client_key)
    by_secret = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic_auth(client_id, "")
    )
    assert by_secret.status_code in (400, 401)
    rotate = await client.post(f"/api/gateway/clients/{client_id}/rotate-secret", headers=as_bureau)
    assert rotate.status_code == 409


async def test_a_disabled_key_client_gets_no_token(
    client: httpx.AsyncClient, gateway: Any, client_key: RSAKey, as_bureau: dict[str, str]
) -> None:
    client_id = await register(gateway, client_key)
    await client.post(f"/api/gateway/clients/{client_id}/disable", headers=as_bureau)
    assert (await token(client, assertion(client_id, client_key))).status_code == 401


async def test_registering_private_keys_or_a_broken_set_is_refused(
    client: httpx.AsyncClient, client_key: RSAKey, as_bureau: dict[str, str]
) -> None:
    base = {"name": "x", "roles": ["department"], "department": "D001"}
    for jwks in ({"keys": [client_key.as_dict(private=True)]}, {"keys": []}, {"nope": 1}):
        response = await client.post(
            "/api/gateway/clients", json={**base, "jwks": jwks}, headers=as_bureau
        )
        assert response.status_code == 422, jwks
