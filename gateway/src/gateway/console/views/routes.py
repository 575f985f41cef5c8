"""数据目录 and 共享申请: read-only console pages over the catalog's and sharing's public APIs,
as the signed-in staff user (issue #13). A service that fails shows as a message on the page."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from gateway.console.auth import CurrentStaff, Staff
from gateway.console.pages import render
from gateway.console.views import labels
from gateway.console.views.upstream import UpstreamFailed, read_as_staff

router = APIRouter(prefix="/console", include_in_schema=False)

PAGE_SIZE = 50
DEPARTMENTS_LIMIT = 500  # the district has a few dozen; catalog's largest page
Cursor = Annotated[str, Query(max_length=1000, description="上一页返回的 next_cursor")]


@dataclass
class Listing:
    """One page of a service's list: rows, the next page's cursor, or the failure's message."""

    items: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str | None = None
    error: str | None = None


async def read_page(
    request: Request,
    staff: Staff,
    service: str,
    path: str,
    params: dict[str, str],
    *,
    limit: int = PAGE_SIZE,
) -> Listing:
    listing = Listing()
    query = {"limit": str(limit), **{k: v for k, v in params.items() if v}}
    try:
        page = await read_as_staff(request, staff, service, path, query)
    except UpstreamFailed as failed:
        listing.error = failed.message
        return listing
    items = page.get("items")
    listing.items = (
        [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    )
    cursor = page.get("next_cursor")
    listing.next_cursor = cursor if isinstance(cursor, str) and cursor else None
    return listing


async def department_names(request: Request, staff: Staff) -> dict[str, str]:
    """Department code -> name, from catalog's register (public to any caller); the codes alone
    when it cannot be read."""
    listing = await read_page(
        request, staff, "catalog", "/api/catalog/departments", {}, limit=DEPARTMENTS_LIMIT
    )
    return {
        str(item["code"]): str(item["name"])
        for item in listing.items
        if item.get("code") and item.get("name")
    }


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
        rows=[_resource_row(item, names) for item in listing.items],
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
        requests=[_request_row(item, names) for item in requests.items],
        requests_error=requests.error,
        requests_next=requests.next_cursor
        and page_url("/console/sharing", cursor=requests.next_cursor),
        grants=[_grant_row(item, names) for item in grants.items],
        grants_error=grants.error,
        grants_next=grants.next_cursor
        and page_url("/console/sharing", grants_cursor=grants.next_cursor),
        paged=bool(cursor or grants_cursor),
    )


def _department(names: dict[str, str], code: Any) -> str:
    """``区民政局（D003）``; the code alone for a department catalog did not name."""
    if not code:
        return "—"
    return f"{names[code]}（{code}）" if code in names else str(code)


def _resource_row(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    chain = item.get("chain")
    return {
        "name": item.get("name") or "—",
        "code": item.get("code") or "",
        "department": _department(names, item.get("department")),
        "share_type": labels.label(labels.SHARE_TYPES, item.get("share_type")),
        "open_type": labels.label(labels.OPEN_TYPES, item.get("open_type")),
        "grade": labels.grade(item),
        "status": labels.label(labels.RESOURCE_STATUSES, item.get("status")),
        "chain": labels.label(
            labels.CHAIN_STATUSES, chain.get("status") if isinstance(chain, dict) else None
        ),
        "chain_failed": isinstance(chain, dict) and chain.get("status") == "failed",
    }


def _request_row(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": item.get("id") or "",
        "resource": item.get("resource_id") or "—",
        "requester": _department(names, item.get("requester")),
        "provider": _department(names, item.get("provider")),
        "status": labels.label(labels.REQUEST_STATUSES, item.get("status")),
        "reply_due_on": item.get("reply_due_on") or "—",
        "provisional": bool(item.get("provisional")),
        "overdue": bool(item.get("overdue")),
    }


def _grant_row(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    last_called = item.get("last_called_at")
    return {
        "id": item.get("id") or "",
        "resource": item.get("resource_id") or "—",
        "holder": _department(names, item.get("holder")),
        "provider": _department(names, item.get("provider")),
        "status": labels.label(labels.GRANT_STATUSES, item.get("status")),
        "suspension_reason": item.get("suspension_reason"),
        "valid_until": item.get("valid_until") or "—",
        "last_called": labels.local_time(last_called) if last_called else "尚未调用",
    }
