"""The catalog's internal records endpoint, called service-to-service on the catalog's own URL
(never through the gateway, which closes ``/api/*/internal/``), as the ``pdp-sharing`` client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from pdp_kit.errors import Unavailable
from pdp_kit.internal import ServiceTokens

HeadersProvider = Callable[[], Awaitable[dict[str, str]]]


class RecordsPage(BaseModel):
    resource_id: str
    version: int
    items: list[dict[str, Any]]
    next_cursor: str | None = None


class CatalogRecords:
    """Reads a resource's records, asking for the granted fields only (Art. 19): other fields
    never leave the catalog."""

    def __init__(self, client: httpx.AsyncClient, headers: HeadersProvider) -> None:
        self._client = client
        self._headers = headers

    async def page(
        self, resource_id: str, *, fields: list[str], limit: int, cursor: str | None
    ) -> RecordsPage:
        params: dict[str, str | int] = {"fields": ",".join(fields), "limit": limit}
        if cursor:
            params["cursor"] = cursor
        try:
            response = await self._client.get(
                f"/api/catalog/internal/resources/{resource_id}/records",
                params=params,
                headers=await self._headers(),
            )
        except httpx.HTTPError as exc:
            raise Unavailable(f"数据目录服务不可达：{type(exc).__name__}") from exc
        if response.status_code != 200:
            raise Unavailable(f"数据目录服务返回 {response.status_code}")
        try:
            return RecordsPage.model_validate_json(response.content)
        except ValidationError as exc:
            raise Unavailable("数据目录服务的应答无法解析") from exc


def lazy_service_tokens(app: FastAPI) -> HeadersProvider:
    """The token client is built on the first call: a missing secret fails that call (503),
    not the start of the service."""
    holder: dict[str, ServiceTokens] = {}

    async def headers() -> dict[str, str]:
        if "tokens" not in holder:
            holder["tokens"] = ServiceTokens.from_settings(app.state.settings)
            app.state.service_tokens = holder["tokens"]
        return await holder["tokens"].headers()

    return headers


@asynccontextmanager
async def catalog_records_client(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: one pooled client for the service's life."""
    settings = app.state.settings
    async with httpx.AsyncClient(base_url=settings.catalog_url, timeout=10.0) as client:
        app.state.catalog_records = CatalogRecords(client, lazy_service_tokens(app))
        try:
            yield
        finally:
            tokens: ServiceTokens | None = getattr(app.state, "service_tokens", None)
            if tokens is not None:
                await tokens.aclose()
