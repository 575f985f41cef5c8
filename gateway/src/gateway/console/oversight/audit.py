"""审计查询: the journal and the usage records as audit lists them for the staff user, with
audit's own filters, and the integrity check on request. Audit applies its own role rules; its
refusal shows on the page in Chinese."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from fastapi import Request

from gateway.console.auth import Staff
from gateway.console.views import labels
from gateway.console.views.service import PAGE_SIZE, Listing, department
from gateway.console.views.upstream import UpstreamFailed, read_as_staff
from pdp_kit.errors import FieldProblem, Invalid

CHAIN_KINDS = {
    "journal": "事件日志",
    "usage": "数据使用记录",
    "reports": "使用情况报告",
    "netlog": "网络日志",
}


class InvalidAuditSearch(Invalid):
    code, title = "invalid-audit-search", "查询条件无效"


@dataclass(frozen=True)
class AuditSearch:
    """The page's filters, as the form sends them (times are local, Asia/Shanghai)."""

    department: str = ""
    start: str = ""
    end: str = ""
    type: str = ""
    subject: str = ""
    resource_id: str = ""
    provider: str = ""
    grant_id: str = ""

    def period(self) -> dict[str, str]:
        """``from`` / ``to`` for audit, as ISO 8601 with the district's offset."""
        return {"from": _instant(self.start, "start"), "to": _instant(self.end, "end")}

    def journal_query(self) -> dict[str, str]:
        return {
            **self.period(),
            "department": self.department,
            "type": self.type,
            "subject": self.subject,
        }

    def usage_query(self) -> dict[str, str]:
        return {
            **self.period(),
            "department": self.department,
            "resource_id": self.resource_id,
            "provider": self.provider,
            "grant_id": self.grant_id,
        }

    def fields(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value}


@dataclass
class Integrity:
    ok: bool | None = None
    checked: int = 0
    failed_kind: str | None = None
    failed_position: int | None = None
    error: str | None = None


def _instant(value: str, name: str) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidAuditSearch(
            "时间格式应为 YYYY-MM-DDTHH:MM", errors=[FieldProblem(name, "not a date and time")]
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=labels.SHANGHAI)
    return moment.isoformat()


def refusal(failed: UpstreamFailed) -> str:
    """Audit's 403 in words a staff user acts on; any other failure as it came."""
    if failed.status == 403:
        return f"您的角色无权查看此项记录。{failed.message}"
    return failed.message


async def read_audit_list(
    request: Request, staff: Staff, path: str, params: dict[str, str]
) -> Listing:
    """A page of an audit list; like ``read_page``, with audit's refusal said plainly."""
    listing = Listing()
    try:
        page = await read_as_staff(request, staff, "audit", path, _kept(params))
    except UpstreamFailed as failed:
        listing.error = refusal(failed)
        return listing
    items = page.get("items")
    listing.items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    cursor = page.get("next_cursor")
    listing.next_cursor = cursor if isinstance(cursor, str) and cursor else None
    return listing


async def check_integrity(request: Request, staff: Staff) -> Integrity:
    """Audit recomputes every chain (Art. 32): asked for with a button, not on every view."""
    try:
        report = await read_as_staff(request, staff, "audit", "/api/audit/integrity", {})
    except UpstreamFailed as failed:
        return Integrity(error=refusal(failed))
    bad = report.get("first_bad")
    return Integrity(
        ok=report.get("ok") is True,
        checked=int(report.get("checked") or 0),
        failed_kind=labels.label(CHAIN_KINDS, bad.get("kind")) if isinstance(bad, dict) else None,
        failed_position=bad.get("position") if isinstance(bad, dict) else None,
    )


def _kept(params: dict[str, str]) -> dict[str, str]:
    return {"limit": str(PAGE_SIZE), **{key: value for key, value in params.items() if value}}


def event_row(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        "time": labels.local_time(item.get("time")),
        "type": item.get("type") or "—",
        "source": item.get("source") or "—",
        "subject": item.get("subject") or "—",
        "department": department(names, item.get("department")),
        "actor": item.get("actor") or "—",
    }


USAGE_RESULTS = {"ok": "成功", "refused": "拒绝", "failed": "失败"}
USAGE_BASES = {"grant": "共享授权", "listing": "开放清单", "authorisation": "运营授权"}


def usage_row(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        "called_at": labels.local_time(item.get("called_at")),
        "client_id": item.get("client_id") or "—",
        "department": department(names, item.get("department") or item.get("operator")),
        "provider": department(names, item.get("provider")),
        "resource_id": item.get("resource_id") or "—",
        "basis": f"{labels.label(USAGE_BASES, item.get('basis'))} {item.get('basis_id') or ''}",
        "purpose": item.get("purpose") or "—",
        "record_count": item.get("record_count", "—"),
        "result": labels.label(USAGE_RESULTS, item.get("result")),
        "refused": item.get("result") in ("refused", "failed"),
    }
