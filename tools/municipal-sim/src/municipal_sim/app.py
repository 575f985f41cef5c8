"""The simulated municipal platforms over HTTP (see the package README for the contract).

- ``POST /oauth/token``: OAuth 2.0 client credentials (``client_secret_basic`` or ``_post``); every
  other endpoint outside ``/admin`` and ``/healthz`` needs its bearer token.
- ``/chain/...``: the catalogue chain (目录链, Art. 11). An entry is chained once per
  ``Idempotency-Key``: the same key again answers the first receipt; with another body, 409.
- ``/open-data/...``: applications the municipal open-data platform received (Art. 24), and where
  the district returns each decision.
- ``/handback/...``: data the city hands back to the district (属地返还, Art. 5).
- ``/admin/...``: fault switches and test helpers; no token (a development tool).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import os
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from municipal_sim.state import Faults, SimState

UNGUARDED = ("/admin", "/healthz")
#: The development client; ``create_app_from_env`` reads the real pair from the environment.
DEV_CLIENT_ID = "pdp-changning"
DEV_CLIENT_SECRET = "dev-only-municipal-secret"  # noqa: S105 - a published development default


class ChainPush(BaseModel):
    kind: str = Field(pattern="^(resource|duty|system)$")
    id: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=1)
    entry: dict[str, Any]


class Decision(BaseModel):
    decision: str = Field(pattern="^(approved|rejected|returned)$")
    reason: str | None = None
    access: dict[str, Any] | None = None
    decided_at: str | None = None


class _Unauthorized(Exception):
    """No valid bearer token: 401 with ``WWW-Authenticate`` (RFC 6750)."""


def _problem(status: int, title: str) -> JSONResponse:
    return JSONResponse({"status": status, "title": title}, status_code=status)


def create_app_from_env() -> FastAPI:
    """The one client it accepts: ``MUNICIPAL_SIM_CLIENT_ID`` / ``MUNICIPAL_SIM_CLIENT_SECRET``
    (development defaults ``pdp-changning`` / ``dev-only-municipal-secret``)."""
    return create_app(
        client_id=os.environ.get("MUNICIPAL_SIM_CLIENT_ID", DEV_CLIENT_ID),
        client_secret=os.environ.get("MUNICIPAL_SIM_CLIENT_SECRET", DEV_CLIENT_SECRET),
    )


def create_app(
    *, client_id: str = DEV_CLIENT_ID, client_secret: str = DEV_CLIENT_SECRET
) -> FastAPI:
    app = FastAPI(title="市级平台模拟器 · municipal platforms simulator")
    app.state.sim = SimState(client_id=client_id, client_secret=client_secret)

    def sim() -> SimState:
        state: SimState = app.state.sim
        return state

    @app.middleware("http")
    async def faults(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        state = sim()
        path = request.url.path
        if path.startswith(UNGUARDED):
            return await call_next(request)
        key = f"{request.method} {path.split('/')[1] if '/' in path else path}"
        state.requests[key] = state.requests.get(key, 0) + 1
        if state.faults.slow:
            await asyncio.sleep(state.faults.slow)
        if state.take_fault("fail"):
            return _problem(503, "市级平台暂不可用（模拟）")
        writes = request.method == "POST" and path != "/oauth/token"
        if writes and state.take_fault("refuse"):
            return _problem(422, "市级平台拒收（模拟）")
        return await call_next(request)

    def bearer(authorization: Annotated[str | None, Header()] = None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not sim().token_valid(token):
            raise _Unauthorized

    @app.exception_handler(_Unauthorized)
    async def unauthorized(_: Request, __: Exception) -> JSONResponse:
        return JSONResponse(
            {"error": "invalid_token"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    guarded = [Depends(bearer)]

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/oauth/token")
    async def token(request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        given_id, given_secret = form.get("client_id"), form.get("client_secret")
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                given_id, _, given_secret = base64.b64decode(encoded).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return JSONResponse({"error": "invalid_client"}, status_code=401)
        state = sim()
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        if (given_id, given_secret) != (state.client_id, state.client_secret):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        return JSONResponse(
            {
                "access_token": state.issue_token(),
                "token_type": "Bearer",
                "expires_in": state.token_lifetime,
            },
            headers={"Cache-Control": "no-store"},
        )

    # ------------------------------------------------------------------ catalogue chain

    @app.post("/chain/entries", dependencies=guarded, status_code=201)
    async def chain_entry(
        push: ChainPush,
        response: Response,
        idempotency_key: Annotated[str, Header(min_length=1, max_length=200)],
    ) -> Any:
        state = sim()
        known = state.by_key.get(idempotency_key)
        if known is not None:
            if (known.kind, known.entry_id, known.version, known.entry) != (
                push.kind,
                push.id,
                push.version,
                push.entry,
            ):
                return _problem(409, "幂等键已用于不同的目录条目")
            response.status_code = 200
            return known.receipt()
        chained = state.append_to_chain(
            kind=push.kind,
            entry_id=push.id,
            version=push.version,
            key=idempotency_key,
            entry=push.entry,
        )
        if state.take_fault("lose"):
            return _problem(503, "上链成功但应答丢失（模拟）")
        return chained.receipt()

    @app.get("/chain/entries/{kind}/{entry_id}", dependencies=guarded)
    async def read_entry(
        kind: str, entry_id: str, version: Annotated[int | None, Query(ge=1)] = None
    ) -> Any:
        chained = sim().find_entry(kind, entry_id, version)
        if chained is None:
            return _problem(404, "目录链上没有该条目")
        return {**chained.receipt(), "entry": chained.entry}

    # ------------------------------------------------------------------ feeds

    @app.get("/open-data/applications", dependencies=guarded)
    async def applications(
        after: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> dict[str, Any]:
        state = sim()
        return state.page(state.applications, after, limit)

    @app.post("/open-data/applications/{application_id}/decision", dependencies=guarded)
    async def decision(application_id: str, data: Decision) -> Any:
        state = sim()
        if not any(item.body["id"] == application_id for item in state.applications):
            return _problem(404, "没有该开放申请")
        returned = state.decisions.setdefault(application_id, [])
        if not returned or returned[-1] != data.model_dump():
            returned.append(data.model_dump())
        if state.take_fault("lose"):
            return _problem(503, "已收到但应答丢失（模拟）")
        return {"id": application_id, "received": True}

    @app.get("/handback/batches", dependencies=guarded)
    async def handback_batches(
        after: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=100)] = 20
    ) -> dict[str, Any]:
        state = sim()
        return state.page(state.handbacks, after, limit)

    # ------------------------------------------------------------------ admin

    @app.get("/admin/faults")
    async def read_faults() -> Faults:
        return sim().faults

    @app.post("/admin/faults")
    async def set_faults(faults: Faults) -> Faults:
        sim().faults = faults
        return faults

    @app.post("/admin/applications", status_code=201)
    async def add_application(body: dict[str, Any]) -> dict[str, Any]:
        return sim().add_application(body)

    @app.get("/admin/applications/{application_id}/decisions")
    async def read_decisions(application_id: str) -> list[dict[str, Any]]:
        return sim().decisions.get(application_id, [])

    @app.post("/admin/handback", status_code=201)
    async def add_handback(body: dict[str, Any]) -> dict[str, Any]:
        return sim().add_handback(body)

    @app.get("/admin/chain")
    async def whole_chain() -> list[dict[str, Any]]:
        return [chained.receipt() for chained in sim().chain]

    @app.delete("/admin/chain/{kind}/{entry_id}")
    async def forget_entry(kind: str, entry_id: str) -> dict[str, int]:
        """Drop an entry from the chain, as a chain reset would: reconciliation must notice."""
        state = sim()
        before = len(state.chain)
        state.chain = [c for c in state.chain if (c.kind, c.entry_id) != (kind, entry_id)]
        state.by_key = {k: c for k, c in state.by_key.items() if c in state.chain}
        return {"removed": before - len(state.chain)}

    @app.get("/admin/requests")
    async def request_counts() -> dict[str, int]:
        return dict(sim().requests)

    return app
