"""Calling another service's internal endpoints: directly on its own URL, as this service's client.

Each service has a gateway client ``pdp-<service>`` with the ``service`` role, created by the
gateway from that service's secret (``PDP_<SERVICE>_INTERNAL_CLIENT_SECRET``; the gateway disables
the client while the secret is unset). :class:`ServiceTokens` takes a token with the
client-credentials grant (authlib) and reuses it until shortly before it expires.
:class:`InternalClient` calls ``PDP_<SERVICE>_URL`` with that token: the gateway answers 404 for
``/api/<service>/internal/...``, so internal calls never go through it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from pdp_kit.errors import Unavailable
from pdp_kit.settings import ServiceSettings, internal_client_id

#: A token is renewed this long before it expires, so no call carries one about to lapse.
RENEW_BEFORE_SECONDS = 60


class ServiceTokens:
    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token_url = token_url
        self._client = AsyncOAuth2Client(
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name
            transport=transport,
            timeout=10.0,
        )
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(
        cls, settings: ServiceSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> ServiceTokens:
        if not settings.internal_client_secret:
            name = settings.service_name.upper()
            raise Unavailable(f"PDP_{name}_INTERNAL_CLIENT_SECRET is not set: no internal client")
        return cls(
            token_url=f"{settings.gateway_url.rstrip('/')}/oauth/token",
            client_id=internal_client_id(settings.service_name),
            client_secret=settings.internal_client_secret,
            transport=transport,
        )

    async def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token()}"}

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or time.time() >= self._expires_at - RENEW_BEFORE_SECONDS:
                try:
                    issued: dict[str, Any] = await self._client.fetch_token(
                        self._token_url, grant_type="client_credentials"
                    )
                except (httpx.HTTPError, OAuthError, ValueError) as exc:
                    raise Unavailable(f"网关未签发服务令牌：{exc}") from exc
                self._token = str(issued["access_token"])
                self._expires_at = time.time() + float(issued.get("expires_in", 300))
            return self._token

    def forget(self, token: str) -> None:
        """The callee refused ``token`` (a rotated secret ends live tokens): take a new one."""
        if self._token == token:
            self._token = None

    async def aclose(self) -> None:
        await self._client.aclose()


class InternalClient:
    """``await InternalClient.from_settings(settings, "catalog").get("/records/...")``: a call to
    ``{PDP_CATALOG_URL}/api/catalog/internal/records/...`` with this service's token. A 401 is
    retried once with a fresh token; an unreachable service is :class:`Unavailable` (503)."""

    def __init__(
        self,
        *,
        service: str,
        base_url: str,
        tokens: ServiceTokens,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.service = service
        self._prefix = f"/api/{service}/internal"
        self._tokens = tokens
        self._http = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=timeout)

    @classmethod
    def from_settings(
        cls,
        settings: ServiceSettings,
        service: str,
        *,
        tokens: ServiceTokens | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> InternalClient:
        return cls(
            service=service,
            base_url=settings.service_url(service),
            tokens=tokens or ServiceTokens.from_settings(settings, transport=transport),
            transport=transport,
        )

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """``path`` is relative to ``/api/<service>/internal``."""
        url = f"{self._prefix}/{path.lstrip('/')}"
        for attempt in (1, 2):
            token = await self._tokens.token()
            try:
                response = await self._http.request(
                    method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs
                )
            except httpx.HTTPError as exc:
                raise Unavailable(f"{self.service} 服务暂不可达") from exc
            if response.status_code != 401 or attempt == 2:
                return response
            self._tokens.forget(token)
        raise AssertionError("unreachable")  # pragma: no cover

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", path, **kwargs)

    async def aclose(self) -> None:
        await self._http.aclose()
