"""Every service verifies the gateway's JWT itself: forged, stale or foreign tokens get 401."""

import base64
import json
import time

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from pdp_kit.auth import Principal, Role, require_department_or, visible_to
from pdp_kit.auth.tokens import TokenIssuer, generate_signing_key
from pdp_kit.errors import Forbidden, NotFound
from pdp_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": TEST_ISSUER,
        "aud": TEST_AUDIENCE,
        "sub": "client-1",
        "exp": now + 60,
        "iat": now,
        "roles": ["bureau"],
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


async def test_a_valid_token_names_the_principal(client: httpx.AsyncClient, auth) -> None:
    response = await client.get("/api/demo/whoami", headers=auth.department("D007"))
    assert response.status_code == 200
    assert response.json()["roles"] == ["department"]
    assert response.json()["department"] == "D007"


async def test_missing_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/demo/whoami")
    assert response.status_code == 401
    assert response.json()["type"] == "urn:pdp:problem:unauthenticated"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"exp": int(time.time()) - 60}, id="expired"),
        pytest.param({"iss": "http://evil.example"}, id="wrong-issuer"),
        pytest.param({"aud": "someone-else"}, id="wrong-audience"),
        pytest.param({"exp": None}, id="no-expiry"),
        pytest.param({"sub": None}, id="no-subject"),
    ],
)
async def test_token_with_bad_claims_is_401(
    client: httpx.AsyncClient, signing_key, overrides: dict[str, object]
) -> None:
    header = {"alg": "RS256", "kid": signing_key.kid, "typ": "at+jwt"}
    token = jwt.encode(header, _claims(**overrides), signing_key)
    response = await client.get("/api/demo/whoami", headers=_bearer(token))
    assert response.status_code == 401


async def test_token_signed_by_another_key_is_401(client: httpx.AsyncClient) -> None:
    stranger = TokenIssuer(generate_signing_key(), issuer=TEST_ISSUER, audience=TEST_AUDIENCE)
    token = stranger.issue(client_id="mallory", roles=["bureau"]).access_token
    response = await client.get("/api/demo/whoami", headers=_bearer(token))
    assert response.status_code == 401


async def test_unsigned_token_is_401(client: httpx.AsyncClient) -> None:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    token = f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(_claims())}."
    response = await client.get("/api/demo/whoami", headers=_bearer(token))
    assert response.status_code == 401


async def test_hmac_token_keyed_with_the_public_key_is_401(
    client: httpx.AsyncClient, token_issuer
) -> None:
    public = json.dumps(token_issuer.jwks()["keys"][0]).encode()
    token = jwt.encode({"alg": "HS256"}, _claims(), OctKey.import_key(public), algorithms=["HS256"])
    response = await client.get("/api/demo/whoami", headers=_bearer(token))
    assert response.status_code == 401


async def test_garbage_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/demo/whoami", headers=_bearer("not.a.token"))
    assert response.status_code == 401


def test_a_department_acts_only_for_itself() -> None:
    d1 = Principal(client_id="c", roles=frozenset({Role.DEPARTMENT}), department="D001")
    require_department_or(d1, "D001", Role.BUREAU)
    with pytest.raises(Forbidden):
        require_department_or(d1, "D002", Role.BUREAU)
    with pytest.raises(NotFound):
        visible_to(d1, "D002")
    bureau = Principal(client_id="b", roles=frozenset({Role.BUREAU}))
    require_department_or(bureau, "D002", Role.BUREAU)
    visible_to(bureau, "D002")
    cyberspace = Principal(client_id="x", roles=frozenset({Role.CYBERSPACE}))
    visible_to(cyberspace, "D002")
    with pytest.raises(Forbidden):
        require_department_or(cyberspace, "D002", Role.BUREAU)
