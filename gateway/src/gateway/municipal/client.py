"""The HTTP side of the adapters: the district's OAuth 2.0 client at the municipal platforms, and
the calls the gateway makes to its own services on their behalf.

:class:`MunicipalClient` takes a token with the client-credentials grant (authlib
``AsyncOAuth2Client``, renewed before it expires and again after a 401) and maps every answer to
one of three outcomes the adapters store: success, :class:`Retry` (5xx, timeouts, the side is
down: try again with backoff) or :class:`Refused` (a 4xx: retrying would not help).
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from pdp_kit.auth import TokenIssuer

log = logging.getLogger(__name__)
#: The gateway's own client for its services' internal endpoints (role ``service``).
GATEWAY_SERVICE_CLIENT = "pdp-gateway"
#: Who posts open-data applications to opening: the municipal open-data platform (role
#: ``municipal``), as relayed by its adapter.
MUNICIPAL_OPEN_DATA_CLIENT = "municipal-open-data"


class Retry(Exception):
    """The call did not get through (down, 5xx, too slow): it is retried with backoff."""


class Refused(Exception):
    """The other side answered 4xx: the item is kept with the reason, not retried."""


def outcome(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of a 2xx; :class:`Refused` for 4xx, :class:`Retry` for anything else."""
    if response.is_success:
        body: dict[str, Any] = response.json() if response.content else {}
        return body
    detail = f"{response.status_code} {response.text[:300]}"
    if 400 <= response.status_code < 500 and response.status_code not in (401, 408, 429):
        raise Refused(detail)
    raise Retry(detail)


class MunicipalClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token_url = f"{self.base_url}/oauth/token"
        self._oauth = AsyncOAuth2Client(
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint=self._token_url,
            grant_type="client_credentials",
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name
            timeout=timeout,
            transport=transport,
        )

    async def call(
        self, method: str, path: str, *, idempotency_key: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        for attempt in (1, 2):
            try:
                if not self._oauth.token:
                    await self._oauth.fetch_token(self._token_url)
                response = await self._oauth.request(
                    method, f"{self.base_url}{path}", headers=headers, **kwargs
                )
            except (httpx.HTTPError, OAuthError, ValueError) as exc:
                raise Retry(f"{type(exc).__name__}: {exc}"[:300]) from exc
            if response.status_code == 401 and attempt == 1:
                self._oauth.token = None  # the municipal side forgot it (a restart): take another
                continue
            return outcome(response)
        raise Retry("401 after a fresh token")  # pragma: no cover - the loop returns or raises

    async def aclose(self) -> None:
        await self._oauth.aclose()


class PlatformClient:
    """Calls to the platform's own services, straight to their URLs (never through the proxy),
    with tokens the gateway signs for itself."""

    def __init__(
        self,
        *,
        issuer: TokenIssuer,
        upstreams: dict[str, str],
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._issuer = issuer
        self._upstreams = upstreams
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        client_id: str,
        role: str,
        idempotency_key: str,
        json: Any,
    ) -> dict[str, Any]:
        token = self._issuer.issue(client_id=client_id, roles=[role], lifetime_seconds=300)
        headers = {
            "Authorization": f"Bearer {token.access_token}",
            "Idempotency-Key": idempotency_key,
        }
        try:
            response = await self._http.request(
                method, f"{self._upstreams[service]}{path}", headers=headers, json=json
            )
        except httpx.HTTPError as exc:
            raise Retry(f"{type(exc).__name__}: {exc}"[:300]) from exc
        return outcome(response)

    async def aclose(self) -> None:
        await self._http.aclose()
