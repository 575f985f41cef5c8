"""One district's events, built from the contracts: what every service's subscriptions consume.

Times are fixed in the past, so a timestamp a handler writes "now" is told apart from one it
copied from an event when two runs' tables are compared.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from resilience_kit import data_call, open_data_read, request_logged

from pdp_contracts import EventPayload
from pdp_contracts.catalog import (
    CalendarYearLoaded,
    DepartmentCreated,
    DutyChainRequested,
    RecordsIngested,
    ResourceChainRequested,
    ResourcePublished,
    ResourceSuperseded,
    ResourceWithdrawn,
    SystemChainRequested,
)
from pdp_contracts.chain import ChainEntryKind, ChainReceiptRecorded, ChainStatus
from pdp_contracts.opening import ApplicationApproved, ApplicationRefused, ApplicationReturned
from pdp_contracts.sharing import GrantCreated, GrantReinstated, GrantSuspended, GrantTerminated
from pdp_kit.events.envelope import Event

PAST = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIELDS: list[dict[str, Any]] = [
    {
        "name": "credit_code",
        "title": "统一社会信用代码",
        "type": "string",
        "format": "uscc",
        "sensitive": False,
        "key": True,
    },
    {"name": "name", "title": "企业名称", "type": "string", "sensitive": False, "key": False},
]


def _event(payload: EventPayload, subject: str, department: str | None = None) -> Event:
    event = Event.of(payload, subject=subject, actor="resilience", department=department)
    return dataclasses.replace(event, time=PAST)


def _published(resource: str, version: int, department: str, **overrides: Any) -> ResourcePublished:
    values: dict[str, Any] = {
        "id": resource,
        "version": version,
        "department": department,
        "code": resource,
        "name": f"资源{resource}v{version}",
        "description": "企业登记信息",
        "duty": "DU1",
        "system": "SY1",
        "share_type": "conditional",
        "open_type": "conditional",
        "grade": "general",
        "level": 2,
        "important": False,
        "update_frequency": "daily",
        "fields": FIELDS,
        "published_at": PAST,
    }
    return ResourcePublished(**{**values, **overrides})


def district() -> list[Event]:
    """Every consumed event type at least once, in an order a producer could publish them."""
    events = [
        _event(DepartmentCreated(code="D001", name="区市场监管局"), "D001", "D001"),
        _event(DepartmentCreated(code="D002", name="区民政局"), "D002", "D002"),
        _event(
            CalendarYearLoaded(year=2027, holidays=[date(2027, 1, 1)], workdays=[date(2027, 2, 7)]),
            "2027",
        ),
    ]
    for resource, department in (("R1", "D001"), ("R2", "D002"), ("R3", "D001")):
        events.append(_event(_published(resource, 1, department), resource, department))
    events += [
        _event(_published("R1", 2, "D001", name="企业登记信息v2"), "R1", "D001"),
        _event(
            ResourceSuperseded(id="R1", version=1, department="D001", by_version=2), "R1", "D001"
        ),
        _event(
            RecordsIngested(
                resource_id="R1", version=2, department="D001", accepted=120, rejected=3
            ),
            "R1",
            "D001",
        ),
        _event(
            ResourceWithdrawn(
                id="R2", version=1, department="D002", reason="源系统停用", withdrawn_at=PAST
            ),
            "R2",
            "D002",
        ),
        _event(
            ResourceChainRequested(
                **{**_published("R3", 1, "D001").model_dump(), "department_name": "区市场监管局"}
            ),
            "R3",
            "D001",
        ),
        _event(
            DutyChainRequested(
                id="DU1",
                version=1,
                department="D001",
                department_name="区市场监管局",
                code="DU1",
                name="市场主体登记",
                legal_basis="《市场主体登记管理条例》",
                status="active",
                changed_at=PAST,
            ),
            "DU1",
            "D001",
        ),
        _event(
            SystemChainRequested(
                id="SY1",
                version=1,
                department="D001",
                department_name="区市场监管局",
                code="SY1",
                name="登记系统",
                status="active",
                changed_at=PAST,
            ),
            "SY1",
            "D001",
        ),
        _event(
            ChainReceiptRecorded(
                resource_id="R3",
                kind=ChainEntryKind.RESOURCE,
                version=1,
                status=ChainStatus.CHAINED,
                tx_id="tx-1",
                reason=None,
            ),
            "R3",
            "D001",
        ),
    ]
    for grant, resource in (("G1", "R1"), ("G2", "R3")):
        events.append(
            _event(
                GrantCreated(
                    id=grant,
                    request_id=f"SR-{grant}",
                    resource_id=resource,
                    holder="D002",
                    provider="D001",
                    fields=["credit_code"],
                    purpose="低保资格核查",
                    legal_basis="《社会救助暂行办法》",
                    valid_until=date(2027, 12, 31),
                ),
                grant,
                "D002",
            )
        )
    events += [
        _event(
            GrantSuspended(
                id="G1",
                holder="D002",
                provider="D001",
                kind="overdue_report",
                reason="未按时报送使用情况",
                rectify_by=date(2027, 3, 1),
            ),
            "G1",
            "D002",
        ),
        _event(
            GrantReinstated(id="G1", holder="D002", provider="D001", reason="已整改"), "G1", "D002"
        ),
        _event(
            GrantTerminated(
                id="G2",
                holder="D002",
                provider="D001",
                cause="expired",
                reason="期满",
                fields=["credit_code"],
            ),
            "G2",
            "D002",
        ),
        _event(
            ApplicationApproved(
                id="A1",
                listing_id="L1",
                department="D001",
                client_id="client-OP001",
                municipal_id="M-1",
                scenario="企业画像",
                valid_from=date(2026, 3, 2),
                valid_until=date(2027, 3, 1),
                usage_report_due_on=date(2026, 9, 1),
                decided_on=date(2026, 3, 2),
                on_time=True,
            ),
            "A1",
            "D001",
        ),
        _event(
            ApplicationRefused(
                id="A2",
                listing_id="L1",
                department="D001",
                client_id="client-OP002",
                municipal_id="M-2",
                reason="用途不明",
                decided_on=date(2026, 3, 2),
                on_time=True,
            ),
            "A2",
            "D001",
        ),
        _event(
            ApplicationReturned(
                id="A3",
                listing_id="L1",
                department="D001",
                client_id="client-OP003",
                municipal_id="M-3",
                missing=["安全承诺书"],
                screened_on=date(2026, 3, 2),
            ),
            "A3",
            "D001",
        ),
    ]
    for n in range(5):
        events.append(_event(data_call("G1", n), "G1", "D002"))
        events.append(_event(open_data_read("L1", n), "L1"))
        events.append(_event(request_logged(n), f"req-{n}"))
    return events
