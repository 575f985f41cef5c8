"""Registry: authorised operation (Art. 26–31). The bureau records an operator and gives it its own
gateway client (role ``operator``, the operator id in its token); authorises it over the market
entities' register for two scenarios and passes one scenario's assessment; the operator reads the
data for that scenario and registers the product it made (Art. 28). A second authorisation fails
its evaluation and is revoked: its next data call is refused (409). The market regulator registers
the resource it provides, and the bureau records the application scenario. Each object is found
again before it is made, so a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

from pdp_demo.api import ApiError, Caller
from pdp_demo.steps.state import Demo, DemoFailed

REGISTRY = "/api/registry"
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: How long the demo waits for the registry to learn of the catalog's publications.
PUBLICATION_WAIT_SECONDS = 120.0
RESOURCE = "SCJGJ-R01"
OPERATOR = {
    "name": "长宁数据科技运营有限公司（示范）",
    "credit_code": "91310105MA1FLD017Q",
    "contacts": [{"name": "李娜", "phone": "021-62000001"}],
    "qualifications": [{"title": "数据安全管理体系认证（示范）", "number": "DSMS-DEMO-01"}],
}
CLIENT_NAME = "长宁数据科技运营有限公司运营系统（示范）"
USED, PLANNED, FAILED = "企业信用画像（示范）", "普惠金融风控（示范）", "企业精准营销（示范）"
PRODUCT = "企业信用评分服务（示范）"
SCENARIO = {
    "title": "企业开办与信用服务一体化（示范）",
    "field": "政务服务",
    "description": "以市场主体登记数据为企业提供信用画像，支撑普惠金融",
    "departments": ["SCJGJ"],
    "status": "running",
}


def operation(demo: Demo) -> str:
    today = dt.datetime.now(SHANGHAI).date()
    operator_id = _operator(demo)
    operator = _operator_client(demo, operator_id)
    resource_id = demo.resources[RESOURCE]["id"]
    used = _authorisation(demo, operator_id, resource_id, [USED, PLANNED], today)
    if dict((s["name"], s["assessment"]) for s in used["scenarios"])[USED] == "pending":
        body = {"scenario": USED, "result": "pass", "notes": "合规性和安全风险评估通过（示范）"}
        demo.bureau.post(f"{REGISTRY}/authorisations/{used['id']}/assessments", body)
    if used["last_called_at"] is None:  # called once: a second run leaves no new usage record
        data = operator.get(
            f"{REGISTRY}/authorisations/{used['id']}/resources/{resource_id}/data",
            scenario=USED,
            limit=10,
        )
        if not data["items"]:
            raise DemoFailed(f"授权 {used['id']} 的数据调用没有返回记录")
    product = _product(operator, used["id"], today)
    failed = _failed_authorisation(demo, operator, operator_id, resource_id, today)
    _department_registration(demo, resource_id, today)
    _application_scenario(demo, resource_id, operator_id)
    return (
        f"运营主体 1 家；授权 2 项（有效 1，已调用数据；评估不合格终止 1，{failed}）；"
        f"产品登记截止 {product['due_on']}；应用场景 1 个"
    )


def _operator(demo: Demo) -> str:
    for found in demo.bureau.items(f"{REGISTRY}/operators"):
        if found["credit_code"] == OPERATOR["credit_code"]:
            return str(found["id"])
    return str(demo.bureau.post(f"{REGISTRY}/operators", OPERATOR)["id"])


def _operator_client(demo: Demo, operator_id: str) -> Caller:
    """The operator's own OAuth client; a second run rotates its secret (shown only once)."""
    for client in demo.bureau.items("/api/gateway/clients"):
        if client.get("operator") == operator_id and not client.get("disabled"):
            path = f"/api/gateway/clients/{client['client_id']}/rotate-secret"
            credentials = demo.bureau.post(path)
            break
    else:
        body = {"name": CLIENT_NAME, "roles": ["operator"], "operator": operator_id}
        credentials = demo.bureau.post("/api/gateway/clients", body)
    return Caller(demo.http, credentials["client_id"], credentials["client_secret"])


def _authorisation(
    demo: Demo, operator_id: str, resource_id: str, scenarios: list[str], today: dt.date
) -> dict[str, Any]:
    """Found by its operator and scenarios; the registry learns of the publication through the
    broker, and until it has the resource is not yet authorisable (422)."""
    for found in demo.bureau.items(f"{REGISTRY}/authorisations", operator=operator_id):
        if [s["name"] for s in found["scenarios"]] == scenarios:
            return found
    body = {
        "operator": operator_id,
        "resources": [resource_id],
        "scenarios": scenarios,
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=365)).isoformat(),
    }
    deadline = time.monotonic() + PUBLICATION_WAIT_SECONDS
    while True:
        try:
            created: dict[str, Any] = demo.bureau.post(f"{REGISTRY}/authorisations", body)
            return created
        except ApiError as exc:
            if exc.status != 422 or time.monotonic() > deadline:
                raise
        time.sleep(1.0)


def _product(operator: Caller, authorisation_id: str, today: dt.date) -> dict[str, Any]:
    for found in operator.items(f"{REGISTRY}/registrations", authorisation=authorisation_id):
        if found["subject"] == PRODUCT:
            return found
    body = {
        "kind": "service",
        "subject": PRODUCT,
        "delivered_on": today.isoformat(),
        "authorisation": authorisation_id,
    }
    created: dict[str, Any] = operator.post(f"{REGISTRY}/registrations", body)
    return created


def _failed_authorisation(
    demo: Demo, operator: Caller, operator_id: str, resource_id: str, today: dt.date
) -> str:
    """Authorised, assessed, evaluated ``fail``: revoked, and the operator's next call is 409
    (tried once, when the demo revokes it)."""
    failed = _authorisation(demo, operator_id, resource_id, [FAILED], today)
    path = f"{REGISTRY}/authorisations/{failed['id']}"
    if failed["status"] != "active":
        return "已终止"
    demo.bureau.post(f"{path}/assessments", {"scenario": FAILED, "result": "pass"})
    verdict = {"result": "fail", "reason": "年度评估不合格：未按协议落实数据安全管理（示范）"}
    demo.bureau.post(f"{path}/evaluations", verdict)
    response = operator.request(
        "GET", f"{path}/resources/{resource_id}/data", params={"scenario": FAILED}
    )
    if response.status_code != 409:
        raise DemoFailed(f"已终止的授权 {failed['id']} 调用数据返回 {response.status_code}")
    return "终止后调用被拒 409"


def _department_registration(demo: Demo, resource_id: str, today: dt.date) -> None:
    provider = demo.department("SCJGJ")
    for found in provider.items(f"{REGISTRY}/registrations", kind="resource"):
        if resource_id in found["resources"]:
            return
    body = {
        "kind": "resource",
        "subject": "向授权运营提供的市场主体登记信息（示范）",
        "delivered_on": today.isoformat(),
        "resources": [resource_id],
    }
    provider.post(f"{REGISTRY}/registrations", body)


def _application_scenario(demo: Demo, resource_id: str, operator_id: str) -> None:
    for found in demo.bureau.items(f"{REGISTRY}/application-scenarios"):
        if found["title"] == SCENARIO["title"]:
            return
    body = {**SCENARIO, "resources": [resource_id], "operators": [operator_id]}
    demo.bureau.post(f"{REGISTRY}/application-scenarios", body)
