"""The catalog's internal records endpoint, called service-to-service on the catalog's own URL as
the ``pdp-registry`` client (``pdp_kit.internal``; never through the gateway)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from pdp_kit.errors import Unavailable
from pdp_kit.internal import InternalClient


class RecordsPage(BaseModel):
    resource_id: str
    version: int
    items: list[dict[str, Any]]
    next_cursor: str | None = None


class CatalogRecords:
    """Reads a resource's records, asking for the fields the operator may receive only. The
    internal client is built on the first call: a missing secret fails that call (503), not the
    start of the service."""

    def __init__(self, build: Callable[[], InternalClient]) -> None:
        self._build = build
        self._client: InternalClient | None = None

    async def page(
        self, resource_id: str, *, fields: list[str], limit: int, cursor: str | None
    ) -> RecordsPage:
        if self._client is None:
            self._client = self._build()
        params: dict[str, str | int] = {"fields": ",".join(fields), "limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = await self._client.get(f"/resources/{resource_id}/records", params=params)
        if response.status_code != 200:
            raise Unavailable(f"数据目录服务返回 {response.status_code}")
        try:
            return RecordsPage.model_validate_json(response.content)
        except ValidationError as exc:
            raise Unavailable("数据目录服务的应答无法解析") from exc

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


@asynccontextmanager
async def catalog_records_client(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: one pooled client for the service's life."""
    settings = app.state.settings
    records = CatalogRecords(lambda: InternalClient.from_settings(settings, "catalog"))
    app.state.catalog_records = records
    try:
        yield
    finally:
        await records.aclose()
