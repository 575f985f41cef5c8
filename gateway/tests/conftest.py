import asyncio
import base64
import hashlib
import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiohttp import web
from aiohttp.test_utils import TestServer

from gateway.main import create_app
from gateway.settings import GatewaySettings
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET

#: Nothing listens on the discard port: an upstream a test did not start is "down", at once.
NOWHERE = "http://127.0.0.1:9"
BIG = 8 * 1024 * 1024


@pytest.fixture
def service_app_factory() -> tuple[object, type[GatewaySettings]]:
    return create_app, GatewaySettings


@pytest.fixture
def upstream_url() -> str:
    """Where ``/api/catalog`` goes; ``test_proxy`` points it at a real server."""
    return NOWHERE


@pytest.fixture
def service_settings(
    service_settings: GatewaySettings, signing_key: Any, tmp_path: Path, upstream_url: str
) -> GatewaySettings:
    """The plugin's settings, with the gateway signing with the key the ``auth`` fixture uses,
    its data in the test's directory and no upstream on a real port."""
    key_file = tmp_path / "signing-key.pem"
    key_file.write_bytes(signing_key.as_pem(private=True))
    return service_settings.model_copy(
        update={
            "data_dir": tmp_path,
            "signing_key_file": key_file,
            "upstream_catalog": upstream_url,
            **{f"upstream_{name}": NOWHERE for name in ("sharing", "opening", "registry", "audit")},
            "bootstrap_admin_id": DEV_ADMIN_ID,
            "bootstrap_admin_secret": DEV_ADMIN_SECRET,
        }
    )


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


class Gateway:
    """Calls the tests make again and again: tokens and client registrations."""

    def __init__(self, client: httpx.AsyncClient, as_bureau: dict[str, str]) -> None:
        self.client = client
        self.as_bureau = as_bureau

    async def token(
        self, client_id: str = DEV_ADMIN_ID, secret: str = DEV_ADMIN_SECRET, **form: str
    ) -> httpx.Response:
        return await self.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", **form},
            headers=basic(client_id, secret),
        )

    async def bearer(self, client_id: str, secret: str) -> dict[str, str]:
        response = await self.token(client_id, secret)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def register(self, **data: Any) -> dict[str, str]:
        body = {"name": "区教育局数据系统", "roles": ["department"], "department": "D001", **data}
        response = await self.client.post("/api/gateway/clients", json=body, headers=self.as_bureau)
        assert response.status_code == 201, response.text
        credentials: dict[str, str] = response.json()
        return credentials


@pytest.fixture
def gateway(client: httpx.AsyncClient, as_bureau: dict[str, str]) -> Gateway:
    return Gateway(client, as_bureau)


@pytest.fixture
def basic_auth() -> Any:
    return basic


class Upstream:
    """A stand-in catalog service: echoes what reached it, serves big and slow bodies."""

    def __init__(self) -> None:
        self.url = ""
        self.release = asyncio.Event()
        self.calls = 0
        self.app = web.Application(client_max_size=16 * 1024 * 1024, middlewares=[self.count])
        self.app.router.add_route("*", "/api/catalog/echo/{tail:.*}", self.echo)
        self.app.router.add_get("/api/catalog/big", self.big)
        self.app.router.add_get("/api/catalog/slow", self.slow)
        self.app.router.add_get("/readyz", self.ready)

    @web.middleware
    async def count(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path != "/readyz":
            self.calls += 1
        response: web.StreamResponse = await handler(request)
        return response

    async def echo(self, request: web.Request) -> web.Response:
        body = await request.read()
        return web.json_response(
            {
                "method": request.method,
                "path": request.raw_path.split("?", 1)[0],
                "query": request.raw_path.partition("?")[2],
                "headers": {k.lower(): v for k, v in request.headers.items()},
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "body_length": len(body),
            },
            status=201 if request.method == "POST" else 200,
            headers={"X-Upstream": "catalog"},
        )

    async def big(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        await response.prepare(request)
        for index in range(BIG // 65536):
            await response.write(bytes([index % 256]) * 65536)
        await response.write_eof()
        return response

    async def slow(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"first chunk;")
        await self.release.wait()
        await response.write(b"the rest")
        await response.write_eof()
        return response

    async def ready(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    stand_in = Upstream()
    server = TestServer(stand_in.app, host="127.0.0.1")
    await server.start_server()
    stand_in.url = str(server.make_url("")).rstrip("/")
    yield stand_in
    stand_in.release.set()
    await server.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def serving(app: Any, *, http: Any = "auto") -> AsyncIterator[int]:
    """The app (lifespan already run) on a real socket, for what only TCP can send; ``http``
    is uvicorn's protocol (the gateway's own, :mod:`gateway.edge.head_deadline`, for instance)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
            proxy_headers=False,
            http=http,
        )
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
        yield port
    finally:
        server.should_exit = True
        await task


@pytest.fixture
def serve() -> Any:
    return serving


@pytest.fixture
def asgi_client() -> Any:
    """An httpx client for ``app`` as if called from ``peer`` (an address, a port)."""

    def make(app: Any, peer: tuple[str, int] = ("127.0.0.1", 40000)) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=peer, raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url="http://service.pdp.test")

    return make


class Browser:
    """A browser on the console: its own cookie jar, over HTTPS so Secure cookies come back."""

    CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, app: Any) -> None:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self.http = httpx.AsyncClient(transport=transport, base_url="https://gateway.pdp.test")

    async def sign_in(self, username: str, password: str, totp: str = "") -> httpx.Response:
        page = await self.http.get("/console/login")
        assert page.status_code == 200, page.text
        form = {"username": username, "password": password, "totp": totp}
        return await self.http.post("/console/login", data={**form, "csrf_token": _csrf(page)})

    async def csrf(self) -> str:
        """The session's CSRF token, as a console page carries it."""
        page = await self.http.get("/console")
        assert page.status_code == 200, page.text
        return _csrf(page)


def _csrf(page: httpx.Response) -> str:
    found = Browser.CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


@pytest.fixture
async def browsers(app: Any) -> AsyncIterator[Callable[[], Browser]]:
    """``browsers()`` opens a new browser (a new cookie jar) on the gateway."""
    opened: list[Browser] = []

    def open_browser() -> Browser:
        opened.append(Browser(app))
        return opened[-1]

    yield open_browser
    for browser in opened:
        await browser.http.aclose()


async def register_staff(
    client: httpx.AsyncClient, as_bureau: dict[str, str], **data: Any
) -> dict[str, Any]:
    body = {"username": "zhang.wei", "roles": ["bureau"], "password": STAFF_PASSWORD, **data}
    response = await client.post("/api/gateway/users", json=body, headers=as_bureau)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    user["password"] = body["password"]  # what the test signs in with
    return user


@pytest.fixture
def staff(client: httpx.AsyncClient, as_bureau: dict[str, str]) -> Any:
    """``await staff(**fields)`` registers a staff user through the API (bureau token)."""

    async def register(**data: Any) -> dict[str, Any]:
        return await register_staff(client, as_bureau, **data)

    return register


STAFF_PASSWORD = "correct horse battery"
