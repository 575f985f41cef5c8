"""Catalog: departments (the bureau), their duty and system catalogues and resources (each
department drafts and submits, the bureau publishes), aggregated records, a change obligation
and an objection. Art. 8–15."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from pdp_demo.district import DEPARTMENTS, department
from pdp_demo.people import records as make_records
from pdp_demo.steps.state import Demo, DemoFailed

CATALOG = "/api/catalog"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def departments(demo: Demo) -> str:
    created = sum(
        demo.bureau.create(f"{CATALOG}/departments", {"code": d.code, "name": d.name}) is not None
        for d in DEPARTMENTS
    )
    return f"{len(DEPARTMENTS)} 个部门（新建 {created}）"


def duties_and_systems(demo: Demo) -> str:
    created = total = 0
    for d in DEPARTMENTS:
        caller = demo.department(d.code)
        for code, name, basis in d.duties:
            body = {"code": code, "name": name, "legal_basis": basis}
            created += caller.create(f"{CATALOG}/departments/{d.code}/duties", body) is not None
            total += 1
        for code, name in d.systems:
            body = {"code": code, "name": name}
            created += caller.create(f"{CATALOG}/departments/{d.code}/systems", body) is not None
            total += 1
    return f"{total} 项职责和系统（新建 {created}）"


def resources(demo: Demo) -> str:
    """Draft (department) → submit (department) → publish (bureau), from wherever each is."""
    created = published = 0
    for d in DEPARTMENTS:
        caller = demo.department(d.code)
        known = {r["code"]: r for r in demo.bureau.items(f"{CATALOG}/resources", department=d.code)}
        for spec in d.resources:
            resource = known.get(spec.code)
            if resource is None:
                resource = caller.create(f"{CATALOG}/resources", spec.body(d.code))
                if resource is None:  # created meanwhile by someone else: read it
                    resource = _find(demo, d.code, spec.code)
                else:
                    created += 1
            # A published resource stays as it is, even with a newer draft someone is writing.
            if resource.get("published_version") is None and resource["status"] == "draft":
                resource = caller.post(f"{CATALOG}/resources/{resource['id']}/submit")
            if resource.get("published_version") is None and resource["status"] == "in_review":
                resource = demo.bureau.post(f"{CATALOG}/resources/{resource['id']}/publish")
                published += 1
            if resource.get("published_version") is None:
                raise DemoFailed(f"{d.name} {spec.name} 未能发布：{resource['status']}")
            demo.resources[spec.code] = resource
    return f"{len(demo.resources)} 个资源已发布（新建 {created}，本次发布 {published}）"


def _find(demo: Demo, department_code: str, code: str) -> dict[str, Any]:
    for resource in demo.bureau.items(f"{CATALOG}/resources", department=department_code):
        if resource["code"] == code:
            return resource
    raise DemoFailed(f"资源 {code} 不存在")


def records(demo: Demo) -> str:
    """Each department pushes its records; the key fields make a second push an update."""
    accepted = pushed = 0
    for d in DEPARTMENTS:
        for spec in d.resources:
            if spec.make is None or not spec.records:
                continue
            batch = make_records(spec.code, spec.records, spec.make, spec.key)
            resource_id = demo.resources[spec.code]["id"]
            result = demo.department(d.code).post(
                f"{CATALOG}/resources/{resource_id}/records", {"records": batch}
            )
            if result["rejected"]:
                raise DemoFailed(f"{spec.name}：记录被拒收 {result['rejected'][:3]}")
            demo.records[spec.code] = batch
            accepted += result["accepted"]
            pushed += 1
    return f"{pushed} 个资源归集 {accepted} 条记录（拒收 0 条）"


CHANGE_REASON = "《上海市医疗机构管理办法》修订，医疗机构执业登记信息项调整"


def change_obligation(demo: Demo) -> str:
    """Art. 10: a change of the legal basis opens a 10-working-day obligation to update."""
    owner = "WJW"
    existing = [
        c
        for c in demo.bureau.items(f"{CATALOG}/changes", department=owner)
        if c["reason"] == CHANGE_REASON
    ]
    if existing:
        change = existing[0]
    else:
        today = dt.datetime.now(SHANGHAI).date()
        change = demo.department(owner).post(
            f"{CATALOG}/changes",
            {
                "department": owner,
                "reason": CHANGE_REASON,
                "occurred_on": (today - dt.timedelta(days=3)).isoformat(),
                "summary": "执业登记信息增加“核定床位”等信息项，需更新目录",
                "resources": [demo.resources["WJW-R01"]["id"]],
            },
        )
    name = department(owner).name
    return f"{name}更新义务 1 项（{change['status']}，{change['due_on']} 到期）"


OBJECTION = "该企业登记住所已迁出长宁区，与实际经营地址不一致，请核实更正。"


def objection(demo: Demo) -> str:
    """Art. 6(8): an objection ticket on a record, waiting for the owner's answer. The catalog
    takes one from the owner itself (a self-check), the data centre, or a department holding an
    active grant on the resource; this step runs before any grant exists, so the owner files."""
    filer, target = "SCJGJ", "SCJGJ-R01"
    resource_id = demo.resources[target]["id"]
    path = f"{CATALOG}/resources/{resource_id}/objections"
    if not any(o["description"] == OBJECTION for o in demo.bureau.items(path)):
        first = demo.records[target][0]
        demo.department(filer).post(
            path,
            {
                "description": OBJECTION,
                "fields": ["address"],
                "record": {"credit_code": first["credit_code"]},
            },
        )
    name = demo.resources[target]["name"]
    return f"{department(filer).name}自查“{name}”发现的异议 1 件（待答复）"
