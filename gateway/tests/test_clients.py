import httpx
import pytest
from fastapi import FastAPI

from pdp_contracts.gateway import ClientDisabled, ClientRegistered, ClientSecretRotated
from pdp_kit.settings import DEV_ADMIN_ID


async def test_bureau_registers_a_client_and_sees_the_secret_only_once(
    client: httpx.AsyncClient, gateway, as_bureau: dict[str, str], outbox
) -> None:
    credentials = await gateway.register(
        name="区教育局数据系统", roles=["department"], department="D001"
    )
    assert set(credentials) == {"client_id", "client_secret"}
    assert len(credentials["client_secret"]) >= 32

    listed = await client.get("/api/gateway/clients", headers=as_bureau)
    assert listed.status_code == 200
    mine = [c for c in listed.json()["items"] if c["client_id"] == credentials["client_id"]]
    assert mine == [
        {
            "client_id": credentials["client_id"],
            "name": "区教育局数据系统",
            "roles": ["department"],
            "department": "D001",
            "operator": None,
            "disabled": False,
            "configured": False,
            "created_at": mine[0]["created_at"],
            "rate_per_second": None,
            "rate_burst": None,
            "jwks": None,
        }
    ]
    assert credentials["client_secret"] not in listed.text
    assert "secret" not in listed.text

    events = await outbox.events(ClientRegistered.event_type)
    registered = [e for e in events if e.subject == credentials["client_id"]]
    assert registered[0].data == {
        "client_id": credentials["client_id"],
        "name": "区教育局数据系统",
        "roles": ["department"],
        "department": "D001",
        "operator": None,
        "auth_method": "client_secret",
    }
    assert registered[0].actor is not None


async def test_client_list_is_paginated_by_cursor(
    client: httpx.AsyncClient, gateway, as_bureau: dict[str, str]
) -> None:
    for code in ("D001", "D002"):
        await gateway.register(department=code)
    first = (await client.get("/api/gateway/clients?limit=2", headers=as_bureau)).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    rest = (
        await client.get(
            f"/api/gateway/clients?limit=2&cursor={first['next_cursor']}", headers=as_bureau
        )
    ).json()
    ids = [c["client_id"] for c in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 3  # the bootstrap client and the two new ones
    assert DEV_ADMIN_ID in ids
    assert rest["next_cursor"] is None


async def test_rotating_the_secret_invalidates_the_old_one(
    client: httpx.AsyncClient, gateway, as_bureau: dict[str, str], outbox
) -> None:
    old = await gateway.register()
    assert (await gateway.token(old["client_id"], old["client_secret"])).status_code == 200

    rotated = await client.post(
        f"/api/gateway/clients/{old['client_id']}/rotate-secret", headers=as_bureau
    )
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()
    assert new["client_id"] == old["client_id"]
    assert new["client_secret"] != old["client_secret"]

    refused = await gateway.token(old["client_id"], old["client_secret"])
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    assert (await gateway.token(new["client_id"], new["client_secret"])).status_code == 200
    assert [e.subject for e in await outbox.events(ClientSecretRotated.event_type)] == [
        old["client_id"]
    ]


async def test_disabling_twice_publishes_one_event_and_a_disabled_client_keeps_its_secret(
    client: httpx.AsyncClient, gateway, as_bureau: dict[str, str], outbox
) -> None:
    credentials = await gateway.register()
    path = f"/api/gateway/clients/{credentials['client_id']}"
    for _ in range(2):
        response = await client.post(f"{path}/disable", headers=as_bureau)
        assert response.status_code == 200
        assert response.json()["disabled"] is True
    assert len(await outbox.events(ClientDisabled.event_type)) == 1
    rotate = await client.post(f"{path}/rotate-secret", headers=as_bureau)
    assert rotate.status_code == 409
    assert rotate.json()["type"] == "urn:pdp:problem:client-disabled"


@pytest.mark.parametrize("action", ["rotate-secret", "disable"])
async def test_managing_an_unknown_client_is_a_404_problem(
    client: httpx.AsyncClient, as_bureau: dict[str, str], action: str
) -> None:
    response = await client.post(f"/api/gateway/clients/nobody/{action}", headers=as_bureau)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


CALLS = [
    ("POST", "/api/gateway/clients", {"name": "x", "roles": ["bureau"]}),
    ("GET", "/api/gateway/clients", None),
    ("POST", f"/api/gateway/clients/{DEV_ADMIN_ID}/rotate-secret", None),
    ("POST", f"/api/gateway/clients/{DEV_ADMIN_ID}/disable", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
async def test_client_management_is_forbidden_to_a_department(
    client: httpx.AsyncClient, as_department: dict[str, str], method: str, path: str, body
) -> None:
    response = await client.request(method, path, json=body, headers=as_department)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
async def test_client_management_needs_a_token(
    client: httpx.AsyncClient, method: str, path: str, body
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == 401


async def test_a_token_the_gateway_issued_works_on_its_own_api(
    client: httpx.AsyncClient, gateway
) -> None:
    headers = await gateway.bearer(DEV_ADMIN_ID, "dev-only-bureau-secret")
    assert (await client.get("/api/gateway/clients", headers=headers)).status_code == 200


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"roles": ["department"]}, {"name", "department"}),
        ({"name": "x", "roles": ["operator", "department"]}, {"department", "operator"}),
        ({"name": "x", "roles": ["service"]}, {"roles"}),
        ({"name": "x", "roles": ["superuser"]}, {"roles.0"}),
        ({"name": "x", "roles": []}, {"roles"}),
        ({"name": "x", "roles": ["bureau"], "department": "D001"}, {"department"}),
        ({"name": "", "roles": ["department"], "department": "no spaces"}, {"name", "department"}),
    ],
    ids=[
        "no name and a department role without its code",
        "operator and department without their ids",
        "the internal service role",
        "an unknown role",
        "no role",
        "a department code on a bureau client",
        "an empty name and a malformed code",
    ],
)
async def test_invalid_registrations_list_every_problem_field(
    client: httpx.AsyncClient, as_bureau: dict[str, str], body: dict[str, object], fields: set[str]
) -> None:
    response = await client.post("/api/gateway/clients", json=body, headers=as_bureau)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in response.json()["errors"]} == fields


