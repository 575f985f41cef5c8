"""Issue 12's operator path through the gateway under ``make run``: authorisation → assessment →
data access (registry reads catalog's internal endpoint on catalog's own URL) → product
registration → failed evaluation → access stops; the calls are audit's usage records."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
from stdnum.cn import uscc

from .conftest import RunningPlatform
from .test_catalog_through_gateway import call
from .test_department_thread import poll
from .test_sharing_through_gateway import department_client, publish_resource

SCENARIO = "企业信用画像"


def test_an_operator_reads_authorised_data_until_its_authorisation_fails_evaluation(
    platform: RunningPlatform,
) -> None:
    bureau = platform.headers()
    code = f"G{uuid.uuid4().hex[:5].upper()}"
    made = call(
        platform,
        "POST",
        "/api/catalog/departments",
        bureau,
        json={"code": code, "name": f"部门{code}"},
    )
    assert made.status_code == 201, made.text
    rid = publish_resource(platform, bureau, department_client(platform, bureau, code), code)

    base = f"91310105MA1{code}"  # a code unique to this run, with its check character
    body = {"name": f"运营公司{code}", "credit_code": base + uscc.calc_check_digit(base)}
    created = call(platform, "POST", "/api/registry/operators", bureau, json=body)
    assert created.status_code == 201, created.text
    operator_id = created.json()["id"]
    client = call(
        platform,
        "POST",
        "/api/gateway/clients",
        bureau,
        json={"name": f"运营系统{code}", "roles": ["operator"], "operator": operator_id},
    ).json()
    operator = platform.headers(client["client_id"], client["client_secret"])

    today = date.today()
    grant = {
        "operator": operator_id,
        "resources": [rid],
        "scenarios": [SCENARIO],
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
    }

    def authorised() -> httpx.Response | None:
        # 422 until the registry's read model has the catalog's publication (through the broker).
        response = call(platform, "POST", "/api/registry/authorisations", bureau, json=grant)
        return response if response.status_code == 201 else None

    response = poll(authorised)
    assert response is not None, "the registry never learnt of the published resource"
    path = f"/api/registry/authorisations/{response.json()['id']}"
    data = f"{path}/resources/{rid}/data"
    scenario = {"scenario": SCENARIO}

    assert call(platform, "GET", data, operator, params=scenario).status_code == 409  # unassessed
    assessed = call(
        platform, "POST", f"{path}/assessments", bureau, json={**scenario, "result": "pass"}
    )
    assert assessed.status_code == 200, assessed.text
    read = call(platform, "GET", data, operator, params=scenario)
    assert read.status_code == 200, read.text
    assert read.json()["items"][0]["credit_code"] == "91310105MA1FW8LX2H"

    product = {
        "kind": "product",
        "subject": "企业信用评分",
        "delivered_on": today.isoformat(),
        "authorisation": response.json()["id"],
    }
    registered = call(platform, "POST", "/api/registry/registrations", operator, json=product)
    assert registered.status_code == 201, registered.text
    assert registered.json()["due_on"] > today.isoformat()

    verdict = {"result": "fail", "reason": "年度评估不合格"}
    assert call(platform, "POST", f"{path}/evaluations", bureau, json=verdict).status_code == 200
    stopped = call(platform, "GET", data, operator, params=scenario)
    assert stopped.status_code == 409 and "revoked" in stopped.json()["detail"]
    shown = call(
        platform, "GET", f"/api/registry/registrations/{registered.json()['id']}", operator
    )
    assert shown.json()["marked"] == "evaluation_failed"

    def usage_records() -> httpx.Response | None:
        response = call(platform, "GET", "/api/audit/usage-records", operator)
        return response if len(response.json().get("items", [])) >= 3 else None

    records = poll(usage_records)
    assert records is not None, "audit never kept the operator's data calls"
    assert sorted(r["result"] for r in records.json()["items"]) == ["ok", "refused", "refused"]
