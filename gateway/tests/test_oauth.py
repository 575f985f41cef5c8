from typing import Any

import httpx
import pytest

from pdp_kit.auth import Principal, Role, TokenVerifier
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET
from pdp_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER


async def verify_with_published_keys(client: httpx.AsyncClient, token: str) -> Principal:
    jwks = (await client.get("/.well-known/jwks.json")).json()
    verifier = TokenVerifier(issuer=TEST_ISSUER, audience=TEST_AUDIENCE, jwks=jwks)
    return await verifier.verify(token)


async def test_bootstrap_client_gets_a_bureau_token_with_basic_auth(
    client: httpx.AsyncClient, gateway
) -> None:
    response = await gateway.token()
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900  # 15 minutes by default
    assert body["scope"] == "bureau"
    assert response.headers["cache-control"] == "no-store"
    principal = await verify_with_published_keys(client, body["access_token"])
    assert principal.client_id == DEV_ADMIN_ID
    assert principal.roles == frozenset({Role.BUREAU})


async def test_department_client_gets_a_token_with_post_auth_carrying_its_department(
    client: httpx.AsyncClient, gateway
) -> None:
    credentials = await gateway.register(roles=["department"], department="D007")
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", **credentials},
    )
    assert response.status_code == 200, response.text
    principal = await verify_with_published_keys(client, response.json()["access_token"])
    assert principal.client_id == credentials["client_id"]
    assert principal.roles == frozenset({Role.DEPARTMENT})
    assert principal.department == "D007"
    assert principal.operator is None


async def test_operator_token_carries_the_operator_id(client: httpx.AsyncClient, gateway) -> None:
    credentials = await gateway.register(roles=["operator"], department=None, operator="OP042")
    response = await gateway.token(credentials["client_id"], credentials["client_secret"])
    principal = await verify_with_published_keys(client, response.json()["access_token"])
    assert (principal.roles, principal.operator) == (frozenset({Role.OPERATOR}), "OP042")


async def test_a_client_may_ask_for_fewer_of_its_roles_but_not_another(
    client: httpx.AsyncClient, gateway
) -> None:
    credentials = await gateway.register(roles=["bureau", "ops"], department=None)
    narrowed = await gateway.token(
        credentials["client_id"], credentials["client_secret"], scope="ops"
    )
    assert narrowed.status_code == 200, narrowed.text
    principal = await verify_with_published_keys(client, narrowed.json()["access_token"])
    assert principal.roles == frozenset({Role.OPS})
    wider = await gateway.token(
        credentials["client_id"], credentials["client_secret"], scope="audit"
    )
    assert (wider.status_code, wider.json()["error"]) == (400, "invalid_scope")


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [(DEV_ADMIN_ID, "not-the-secret"), ("nobody", DEV_ADMIN_SECRET)],
    ids=["wrong secret", "unknown client"],
)
async def test_bad_credentials_get_invalid_client_401_with_www_authenticate(
    gateway, client_id: str, secret: str
) -> None:
    response = await gateway.token(client_id, secret)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic ")


async def test_wrong_secret_in_the_form_is_refused_the_same_way(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_request_without_credentials_gets_invalid_client(client: httpx.AsyncClient) -> None:
    response = await client.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


async def test_disabled_client_gets_invalid_client(
    client: httpx.AsyncClient, gateway, as_bureau: dict[str, str]
) -> None:
    credentials = await gateway.register()
    assert (
        await gateway.token(credentials["client_id"], credentials["client_secret"])
    ).status_code == 200
    disabled = await client.post(
        f"/api/gateway/clients/{credentials['client_id']}/disable", headers=as_bureau
    )
    assert disabled.status_code == 200, disabled.text
    response = await gateway.token(credentials["client_id"], credentials["client_secret"])
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


async def test_other_grant_types_are_unsupported(gateway) -> None:
    response = await gateway.token(grant_type="password", username="u", password="p")
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    "content",
    [
        {"json": {"grant_type": "client_credentials"}},
        {
            "content": b"scope=bureau",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        {
            "content": b"grant_type=client_credentials&grant_type=client_credentials",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
    ],
    ids=["json body", "no grant_type", "repeated parameter"],
)
async def test_malformed_token_requests_get_invalid_request(
    client: httpx.AsyncClient, basic_auth, content: dict[str, Any]
) -> None:
    headers = {**basic_auth(DEV_ADMIN_ID, DEV_ADMIN_SECRET), **content.pop("headers", {})}
    response = await client.post("/oauth/token", headers=headers, **content)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_metadata_document_describes_the_token_endpoint(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    metadata = response.json()
    assert metadata["issuer"] == TEST_ISSUER
    assert metadata["token_endpoint"] == f"{TEST_ISSUER}/oauth/token"
    assert metadata["jwks_uri"] == f"{TEST_ISSUER}/.well-known/jwks.json"
    assert metadata["grant_types_supported"] == ["client_credentials"]
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
    }
    assert "service" not in metadata["scopes_supported"]
    assert "bureau" in metadata["scopes_supported"]


async def test_jwks_publishes_only_public_rsa_keys(client: httpx.AsyncClient) -> None:
    keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])
