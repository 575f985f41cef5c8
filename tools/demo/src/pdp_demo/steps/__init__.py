"""The demo's steps, in order: each loads one part of the district through one service's API.

A step is a function ``(Demo) -> str`` (the summary printed on its progress line) that looks up
before it creates, so running the demo again changes nothing. To add a service's part, write its
step in ``steps/<service>.py`` and list it below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pdp_demo.steps import catalog, gateway, opening, registry, sharing
from pdp_demo.steps.state import Demo


@dataclass(frozen=True)
class Step:
    title: str
    run: Callable[[Demo], str]


STEPS: tuple[Step, ...] = (
    Step("目录：部门", catalog.departments),
    Step("网关：各部门的接入客户端", gateway.department_clients),
    Step("目录：职责与系统", catalog.duties_and_systems),
    Step("目录：数据资源（起草、提交、发布）", catalog.resources),
    Step("目录：数据归集", catalog.records),
    Step("目录：更新义务", catalog.change_obligation),
    Step("目录：异议工单", catalog.objection),
    Step("共享：申请、答复与授权", sharing.requests),
    Step("开放：开放清单、开放申请与脱敏数据", opening.listings_and_applications),
    Step("授权运营：运营主体、授权、评估、登记与退出", registry.operation),
)

__all__ = ["STEPS", "Demo", "Step"]
