"""One test (at least) for each finding of the security review (issue #8, "Close what the review
found"), through the gateway's HTTP interface."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from fastapi import FastAPI

from pdp_contracts.gateway import ClientDisabled, RequestsLogged
from pdp_kit.auth import Role
from pdp_kit.auth.tokens import generate_signing_key
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET

SECRET = "s" * 40


@pytest.fixture
def upstream_url(upstream: Any) -> str:
    return str(upstream.url)


async def started(service_app_factory: Any, settings: Any) -> Any:
    create_app, _ = service_app_factory
    return create_app(settings)


# --- configured clients -------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["rotate-secret", "disable"])
async def test_a_service_client_or_the_bootstrap_client_cannot_be_rotated_or_disabled(
    service_app_factory: Any,
    service_settings: Any,
    as_bureau: dict[str, str],
    asgi_client: Any,
    outbox: Any,
    action: str,
) -> None:
    settings = service_settings.model_copy(update={"sharing_internal_client_secret": SECRET})
    app = await started(service_app_factory, settings)
    async with app.router.lifespan_context(app), asgi_client(app) as client:
        for client_id in ("pdp-sharing", DEV_ADMIN_ID):
            response = await client.post(
                f"/api/gateway/clients/{client_id}/{action}", headers=as_bureau
            )
            assert response.status_code == 409, response.text
            assert response.json()["type"] == "urn:pdp:problem:client-configured"
        listed = (await client.get("/api/gateway/clients", headers=as_bureau)).json()["items"]
        sharing = next(c for c in listed if c["client_id"] == "pdp-sharing")
        assert (sharing["configured"], sharing["disabled"]) == (True, False)


async def test_a_service_client_works_only_while_its_own_secret_is_configured(
    service_app_factory: Any,
    service_settings: Any,
    asgi_client: Any,
    basic_auth: Any,
    outbox: Any,
) -> None:
    form = {"grant_type": "client_credentials"}
    with_secret = service_settings.model_copy(update={"catalog_internal_client_secret": SECRET})
    app = await started(service_app_factory, with_secret)
    async with app.router.lifespan_context(app), asgi_client(app) as client:
        own = await client.post(
            "/oauth/token", data=form, headers=basic_auth("pdp-catalog", SECRET)
        )
        assert own.status_code == 200
        other = await client.post(
            "/oauth/token", data=form, headers=basic_auth("pdp-sharing", SECRET)
        )
        assert other.status_code == 401  # sharing's secret is not configured
    app = await started(service_app_factory, service_settings)  # the secret is removed
    async with app.router.lifespan_context(app), asgi_client(app) as client:
        gone = await client.post(
            "/oauth/token", data=form, headers=basic_auth("pdp-catalog", SECRET)
        )
        assert gone.status_code == 401
    assert "pdp-catalog" in [e.subject for e in await outbox.events(ClientDisabled.event_type)]


# --- the edge -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/catalog/internal/resources/r1/records",
        "/api/catalog/INTERNAL/resources/r1/records",
        "/api/catalog/%69nternal/resources/r1/records",
        "/api/sharing/internal/anything",
    ],
)
async def test_internal_endpoints_are_closed_at_the_edge_and_the_attempt_is_logged(
    app: FastAPI,
    client: httpx.AsyncClient,
    upstream: Any,
    as_service: dict[str, str],
    outbox: Any,
    path: str,
) -> None:
    response = await client.get(path, headers=as_service)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert upstream.calls == 0
    await app.state.netlog.flush()
    [entry] = [
        r
        for e in await outbox.events(RequestsLogged.event_type)
        for r in e.payload(RequestsLogged).requests()
    ]
    assert (entry.status, entry.client_id) == (404, "pdp-sharing")


async def test_a_body_that_arrives_too_slowly_is_408_and_frees_the_connection(
    service_app_factory: Any,
    service_settings: Any,
    asgi_client: Any,
    upstream: Any,
    as_department: dict[str, str],
) -> None:
    settings = service_settings.model_copy(update={"proxy_body_timeout_seconds": 0.3})
    app = await started(service_app_factory, settings)

    async def trickle() -> Any:
        yield b"{"
        await asyncio.sleep(1.5)
        yield b"}"

    async with app.router.lifespan_context(app), asgi_client(app) as client:
        response = await client.post(
            "/api/catalog/echo/x", content=trickle(), headers=as_department
        )
        assert response.status_code == 408
        assert response.json()["type"] == "urn:pdp:problem:request-timeout"
        assert (await client.get("/api/catalog/echo/y", headers=as_department)).status_code == 200


async def test_the_upstream_pool_has_a_per_service_limit_and_a_total_timeout(app: FastAPI) -> None:
    session = app.state.proxy.session
    assert session.connector.limit_per_host == app.state.settings.proxy_max_connections_per_upstream
    assert session.timeout.total == app.state.settings.proxy_total_timeout_seconds


# --- /oauth/token under a flood -----------------------------------------------------------------


async def test_a_flood_of_made_up_client_ids_is_limited_before_hashing_and_others_still_get_tokens(
    service_app_factory: Any,
    service_settings: Any,
    asgi_client: Any,
    basic_auth: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gateway.clients import hashing

    checks: list[str] = []
    real_check = hashing.verify_secret

    def counted(stored: str, presented: str) -> bool:
        checks.append(presented)
        return real_check(stored, presented)

    monkeypatch.setattr(hashing, "verify_secret", counted)
    settings = service_settings.model_copy(
        update={"token_checks_per_address_per_second": 0.1, "token_checks_per_address_burst": 4}
    )
    app = await started(service_app_factory, settings)
    form = {"grant_type": "client_credentials"}
    async with app.router.lifespan_context(app):
        checks.clear()  # the bootstrap's own checks
        async with asgi_client(app, ("198.51.100.20", 1)) as known:
            first = await known.post(
                "/oauth/token", data=form, headers=basic_auth(DEV_ADMIN_ID, DEV_ADMIN_SECRET)
            )
            assert first.status_code == 200  # verified once: remembered for a while
        async with asgi_client(app, ("203.0.113.66", 1)) as flood:
            statuses = []
            for _ in range(30):
                response = await flood.post(
                    "/oauth/token", data=form, headers=basic_auth(uuid.uuid4().hex, "guess")
                )
                statuses.append(response.status_code)
            assert statuses[:4] == [401] * 4
            assert set(statuses[4:]) == {429}
            assert int(response.headers["retry-after"]) >= 1
            assert response.json()["error"] == "temporarily_unavailable"
        async with asgi_client(app, ("203.0.113.66", 2)) as same_address:
            cached = await same_address.post(
                "/oauth/token", data=form, headers=basic_auth(DEV_ADMIN_ID, DEV_ADMIN_SECRET)
            )
            assert cached.status_code == 200  # a cached verification takes no slot
    # One scrypt check for the known client, one for each of the first four guesses: the 26
    # refused requests and the cached one cost none.
    assert checks == [DEV_ADMIN_SECRET] + ["guess"] * 4


async def test_guessing_one_clients_secret_is_limited_per_client_id(
    service_app_factory: Any,
    service_settings: Any,
    asgi_client: Any,
    basic_auth: Any,
) -> None:
    settings = service_settings.model_copy(
        update={"token_checks_per_second": 0.1, "token_checks_burst": 3}
    )
    app = await started(service_app_factory, settings)
    form = {"grant_type": "client_credentials"}
    async with app.router.lifespan_context(app):
        statuses = []
        for n in range(5):  # from five addresses: the client id's own bucket still empties
            async with asgi_client(app, (f"203.0.113.{n + 1}", 1)) as client:
                response = await client.post(
                    "/oauth/token", data=form, headers=basic_auth(DEV_ADMIN_ID, f"guess-{n}")
                )
                statuses.append(response.status_code)
        assert statuses == [401, 401, 401, 429, 429]


# --- PDP_ENV ------------------------------------------------------------------------------------


def test_a_gateway_launched_without_pdp_env_is_production_and_refuses_dev_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from gateway.settings import GatewaySettings
    from pdp_kit.settings import InsecureDefault

    monkeypatch.delenv("PDP_ENV", raising=False)
    monkeypatch.setenv("PDP_DATA_DIR", str(tmp_path))
    with pytest.raises(InsecureDefault):
        GatewaySettings()


# --- key rotation -------------------------------------------------------------------------------


async def test_a_key_rotation_causes_no_401(
    service_app_factory: Any,
    service_settings: Any,
    signing_key: Any,
    asgi_client: Any,
    as_bureau: dict[str, str],
    tmp_path: Path,
) -> None:
    new_key = generate_signing_key()
    new_file = tmp_path / "new-key.pem"
    new_file.write_bytes(new_key.as_pem(private=True))
    rotated = service_settings.model_copy(
        update={
            "signing_key_file": new_file,
            "previous_signing_key_files": [service_settings.signing_key_file],
        }
    )
    app = await started(service_app_factory, rotated)
    async with app.router.lifespan_context(app), asgi_client(app) as client:
        kids = [k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]]
        assert kids == [new_key.kid, signing_key.kid]
        # A token the previous key signed, before the rotation:
        assert (await client.get("/api/gateway/clients", headers=as_bureau)).status_code == 200
        fresh = await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(DEV_ADMIN_ID, DEV_ADMIN_SECRET),
        )
        token = fresh.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert (await client.get("/api/gateway/clients", headers=headers)).status_code == 200


# --- /metrics -----------------------------------------------------------------------------------


async def test_metrics_answer_the_internal_network_or_an_ops_token_only(
    app: FastAPI, asgi_client: Any, auth: Any
) -> None:
    ops, bureau = auth.headers(Role.OPS), auth.headers(Role.BUREAU)
    async with asgi_client(app, ("10.1.2.3", 5555)) as prometheus:
        assert (await prometheus.get("/metrics")).status_code == 200
        relayed = await prometheus.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert relayed.status_code == 404  # came in through a proxy: from outside
    async with asgi_client(app, ("203.0.113.9", 5555)) as outsider:
        assert (await outsider.get("/metrics")).status_code == 404
        assert (await outsider.get("/metrics", headers=bureau)).status_code == 404
        allowed = await outsider.get("/metrics", headers=ops)
        assert allowed.status_code == 200
        assert "python_info" in allowed.text or "# HELP" in allowed.text


# --- the network log ----------------------------------------------------------------------------


async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(
    app: FastAPI, asgi_client: Any, outbox: Any, as_department: dict[str, str], upstream: Any
) -> None:
    spoof = {"X-Forwarded-For": "192.0.2.1", **as_department}
    async with asgi_client(app, ("203.0.113.7", 1)) as stranger:
        seen = (await stranger.get("/api/catalog/echo/a", headers=spoof)).json()
    assert seen["headers"]["x-forwarded-for"] == "203.0.113.7"
    async with asgi_client(app, ("127.0.0.1", 1)) as proxy:
        relayed = (await proxy.get("/api/catalog/echo/b", headers=spoof)).json()
    assert relayed["headers"]["x-forwarded-for"] == "192.0.2.1, 127.0.0.1"
    await app.state.netlog.flush()
    entries = [
        r
        for e in await outbox.events(RequestsLogged.event_type)
        for r in e.payload(RequestsLogged).requests()
    ]
    assert sorted((e.path, e.source_address) for e in entries) == [
        ("/api/catalog/echo/a", "203.0.113.7"),
        ("/api/catalog/echo/b", "192.0.2.1"),
    ]


async def test_health_probes_are_counted_not_logged(
    app: FastAPI, client: httpx.AsyncClient, outbox: Any
) -> None:
    for _ in range(3):
        await client.get("/healthz")
    await client.get("/readyz")
    await app.state.netlog.flush()
    assert await outbox.events(RequestsLogged.event_type) == []
    assert app.state.netlog.probes["/healthz"] == 3
    assert app.state.netlog.probes["/readyz"] == 1


# --- standards ----------------------------------------------------------------------------------


async def test_the_metadata_passes_authlibs_own_rfc8414_validation(
    service_app_factory: Any,
    service_settings: Any,
    asgi_client: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = service_settings.model_copy(update={"token_issuer": "https://gateway.pdp.test"})
    app = await started(service_app_factory, settings)
    async with app.router.lifespan_context(app), asgi_client(app) as client:
        metadata = (await client.get("/.well-known/oauth-authorization-server")).json()
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    AuthorizationServerMetadata(metadata).validate()
    assert "private_key_jwt" in metadata["token_endpoint_auth_methods_supported"]


async def test_two_client_authentication_methods_at_once_are_invalid_request(
    client: httpx.AsyncClient, basic_auth: Any
) -> None:
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": DEV_ADMIN_ID,
            "client_secret": DEV_ADMIN_SECRET,
        },
        headers=basic_auth(DEV_ADMIN_ID, DEV_ADMIN_SECRET),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_a_413_on_content_length_carries_a_traceparent(
    client: httpx.AsyncClient, app: FastAPI, as_department: dict[str, str]
) -> None:
    limit = app.state.settings.max_body_bytes
    response = await client.post(
        "/api/catalog/echo/x", content=b"x" * (limit + 1), headers=as_department
    )
    assert response.status_code == 413
    assert response.headers["traceparent"].startswith("00-")
