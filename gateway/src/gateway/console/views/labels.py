"""How the console names the services' codes, in Chinese (CONTRACT: Shared vocabularies)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

SHARE_TYPES = {  # Art. 16
    "unconditional": "无条件共享",
    "conditional": "有条件共享",
    "not_shared": "不予共享",
}
OPEN_TYPES = {  # Art. 21
    "unconditional": "无条件开放",
    "conditional": "有条件开放",
    "not_open": "不予开放",
}
GRADES = {"core": "核心数据", "important": "重要数据", "general": "一般数据"}  # Art. 6(3)
RESOURCE_STATUSES = {
    "draft": "草稿",
    "in_review": "待审核",
    "published": "已发布",
    "rejected": "已退回",
    "superseded": "已被新版本替代",
    "withdrawn": "已下线",
}
CHAIN_STATUSES = {"pending": "待上链", "chained": "已上链", "failed": "上链失败"}  # Art. 11
REQUEST_STATUSES = {  # Art. 18
    "submitted": "待答复",
    "materials_requested": "待补正材料",
    "approved": "已同意",
    "rejected": "已拒绝",
}
GRANT_STATUSES = {"active": "有效", "suspended": "已暂停", "terminated": "已终止"}  # Art. 20


def label(labels: dict[str, str], code: Any) -> str:
    """The Chinese name of ``code``; an unknown code as it is, a missing one as a dash."""
    if code is None or code == "":
        return "—"
    return labels.get(str(code), str(code))


def grade(resource: dict[str, Any]) -> str:
    """``一般数据（2级）`` for general data with its level (Art. 6(3))."""
    named = label(GRADES, resource.get("grade"))
    level = resource.get("level")
    return f"{named}（{level}级）" if level else named


def local_time(value: Any) -> str:
    """An API timestamp as the district reads it (Asia/Shanghai, to the minute)."""
    if not isinstance(value, str) or not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
