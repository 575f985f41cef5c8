"""The platform's public API as the demo calls it: OAuth client credentials at the gateway, then
``/api/<service>/...`` with the bearer token. Nothing else (no database, no internal endpoint)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class PlatformUnreachable(Exception):
    """Nothing answers at the gateway address."""


class ApiError(Exception):
    """The platform refused a call the demo expected to succeed."""

    def __init__(self, method: str, path: str, response: httpx.Response) -> None:
        self.status = response.status_code
        super().__init__(f"{method} {path} → {response.status_code}: {response.text[:2000]}")


class Caller:
    """One OAuth client (the bureau, or a department's system) calling through the gateway."""

    def __init__(self, http: httpx.Client, client_id: str, secret: str) -> None:
        self.http = http
        self.client_id = client_id
        self._secret = secret
        self._token: str | None = None

    def _headers(self) -> dict[str, str]:
        if self._token is None:
            response = self.http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self._secret),
            )
            if response.status_code != 200:
                raise ApiError("POST", f"/oauth/token ({self.client_id})", response)
            self._token = str(response.json()["access_token"])
        return {"Authorization": f"Bearer {self._token}"}

    def request(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        try:
            return self.http.request(
                method, path, json=json, params=params, headers=self._headers()
            )
        except httpx.ConnectError as exc:
            raise PlatformUnreachable(str(self.http.base_url)) from exc

    def get(self, path: str, **params: Any) -> Any:
        response = self.request("GET", path, params=params or None)
        if response.status_code != 200:
            raise ApiError("GET", path, response)
        return response.json()

    def post(self, path: str, body: Any = None) -> Any:
        response = self.request("POST", path, json=body)
        if response.status_code not in (200, 201):
            raise ApiError("POST", path, response)
        return response.json()

    def create(self, path: str, body: Any) -> dict[str, Any] | None:
        """POST a new object: what was created, or ``None`` when it was already there (409)."""
        response = self.request("POST", path, json=body)
        if response.status_code == 201:
            created: dict[str, Any] = response.json()
            return created
        if response.status_code == 409:
            return None
        raise ApiError("POST", path, response)

    def items(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a list, following ``next_cursor``."""
        cursor: str | None = None
        while True:
            page = self.get(path, limit=500, **params, **({"cursor": cursor} if cursor else {}))
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return


def open_gateway(base_url: str) -> httpx.Client:
    """An HTTP client for the gateway, after checking something answers there."""
    http = httpx.Client(base_url=base_url.rstrip("/"), timeout=TIMEOUT)
    try:
        http.get("/healthz")
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        http.close()
        raise PlatformUnreachable(base_url) from exc
    return http
