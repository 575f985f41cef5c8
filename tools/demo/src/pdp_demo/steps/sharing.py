"""Sharing: share requests between the demo departments in every state (Art. 17–20), each made
by the requester's own client and answered by the provider's, the bureau consenting to an
extension. A request is found again by its requester, resource and scenario, and only moved on
from where it stands, so a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pdp_demo.api import ApiError, Caller
from pdp_demo.steps.state import Demo, DemoFailed

SHARING = "/api/sharing"
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: How long the demo waits for sharing to learn of the catalog's publications (broker events).
PUBLICATION_WAIT_SECONDS = 120.0
VALID_DAYS = 365


@dataclass(frozen=True)
class Case:
    """One share request and the state the demo leaves it in."""

    state: str
    requester: str
    resource: str  # resource code; its department is the provider
    fields: tuple[str, ...]
    scenario: str
    legal_basis: str


# The waiting, resubmitted and extended requests are on conditional resources (10 working days to
# reply); the overdue one is on an unconditional resource (1 working day), so a sweep as of the
# day after its due date marks it alone overdue.
# fmt: off
CASES: tuple[Case, ...] = (
    Case("submitted", "SCJGJ", "RSJ-R01", ("employer_credit_code", "registered_on"),
         "企业信用分类监管：核查企业就业登记人数（示范）",
         "《企业信息公示暂行条例》第十四条"),
    Case("materials_requested", "RSJ", "GAFJ-R01", ("resident_id", "name", "street"),
         "就业困难人员认定：核验申请人居住地（示范）",
         "《就业服务与就业管理规定》第四十一条"),
    Case("resubmitted", "JYJ", "GAFJ-R01", ("resident_id", "birth_date", "street"),
         "义务教育阶段入学资格审核：核验适龄儿童居住地（示范）",
         "《中华人民共和国义务教育法》第十二条"),
    Case("extended", "WJW", "MZJ-R01", ("resident_id", "name", "start_on"),
         "医疗救助对象身份认定：核验最低生活保障对象（示范）",
         "《社会救助暂行办法》第二十八条"),
    Case("approved", "MZJ", "RSJ-R01", ("resident_id", "name", "employer_credit_code",
                                        "registered_on"),
         "最低生活保障家庭经济状况核对：核查就业登记情况（示范）",
         "《社会救助暂行办法》第十一条"),
    Case("rejected", "CGZFJ", "MZJ-R01", ("resident_id", "name", "monthly_amount"),
         "城管执法案件当事人情况了解（示范）",
         "《上海市城市管理综合行政执法条例》第十一条"),
    Case("terminated", "STHJJ", "SCJGJ-R01", ("credit_code", "name", "address"),
         "排污单位专项执法检查：核验单位登记信息（示范，检查已结束）",
         "《排污许可管理条例》第三十四条"),
    Case("overdue", "CGZFJ", "SCJGJ-R01", ("credit_code", "name", "legal_representative"),
         "城管执法案件当事人主体信息核实（示范）",
         "《上海市城市管理综合行政执法条例》第十一条"),
)
# fmt: on

MISSING = ["申请依据的法律条文原文", "数据安全保障措施说明"]
MATERIALS = "已补充《中华人民共和国义务教育法》第十二条原文及本局数据安全管理制度。"
EXTENSION = {"working_days": 5, "reason": "涉及个人敏感信息，需会同区医疗保障局核对救助口径"}
REFUSAL = "申请用途不属于最低生活保障信息的法定使用范围，申请的保障金额字段超出履职必需。"


def requests(demo: Demo) -> str:
    created = 0
    found: dict[str, dict[str, Any]] = {}
    grants: list[dict[str, Any]] = []
    for case in CASES:
        request = _find(demo, case)
        if request is None:
            request = _submit(demo, case)
            created += 1
        found[case.state] = request = _advance(demo, case, request)
        if request["grant_id"]:
            grants.append(_use_grant(demo, case, request))
    _mark_overdue(demo, found["overdue"])
    statuses = Counter(r["status"] for r in found.values())
    called = sum(g["last_called_at"] is not None for g in grants)
    ended = sum(g["status"] == "terminated" for g in grants)
    return (
        f"{len(CASES)} 件共享申请（新建 {created}）：待答复 {statuses['submitted']}"
        f"（含补正后重新受理、延期、逾期各 1），待补正 {statuses['materials_requested']}，"
        f"已同意 {statuses['approved']}，已拒绝 {statuses['rejected']}；"
        f"授权 {len(grants)} 项（已调用数据 {called}，已终止 {ended}）"
    )


def _provider(demo: Demo, case: Case) -> Caller:
    return demo.department(demo.resources[case.resource]["department"])


def _find(demo: Demo, case: Case) -> dict[str, Any] | None:
    requester = demo.department(case.requester)
    resource_id = demo.resources[case.resource]["id"]
    for summary in requester.items(
        f"{SHARING}/requests", **{"as": "requester", "resource_id": resource_id}
    ):
        request: dict[str, Any] = requester.get(f"{SHARING}/requests/{summary['id']}")
        if request["scenario"] == case.scenario:
            return request
    return None


def _submit(demo: Demo, case: Case) -> dict[str, Any]:
    """Sharing learns of a publication through the broker: until it has, the resource is 404."""
    today = dt.datetime.now(SHANGHAI).date()
    body = {
        "resource_id": demo.resources[case.resource]["id"],
        "requester": case.requester,
        "legal_basis": case.legal_basis,
        "scenario": case.scenario,
        "fields": list(case.fields),
        "method": "api",
        "valid_until": (today + dt.timedelta(days=VALID_DAYS)).isoformat(),
        "attestation": True,
    }
    deadline = time.monotonic() + PUBLICATION_WAIT_SECONDS
    while True:
        try:
            created: dict[str, Any] = demo.department(case.requester).post(
                f"{SHARING}/requests", body
            )
            return created
        except ApiError as exc:
            if exc.status != 404 or time.monotonic() > deadline:
                raise
        time.sleep(1.0)


def _advance(demo: Demo, case: Case, request: dict[str, Any]) -> dict[str, Any]:
    """From wherever the request is to ``case.state``; a step already taken is not taken again."""
    path = f"{SHARING}/requests/{request['id']}"
    requester, provider = demo.department(case.requester), _provider(demo, case)
    open_ = request["status"] == "submitted"
    noticed = any(n["kind"] == "materials" for n in request["notices"])
    if case.state in ("materials_requested", "resubmitted") and open_ and not noticed:
        request = provider.post(f"{path}/materials-notice", {"missing": MISSING})
    if case.state == "resubmitted" and request["status"] == "materials_requested":
        request = requester.post(f"{path}/materials", {"materials": MATERIALS})
    if case.state == "extended" and open_:
        if request["extension"] is None:
            request = provider.post(f"{path}/extension", EXTENSION)
        if request["extension"]["status"] == "requested":
            request = demo.bureau.post(f"{path}/extension/approve")
    if case.state in ("approved", "terminated") and open_:
        provider.post(f"{path}/approve")
        request = requester.get(path)
    if case.state == "rejected" and open_:
        request = provider.post(f"{path}/reject", {"reason": REFUSAL})
    expected = {"approved": "approved", "terminated": "approved", "rejected": "rejected"}
    if request["status"] != expected.get(case.state, _open_status(case)):
        status = request["status"]
        raise DemoFailed(f"共享申请“{case.scenario}”处于 {status}，未能到达 {case.state}")
    return request


def _open_status(case: Case) -> str:
    return "materials_requested" if case.state == "materials_requested" else "submitted"


def _use_grant(demo: Demo, case: Case, request: dict[str, Any]) -> dict[str, Any]:
    """The approved grant is called once (``last_called_at``); the other is ended by its holder."""
    holder = demo.department(case.requester)
    path = f"{SHARING}/grants/{request['grant_id']}"
    grant: dict[str, Any] = holder.get(path)
    if case.state == "approved" and grant["last_called_at"] is None:
        data = holder.get(f"{path}/data", limit=10)
        if not data["items"]:
            raise DemoFailed(f"授权 {grant['id']} 的数据调用没有返回记录")
        grant = holder.get(path)
    if case.state == "terminated" and grant["status"] == "active":
        grant = holder.post(f"{path}/terminate")
    return grant


def _mark_overdue(demo: Demo, request: dict[str, Any]) -> None:
    """Art. 18: the provider did not reply by ``reply_due_on``. The bureau runs sharing's sweep as
    of the day after (accepted in dev): it flags running requests due before that day, which is
    this one only (the others are conditional and due 10 working days or more from submission);
    a flagged request is never flagged again."""
    if not request["overdue"]:
        due = dt.date.fromisoformat(request["reply_due_on"])
        as_of = (due + dt.timedelta(days=1)).isoformat()
        response = demo.bureau.request("POST", f"{SHARING}/admin/sweep", params={"as_of": as_of})
        if response.status_code != 200:
            raise ApiError("POST", f"{SHARING}/admin/sweep", response)
        request.update(
            demo.department(request["requester"]).get(f"{SHARING}/requests/{request['id']}")
        )
    if not request["overdue"]:
        raise DemoFailed(f"共享申请 {request['id']} 未被标记为逾期")
