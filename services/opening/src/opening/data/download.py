"""Bulk download of a listing as CSV or JSON (Art. 22): streamed page by page from the catalog,
every record through the profile, with the dataset's metadata and the required source citation.

The entitlement is checked (and a refusal recorded) in the request's transaction; the first page
is read before the answer starts, so an unreachable catalog is a 503; the usage record of the
download, with the number of records sent, is committed when the stream ends (or fails)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from opening.data.access import Entitlement
from opening.data.catalog_client import CatalogRecords, RecordsPage
from opening.data.schemas import citation
from opening.data.service import check_entitlement, record_read
from pdp_contracts.usage import UsageResult
from pdp_kit.auth import Principal
from pdp_kit.errors import DomainError, Unavailable
from pdp_kit.pagination import MAX_LIMIT


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"


MEDIA_TYPES = {Format.CSV: "text/csv; charset=utf-8", Format.JSON: "application/json"}


@dataclass
class Download:
    entitled: Entitlement
    first: RecordsPage
    format: Format

    @property
    def filename(self) -> str:
        return f"{self.entitled.listing.id}.{self.format.value}"


def metadata(entitled: Entitlement) -> dict[str, Any]:
    listing = entitled.listing
    return {
        "listing_id": listing.id,
        "resource_id": listing.resource_id,
        "title": listing.name,
        "description": listing.description,
        "publisher": listing.department,
        "open_type": listing.open_type,
        "update_frequency": listing.update_frequency,
        "fields": entitled.profile.fields,
        "masked": {name: str(rule) for name, rule in entitled.profile.masks.items()},
        "citation": citation(listing),
    }


async def start_download(
    session: AsyncSession,
    *,
    listing_id: str,
    principal: Principal,
    format: Format,
    catalog: CatalogRecords,
) -> Download | DomainError:
    granted = await check_entitlement(
        session, listing_id=listing_id, principal=principal, delivery=format.value
    )
    if isinstance(granted, DomainError):
        return granted
    fields = granted.profile.fields
    try:
        first = await catalog.page(
            granted.listing.resource_id, fields=fields, limit=MAX_LIMIT, cursor=None
        )
    except Unavailable as exc:
        await record_read(
            session,
            granted.listing,
            principal,
            UsageResult.FAILED,
            entitled=granted,
            delivery=format.value,
            reason=exc.detail,
        )
        return exc
    return Download(granted, first, format)


async def _records(
    download: Download, catalog: CatalogRecords, sent: list[int]
) -> AsyncIterator[dict[str, Any]]:
    page = download.first
    profile = download.entitled.profile
    while True:
        for record in page.items:
            sent[0] += 1
            yield profile.apply(record)
        if page.next_cursor is None:
            return
        page = await catalog.page(
            download.entitled.listing.resource_id,
            fields=profile.fields,
            limit=MAX_LIMIT,
            cursor=page.next_cursor,
        )


async def _csv(download: Download, records: AsyncIterator[dict[str, Any]]) -> AsyncIterator[str]:
    """Metadata and citation as ``#`` comment lines, then the header and the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for key, value in metadata(download.entitled).items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        buffer.write(f"# {key}: {text}\n")
    writer.writerow(download.entitled.profile.fields)
    yield "\ufeff" + buffer.getvalue()
    fields = download.entitled.profile.fields
    count = 0
    buffer.seek(0), buffer.truncate()
    async for record in records:
        writer.writerow(["" if record[f] is None else record[f] for f in fields])
        count += 1
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0), buffer.truncate()
    yield buffer.getvalue()


async def _json(download: Download, records: AsyncIterator[dict[str, Any]]) -> AsyncIterator[str]:
    head = json.dumps({"dataset": metadata(download.entitled)}, ensure_ascii=False)
    yield head[:-1] + ', "records": ['
    first = True
    async for record in records:
        yield ("" if first else ",") + json.dumps(record, ensure_ascii=False, default=str)
        first = False
    yield "]}"


async def stream(
    download: Download,
    *,
    catalog: CatalogRecords,
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
) -> AsyncIterator[bytes]:
    sent = [0]
    records = _records(download, catalog, sent)
    body = _csv(download, records) if download.format is Format.CSV else _json(download, records)
    result, reason = UsageResult.OK, None
    try:
        async for chunk in body:
            yield chunk.encode()
    except Unavailable as exc:
        result, reason = UsageResult.FAILED, exc.detail
        raise
    finally:
        async with sessionmaker() as session, session.begin():
            await record_read(
                session,
                download.entitled.listing,
                principal,
                result,
                entitled=download.entitled,
                delivery=download.format.value,
                count=sent[0],
                reason=reason,
            )
