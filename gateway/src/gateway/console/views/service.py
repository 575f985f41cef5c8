"""What the console's service pages show: pages of a service's list read as the staff user,
and their rows in Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from gateway.console.auth import Staff
from gateway.console.views import labels
from gateway.console.views.upstream import UpstreamFailed, read_as_staff

PAGE_SIZE = 50
DEPARTMENTS_LIMIT = 500  # the district has a few dozen; catalog's largest page


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


def department(names: dict[str, str], code: Any) -> str:
    """``区民政局（D003）``; the code alone for a department catalog did not name."""
    if not code:
        return "—"
    return f"{names[code]}（{code}）" if code in names else str(code)


def resource_row(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    chain = item.get("chain")
    return {
        "name": item.get("name") or "—",
        "code": item.get("code") or "",
        "department": department(names, item.get("department")),
        "share_type": labels.label(labels.SHARE_TYPES, item.get("share_type")),
        "open_type": labels.label(labels.OPEN_TYPES, item.get("open_type")),
        "grade": labels.grade(item),
        "status": labels.label(labels.RESOURCE_STATUSES, item.get("status")),
        "chain": labels.label(
            labels.CHAIN_STATUSES, chain.get("status") if isinstance(chain, dict) else None
        ),
        "chain_failed": isinstance(chain, dict) and chain.get("status") == "failed",
    }


def request_row(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": item.get("id") or "",
        "resource": item.get("resource_id") or "—",
        "requester": department(names, item.get("requester")),
        "provider": department(names, item.get("provider")),
        "status": labels.label(labels.REQUEST_STATUSES, item.get("status")),
        "reply_due_on": item.get("reply_due_on") or "—",
        "provisional": bool(item.get("provisional")),
        "overdue": bool(item.get("overdue")),
    }


def grant_row(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    last_called = item.get("last_called_at")
    return {
        "id": item.get("id") or "",
        "resource": item.get("resource_id") or "—",
        "holder": department(names, item.get("holder")),
        "provider": department(names, item.get("provider")),
        "status": labels.label(labels.GRANT_STATUSES, item.get("status")),
        "suspension_reason": item.get("suspension_reason"),
        "valid_until": item.get("valid_until") or "—",
        "last_called": labels.local_time(last_called) if last_called else "尚未调用",
    }
