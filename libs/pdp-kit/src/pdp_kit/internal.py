"""Calling another service's internal endpoints, through the gateway, as this service's client.

Each service has a gateway client ``pdp-<service>`` with the ``service`` role (created by the
gateway from ``PDP_INTERNAL_CLIENT_SECRET``). :class:`ServiceTokens` takes a token with the
client-credentials grant (authlib) and reuses it until shortly before it expires.
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
            raise Unavailable("PDP_INTERNAL_CLIENT_SECRET is not set: no internal client")
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

    async def aclose(self) -> None:
        await self._client.aclose()
