"""The catalog's resource events as another service's tests receive them: a published version and
a withdrawal, with defaults a test overrides only where it matters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pdp_contracts.catalog import ResourcePublished, ResourceWithdrawn
from pdp_kit.events.envelope import Event


def resource_published(
    resource_id: str, *, department: str, fields: list[dict[str, Any]], **overrides: Any
) -> Event:
    """``ResourcePublished`` of a conditional, not-open, general level-2 resource (version 1)."""
    values: dict[str, Any] = {
        "id": resource_id,
        "version": 1,
        "department": department,
        "code": resource_id,
        "name": f"资源{resource_id}",
        "description": "测试资源",
        "duty": "DU1",
        "system": "SY1",
        "share_type": "conditional",
        "open_type": "not_open",
        "grade": "general",
        "level": 2,
        "important": False,
        "update_frequency": "daily",
        "fields": fields,
        "published_at": datetime.now(UTC),
    }
    payload = ResourcePublished(**{**values, **overrides})
    return Event.of(payload, subject=resource_id, department=department)


def resource_withdrawn(
    resource_id: str, *, department: str, version: int = 1, reason: str = "源系统停用"
) -> Event:
    payload = ResourceWithdrawn(
        id=resource_id,
        version=version,
        department=department,
        reason=reason,
        withdrawn_at=datetime.now(UTC),
    )
    return Event.of(payload, subject=resource_id, department=department)
