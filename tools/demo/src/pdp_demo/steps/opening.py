"""Opening: the open list of the district (Art. 22) — unconditional listings of institution
directories, and the market-entity register opened on conditions with its legal representative
and phone masked — then the application path (Art. 24): the municipal open-data platform passes
on a company's application, the data centre screens it, the owning department approves, and the
company's app reads the masked data once. A listing is found again by its resource, the
application by its applicant's client and scenario, so a second run changes nothing."""

from __future__ import annotations

import time
from typing import Any

from pdp_demo.api import ApiError, Caller
from pdp_demo.steps.gateway import client
from pdp_demo.steps.state import Demo, DemoFailed

OPENING = "/api/opening"
#: How long the demo waits for opening to learn of the catalog's publications (broker events).
PUBLICATION_WAIT_SECONDS = 120.0
UNCONDITIONAL = ("JYJ-R01", "MZJ-R02", "WJW-R01", "STHJJ-R01")
CONDITIONAL = "SCJGJ-R01"
CONDITIONS: dict[str, Any] = {
    "allowed_scenarios": ["企业信用查询服务", "供应链风险评估"],
    "forbidden_scenarios": ["个人征信", "精准营销"],
    "security_requirements": ["网络安全等级保护第二级以上"],
    "feedback": {"cite_source": True, "accept_spot_checks": True, "usage_report_due_days": 90},
    "technical_requirements": ["通过接口调用，不落地批量转存"],
    "credit_requirements": ["dishonest_debtor", "serious_violation"],
}
SCENARIO = "企业信用查询服务"
APPLICANT = "上海长宁某信用服务有限公司"
APPLICANT_CODE = "91310105MA1FW8LX2H"


def listings_and_applications(demo: Demo) -> str:
    listed = {code: _listing(demo, code, "unconditional") for code in UNCONDITIONAL}
    listed[CONDITIONAL] = _listing(demo, CONDITIONAL, "conditional")
    municipal, _ = client(demo, "市公共数据开放平台（示范）", ["municipal"])
    datacenter, _ = client(demo, "区数据发展中心（示范）", ["datacenter"])
    app, _ = client(demo, f"{APPLICANT}应用（示范）", ["public"])
    listing = listed[CONDITIONAL]
    application = _application(municipal, listing["id"], app.client_id)
    path = f"{OPENING}/applications/{application['id']}"
    if application["status"] == "received":
        application = datacenter.post(f"{path}/screen", {"complete": True})
    owner = demo.department(listing["department"])
    if application["status"] == "forwarded":
        application = owner.post(f"{path}/approve")
    if application["status"] != "approved":
        raise DemoFailed(f"开放申请 {application['id']} 处于 {application['status']}")
    figures = owner.get(f"{OPENING}/listings/{listing['id']}/figures")["figures"]
    if figures["reads"] == 0:  # read once: a second run records no second read
        page = app.get(f"{OPENING}/listings/{listing['id']}/data", limit=5)
        if not page["items"] or not page["masked"]:
            raise DemoFailed("有条件开放数据未返回脱敏后的记录")
    masked = [f["name"] for f in listing["fields"] if f["masked"]]
    return (
        f"开放清单 {len(listed)} 项（无条件 {len(UNCONDITIONAL)}，有条件 1，"
        f"脱敏字段：{'、'.join(masked)}）；开放申请 1 件已批准，申请人已读取数据"
    )


def _listing(demo: Demo, code: str, open_type: str) -> dict[str, Any]:
    resource = demo.resources[code]
    owner = demo.department(resource["department"])
    for listing in owner.items(f"{OPENING}/listings", department=resource["department"]):
        if listing["resource_id"] == resource["id"]:
            return listing
    body = {
        "resource_id": resource["id"],
        "open_type": open_type,
        "conditions": CONDITIONS if open_type == "conditional" else None,
        "desensitisation": {f["name"]: "mask" for f in resource["fields"] if f["sensitive"]},
        "update_frequency": resource["update_frequency"],
    }
    deadline = time.monotonic() + PUBLICATION_WAIT_SECONDS
    while True:  # opening learns of a publication through the broker: until then, 404
        try:
            created: dict[str, Any] = owner.post(f"{OPENING}/listings", body)
            return created
        except ApiError as exc:
            if exc.status != 404 or time.monotonic() > deadline:
                raise
        time.sleep(1.0)


def _application(municipal: Caller, listing_id: str, client_id: str) -> dict[str, Any]:
    for application in municipal.items(f"{OPENING}/applications", listing_id=listing_id):
        if (application["client_id"], application["scenario"]) == (client_id, SCENARIO):
            return application
    body = {
        "listing_id": listing_id,
        "applicant": {
            "kind": "legal_person",
            "name": APPLICANT,
            "credit_code": APPLICANT_CODE,
            "client_id": client_id,
        },
        "scenario": SCENARIO,
        "materials": ["营业执照", "数据安全承诺书", "应用场景说明"],
        "credit_declarations": ["dishonest_debtor", "serious_violation"],
    }
    created: dict[str, Any] = municipal.post(f"{OPENING}/applications", body)
    return created
