"""How the board names each kind of clock, and where the console acts on its object."""

from __future__ import annotations

from gateway.clocks.models import ClockKind

KINDS = {
    ClockKind.RESOURCE_REVIEW: "目录审核（第十条）",
    ClockKind.CHANGE: "目录更新（第十条）",
    ClockKind.SHARE_REPLY: "共享申请答复（第十八条）",
    ClockKind.OPENING_REVIEW: "开放申请审核（第二十四条）",
    ClockKind.USAGE_REPORT: "开放数据使用报告（第二十四条）",
    ClockKind.REGISTRATION: "授权运营登记（第二十八条）",
    ClockKind.EVALUATION: "授权运营评估（第二十七条）",
    ClockKind.RECTIFICATION: "整改（第三十五条）",
}

#: The console page of each clock's object, where the officer acts on it.
OBJECT_PAGES = {
    ClockKind.SHARE_REPLY: "/console/sharing/requests/{id}",
    ClockKind.RESOURCE_REVIEW: "/console/catalog/resources/{id}",
    ClockKind.CHANGE: "/console/catalog/changes/{id}",
}


def kind_label(kind: str) -> str:
    try:
        return KINDS[ClockKind(kind)]
    except ValueError:
        return kind


def object_page(kind: str, object_id: str) -> str | None:
    try:
        template = OBJECT_PAGES.get(ClockKind(kind))
    except ValueError:
        return None
    return template.format(id=object_id) if template else None
