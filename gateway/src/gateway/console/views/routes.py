"""数据目录 and 共享申请: read-only console pages over the catalog's and sharing's public APIs,
as the signed-in staff user (issue #13). A service that fails shows as a message on the page."""

from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from gateway.console.auth import CurrentStaff
from gateway.console.pages import render
from gateway.console.views.service import (
    department_names,
    grant_row,
    read_page,
    request_row,
    resource_row,
)

router = APIRouter(prefix="/console", include_in_schema=False)

Cursor = Annotated[str, Query(max_length=1000, description="上一页返回的 next_cursor")]


def page_url(path: str, **params: str | None) -> str:
    kept = {key: value for key, value in params.items() if value}
    return f"{path}?{urlencode(kept)}" if kept else path


@router.get("/catalog")
async def catalog_page(
    request: Request,
    staff: CurrentStaff,
    q: Annotated[str, Query(max_length=200, description="中文检索")] = "",
    cursor: Cursor = "",
) -> Response:
    """Published resources (and the staff user's department's own drafts), as catalog lists
    them for this user; ``q`` is catalog's search."""
    q = q.strip()
    listing, names = await asyncio.gather(
        read_page(request, staff, "catalog", "/api/catalog/resources", {"q": q, "cursor": cursor}),
        department_names(request, staff),
    )
    return render(
        request,
        "catalog.html",
        staff=staff,
        q=q,
        rows=[resource_row(item, names) for item in listing.items],
        error=listing.error,
        next_url=listing.next_cursor
        and page_url("/console/catalog", q=q, cursor=listing.next_cursor),
        first_url=page_url("/console/catalog", q=q) if cursor else None,
    )


@router.get("/sharing")
async def sharing_page(
    request: Request, staff: CurrentStaff, cursor: Cursor = "", grants_cursor: Cursor = ""
) -> Response:
    """Share requests and grants, as sharing lists them for this user (a department: those it
    made, received, holds or provides; the bureau: all)."""
    requests, grants, names = await asyncio.gather(
        read_page(request, staff, "sharing", "/api/sharing/requests", {"cursor": cursor}),
        read_page(request, staff, "sharing", "/api/sharing/grants", {"cursor": grants_cursor}),
        department_names(request, staff),
    )
    return render(
        request,
        "sharing.html",
        staff=staff,
        requests=[request_row(item, names) for item in requests.items],
        requests_error=requests.error,
        requests_next=requests.next_cursor
        and page_url("/console/sharing", cursor=requests.next_cursor),
        grants=[grant_row(item, names) for item in grants.items],
        grants_error=grants.error,
        grants_next=grants.next_cursor
        and page_url("/console/sharing", grants_cursor=grants.next_cursor),
        paged=bool(cursor or grants_cursor),
    )