async def test_bootstrap_is_idempotent_and_follows_a_new_configured_secret(
    app: FastAPI, service_app_factory, service_settings, outbox, basic_auth
) -> None:
    create_app, _ = service_app_factory
    for secret in ("dev-only-bureau-secret", "a-new-bootstrap-secret-0123456789"):
        restarted = create_app(
            service_settings.model_copy(update={"bootstrap_admin_secret": secret})
        )
        async with restarted.router.lifespan_context(restarted):
            transport = httpx.ASGITransport(app=restarted)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as c:
                response = await c.post(
                    "/oauth/token",
                    data={"grant_type": "client_credentials"},
                    headers=basic_auth(DEV_ADMIN_ID, secret),
                )
                assert response.status_code == 200, response.text
    registered = [
        e for e in await outbox.events(ClientRegistered.event_type) if e.subject == DEV_ADMIN_ID
    ]
    rotated = await outbox.events(ClientSecretRotated.event_type)
    assert len(registered) == 1
    assert [e.subject for e in rotated] == [DEV_ADMIN_ID]


async def test_each_service_gets_an_internal_client_only_when_the_secret_is_configured(
    app: FastAPI, service_app_factory, service_settings, basic_auth, as_bureau
) -> None:
    secret = "i" * 40
    token_request = {"grant_type": "client_credentials"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as c:
        unconfigured = await c.post(
            "/oauth/token", data=token_request, headers=basic_auth("pdp-sharing", secret)
        )
    assert unconfigured.status_code == 401

    create_app, _ = service_app_factory
    configured = create_app(service_settings.model_copy(update={"internal_client_secret": secret}))
    async with configured.router.lifespan_context(configured):
        transport = httpx.ASGITransport(app=configured)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as c:
            for service in ("catalog", "sharing", "opening", "registry", "audit"):
                response = await c.post(
                    "/oauth/token", data=token_request, headers=basic_auth(f"pdp-{service}", secret)
                )
                assert response.status_code == 200, response.text
                assert response.json()["scope"] == "service"
            refused = await c.post(
                "/api/gateway/clients",
                json={"name": "冒充的服务", "roles": ["service"]},
                headers=as_bureau,
            )
            assert refused.status_code == 422
