"""The catalog's internal records endpoint, called service-to-service on the catalog's own URL
(never through the gateway) as the ``pdp-opening`` client, asking only for the fields a listing
lets leave: a dropped field is never even read (Art. 22)."""

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
    def __init__(self, client: Callable[[], InternalClient]) -> None:
        self._client = client

    async def page(
        self, resource_id: str, *, fields: list[str], limit: int, cursor: str | None
    ) -> RecordsPage:
        params: dict[str, str | int] = {"fields": ",".join(fields), "limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = await self._client().get(f"/resources/{resource_id}/records", params=params)
        if response.status_code != 200:
            raise Unavailable(f"数据目录服务返回 {response.status_code}")
        try:
            return RecordsPage.model_validate_json(response.content)
        except ValidationError as exc:
            raise Unavailable("数据目录服务的应答无法解析") from exc


@asynccontextmanager
async def catalog_records_client(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension. The client (and its token) is built on the first call: a missing
    ``PDP_OPENING_INTERNAL_CLIENT_SECRET`` fails that call (503), not the start of the service."""
    holder: dict[str, InternalClient] = {}

    def client() -> InternalClient:
        if "client" not in holder:
            holder["client"] = InternalClient.from_settings(app.state.settings, "catalog")
        return holder["client"]

    app.state.catalog_records = CatalogRecords(client)
    try:
        yield
    finally:
        if "client" in holder:
            await holder["client"].aclose()
