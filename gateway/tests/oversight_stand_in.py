"""Stand-in services for the ops and supervision pages: each under its own path prefix on one
server (``<url>/<service>``), with readiness, metrics and audit's API as a test sets them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

HANG = "hang"  # answers nothing until the server closes: a timeout

READY = {"status": "ready", "checks": {"database": "ok", "broker": "ok", "outbox": "ok"}}
DEPARTMENTS = [{"code": "D002", "name": "区教育局"}, {"code": "D003", "name": "区民政局"}]


class Platform:
    def __init__(self) -> None:
        self.url = ""
        self.calls: list[dict[str, Any]] = []
        self.ready: dict[str, Any] = {}
        self.metrics: dict[str, Any] = {}
        self.audit: dict[str, Any] = {}
        self.released = asyncio.Event()
        self.app = web.Application()
        self.app.router.add_get("/{service}/readyz", self.readyz)
        self.app.router.add_get("/{service}/metrics", self.prometheus)
        self.app.router.add_get("/catalog/api/catalog/departments", self.departments)
        self.app.router.add_get("/audit/api/audit/{name}", self.audit_api)

    def base(self, service: str) -> str:
        return f"{self.url}/{service}"

    def _record(self, request: web.Request) -> None:
        self.calls.append(
            {
                "path": request.path,
                "query": dict(request.query),
                "token": request.headers.get("Authorization", "").removeprefix("Bearer "),
                "at": time.monotonic(),
            }
        )

    def calls_to(self, path: str) -> list[dict[str, Any]]:
        return [call for call in self.calls if call["path"] == path]

    async def _hang(self) -> None:
        await self.released.wait()

    async def readyz(self, request: web.Request) -> web.Response:
        self._record(request)
        answer = self.ready.get(request.match_info["service"], (200, READY))
        if answer == HANG:
            await self._hang()
        status, body = answer
        return web.json_response(body, status=status)

    async def prometheus(self, request: web.Request) -> web.Response:
        self._record(request)
        answer = self.metrics.get(request.match_info["service"], "")
        if answer == HANG:
            await self._hang()
        return web.Response(text=answer, content_type="text/plain")

    async def departments(self, request: web.Request) -> web.Response:
        return web.json_response({"items": DEPARTMENTS, "next_cursor": None})

    async def audit_api(self, request: web.Request) -> web.Response:
        """``audit[name]``: a body, a ``(status, problem)`` pair, or a function of the query."""
        self._record(request)
        answer = self.audit.get(request.match_info["name"], {"items": [], "next_cursor": None})
        if callable(answer):
            answer = answer(dict(request.query))
        if isinstance(answer, tuple):
            status, problem = answer
            return web.json_response(
                problem, status=status, content_type="application/problem+json"
            )
        return web.json_response(answer)


@asynccontextmanager
async def running() -> AsyncIterator[Platform]:
    platform = Platform()
    server = TestServer(platform.app, host="127.0.0.1")
    await server.start_server()
    platform.url = str(server.make_url("")).rstrip("/")
    try:
        yield platform
    finally:
        platform.released.set()
        await server.close()


async def signed_in(staff: Any, browsers: Any, **fields: Any) -> Any:
    user = await staff(**fields)
    browser = browsers()
    response = await browser.sign_in(user["username"], user["password"])
    assert response.status_code == 303, response.text
    return browser
