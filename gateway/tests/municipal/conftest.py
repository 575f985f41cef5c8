"""The municipal adapters against the real simulator, served on a free port in the test's loop,
with small stand-ins for the opening and catalog endpoints the adapters call."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gateway.municipal.runner import MunicipalAdapters
from gateway.settings import GatewaySettings
from municipal_sim.app import create_app as create_sim
from pdp_kit.auth import TokenIssuer, TokenVerifier
from pdp_kit.broker import free_port
from pdp_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER

SIM_ID, SIM_SECRET = "pdp-changning-test", "dev-only-municipal-test-secret"


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` on a free local port for the duration of the block."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Sim:
    url: str
    app: FastAPI
    admin: httpx.AsyncClient

    async def faults(self, **switches: Any) -> None:
        response = await self.admin.post("/admin/faults", json=switches)
        assert response.status_code == 200, response.text

    async def chain(self) -> list[dict[str, Any]]:
        return list((await self.admin.get("/admin/chain")).json())


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    app = create_sim(client_id=SIM_ID, client_secret=SIM_SECRET)
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as admin:
        yield Sim(url, app, admin)


@dataclass
class Upstream:
    """A stand-in service: answers from a script, verifies and keeps every call's token."""

    name: str
    verifier: TokenVerifier
    script: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/{path:path}", methods=["POST"])
        async def anything(path: str, request: Request) -> JSONResponse:
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            principal = await self.verifier.verify(token)
            self.calls.append(
                {
                    "path": f"/{path}",
                    "client_id": principal.client_id,
                    "roles": sorted(principal.roles),
                    "idempotency_key": request.headers.get("idempotency-key"),
                    "body": await request.json(),
                }
            )
            status, body = self.script.pop(0) if self.script else (201, {"id": "ok"})
            return JSONResponse(body, status_code=status)

        return app


@pytest.fixture
def verifier(token_issuer: TokenIssuer) -> TokenVerifier:
    return TokenVerifier(issuer=TEST_ISSUER, audience=TEST_AUDIENCE, jwks=token_issuer.jwks())


@pytest.fixture
async def opening(verifier: TokenVerifier) -> AsyncIterator[Upstream]:
    upstream = Upstream("opening", verifier)
    async with serving(upstream.app()) as url:
        upstream.url = url
        yield upstream


@pytest.fixture
async def catalog(verifier: TokenVerifier) -> AsyncIterator[Upstream]:
    upstream = Upstream("catalog", verifier)
    async with serving(upstream.app()) as url:
        upstream.url = url
        yield upstream


@pytest.fixture
def service_settings(
    service_settings: GatewaySettings, sim: Sim, opening: Upstream, catalog: Upstream
) -> GatewaySettings:
    return service_settings.model_copy(
        update={
            "municipal_url": sim.url,
            "municipal_client_id": SIM_ID,
            "municipal_client_secret": SIM_SECRET,
            "municipal_retry_base_seconds": 10.0,
            "municipal_timeout_seconds": 2.0,
            "upstream_opening": opening.url,
            "upstream_catalog": catalog.url,
        }
    )


@pytest.fixture
def adapters(app: FastAPI) -> MunicipalAdapters:
    running: MunicipalAdapters | None = app.state.municipal
    assert running is not None, "the adapters are configured in these tests"
    return running


def later(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)
