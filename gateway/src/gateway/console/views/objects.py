"""What the console shows of one object a clock runs on, and which actions it offers the
signed-in officer: a share request (the provider's reply), a resource in review (the bureau's
decision), a change obligation's extension request (the bureau's decision).

The offer follows the service's rules so the page does not tempt a click that must fail; the
service still decides every action (a refusal is shown as the service gave it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gateway.console.auth import Staff
from gateway.console.views import labels
from pdp_kit.auth import Role

CHANGE_KINDS = {"change": "目录更新", "annual_review": "年度全面复核"}
CHANGE_STATUSES = {"open": "待更新", "closed": "已办结"}
EXTENSION_STATUSES = {
    "none": "未申请",
    "requested": "已申请，待数据局决定",
    "approved": "已同意",
    "refused": "未同意",
}


@dataclass(frozen=True)
class Action:
    """One form on the page: ``POST`` ``url`` with the CSRF token (and a reason when asked)."""

    id: str
    label: str
    url: str
    reason_label: str | None = None
    danger: bool = False


@dataclass(frozen=True)
class ObjectKind:
    service: str
    api_path: str  # with {id}
    page_path: str  # with {id}
    title: str
    facts: Callable[[dict[str, Any]], list[tuple[str, str]]]
    actions: Callable[[Staff, dict[str, Any], str], list[Action]] = field(
        default=lambda staff, item, page: []
    )


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(str(part) for part in value)
    return str(value)


def _due(item: dict[str, Any], key: str) -> str:
    due = _text(item.get(key))
    if item.get("provisional"):
        due += "（暂定）"
    if item.get("overdue") or item.get("review_overdue_on"):
        due += "，已逾期"
    return due


def share_request_facts(item: dict[str, Any]) -> list[tuple[str, str]]:
    extension = item.get("extension") if isinstance(item.get("extension"), dict) else None
    return [
        ("申请编号", _text(item.get("id"))),
        ("数据资源", _text(item.get("resource_id"))),
        ("申请部门", _text(item.get("requester"))),
        ("提供部门", _text(item.get("provider"))),
        ("共享类型", labels.label(labels.SHARE_TYPES, item.get("share_type"))),
        ("申请字段", _text(item.get("fields"))),
        ("使用场景", _text(item.get("scenario"))),
        ("法律依据", _text(item.get("legal_basis"))),
        ("状态", labels.label(labels.REQUEST_STATUSES, item.get("status"))),
        ("答复期限", _due(item, "reply_due_on")),
        (
            "延期答复",
            f"{extension.get('working_days')} 个工作日（{_text(extension.get('reason'))}），"
            f"{labels.label(EXTENSION_STATUSES, extension.get('status'))}"
            if extension
            else "未申请",
        ),
    ]


def share_request_actions(staff: Staff, item: dict[str, Any], page: str) -> list[Action]:
    offered: list[Action] = []
    provider = staff.has(Role.DEPARTMENT) and staff.department == item.get("provider")
    if provider and item.get("status") == "submitted":
        offered.append(Action("approve-share-request", "同意共享", f"{page}/approve"))
        offered.append(
            Action(
                "reject-share-request",
                "拒绝共享",
                f"{page}/reject",
                reason_label="拒绝理由（将书面告知申请部门）",
                danger=True,
            )
        )
    extension = item.get("extension")
    if (
        staff.has(Role.BUREAU)
        and isinstance(extension, dict)
        and extension.get("status") == "requested"
    ):
        offered.append(
            Action("approve-share-extension", "同意延期答复", f"{page}/extension/approve")
        )
    return offered


def resource_facts(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("资源名称", _text(item.get("name"))),
        ("资源编码", _text(item.get("code"))),
        ("所属部门", _text(item.get("department"))),
        ("版本", f"第 {_text(item.get('version'))} 版"),
        ("状态", labels.label(labels.RESOURCE_STATUSES, item.get("status"))),
        ("共享类型", labels.label(labels.SHARE_TYPES, item.get("share_type"))),
        ("开放类型", labels.label(labels.OPEN_TYPES, item.get("open_type"))),
        ("分级", labels.grade(item)),
        ("审核期限", _due(item, "review_due_on")),
        ("退回理由", _text(item.get("rejected_reason"))),
    ]


def resource_actions(staff: Staff, item: dict[str, Any], page: str) -> list[Action]:
    if not (staff.has(Role.BUREAU) and item.get("status") == "in_review"):
        return []
    return [
        Action("publish-resource", "审核通过并发布", f"{page}/publish"),
        Action("reject-resource", "退回", f"{page}/reject", reason_label="退回理由", danger=True),
    ]


def change_facts(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("编号", _text(item.get("id"))),
        ("责任部门", _text(item.get("department"))),
        ("类型", labels.label(CHANGE_KINDS, item.get("kind"))),
        ("事由", _text(item.get("reason"))),
        ("状态", labels.label(CHANGE_STATUSES, item.get("status"))),
        ("到期日", _due(item, "due_on")),
        ("延期申请", labels.label(EXTENSION_STATUSES, item.get("extension_status"))),
        ("延期理由", _text(item.get("extension_reason"))),
    ]


def change_actions(staff: Staff, item: dict[str, Any], page: str) -> list[Action]:
    if not (staff.has(Role.BUREAU) and item.get("extension_status") == "requested"):
        return []
    return [
        Action("approve-change-extension", "同意延期（5 个工作日）", f"{page}/extension/approve"),
        Action(
            "refuse-change-extension",
            "不同意延期",
            f"{page}/extension/refuse",
            reason_label="不同意的理由",
            danger=True,
        ),
    ]


SHARE_REQUEST = ObjectKind(
    service="sharing",
    api_path="/api/sharing/requests/{id}",
    page_path="/console/sharing/requests/{id}",
    title="共享申请",
    facts=share_request_facts,
    actions=share_request_actions,
)
RESOURCE = ObjectKind(
    service="catalog",
    api_path="/api/catalog/resources/{id}",
    page_path="/console/catalog/resources/{id}",
    title="数据资源审核",
    facts=resource_facts,
    actions=resource_actions,
)
CHANGE = ObjectKind(
    service="catalog",
    api_path="/api/catalog/changes/{id}",
    page_path="/console/catalog/changes/{id}",
    title="目录更新义务",
    facts=change_facts,
    actions=change_actions,
)
