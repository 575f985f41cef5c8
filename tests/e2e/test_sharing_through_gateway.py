"""Issue 9's path through the gateway under ``make run``: request → materials notice →
resubmission → approval → data call (sharing reads catalog's internal endpoint on catalog's own
URL) → idle suspension by the sweep."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from .conftest import RunningPlatform
from .test_catalog_through_gateway import call, department_client
from .test_department_thread import poll

FIELDS = [
    {
        "name": "credit_code",
        "title": "统一社会信用代码",
        "type": "string",
        "format": "uscc",
        "sensitive": False,
        "key": True,
    },
    {"name": "name", "title": "企业名称", "type": "string", "sensitive": False},
    {"name": "capital", "title": "注册资本", "type": "number", "sensitive": False},
]
RECORDS = [{"credit_code": "91310105MA1FW8LX2H", "name": "上海某科技有限公司", "capital": 100}]


def publish_resource(
    platform: RunningPlatform,
    bureau: dict[str, str],
    own: dict[str, str],
    code: str,
    *,
    fields: list[dict[str, Any]] = FIELDS,
    records: list[dict[str, Any]] = RECORDS,
    open_type: str = "not_open",
) -> str:
    base = f"/api/catalog/departments/{code}"
    duty = {"code": "DU1", "name": "市场主体登记", "legal_basis": "《市场主体登记管理条例》第三条"}
    assert call(platform, "POST", f"{base}/duties", own, json=duty).status_code == 201
    system = {"code": "SY1", "name": "企业登记系统"}
    assert call(platform, "POST", f"{base}/systems", own, json=system).status_code == 201
    body = {
        "department": code,
        "code": "R001",
        "name": "企业登记信息",
        "description": "本区企业登记的基本信息",
        "duty": "DU1",
        "system": "SY1",
        "share_type": "conditional",
        "open_type": open_type,
        "grade": "general",
        "level": 2,
        "important": False,
        "update_frequency": "daily",
        "fields": fields,
    }
    created = call(platform, "POST", "/api/catalog/resources", own, json=body)
    assert created.status_code == 201, created.text
    rid = str(created.json()["id"])
    assert call(platform, "POST", f"/api/catalog/resources/{rid}/submit", own).status_code == 200
    published = call(platform, "POST", f"/api/catalog/resources/{rid}/publish", bureau)
    assert published.status_code == 200, published.text
    pushed = call(
        platform, "POST", f"/api/catalog/resources/{rid}/records", own, json={"records": records}
    )
    assert pushed.json()["accepted"] == len(records), pushed.text
    return rid


def test_a_department_gets_another_departments_data_through_a_grant(
    platform: RunningPlatform,
) -> None:
    bureau = platform.headers()
    provider_code, requester_code = (f"S{uuid.uuid4().hex[:5].upper()}" for _ in range(2))
    for code in (provider_code, requester_code):
        made = call(
            platform,
            "POST",
            "/api/catalog/departments",
            bureau,
            json={"code": code, "name": f"部门{code}"},
        )
        assert made.status_code == 201, made.text
    provider = department_client(platform, bureau, provider_code)
    requester = department_client(platform, bureau, requester_code)
    rid = publish_resource(platform, bureau, provider, provider_code)

    ask = {
        "resource_id": rid,
        "requester": requester_code,
        "legal_basis": "《上海市公共数据和一网通办管理办法》第二十五条",
        "scenario": "企业开办核验",
        "fields": ["credit_code", "name"],
        "method": "api",
        "valid_until": (date.today() + timedelta(days=365)).isoformat(),
        "attestation": True,
    }

    def submitted() -> httpx.Response | None:
        # 404 until sharing's read model has the catalog's publication (through the broker).
        response = call(platform, "POST", "/api/sharing/requests", requester, json=ask)
        return response if response.status_code == 201 else None

    request = poll(submitted)
    assert request is not None, "sharing never learnt of the published resource"
    body = request.json()
    assert body["status"] == "submitted" and body["reply_due_on"]
    path = f"/api/sharing/requests/{body['id']}"

    notice = call(
        platform, "POST", f"{path}/materials-notice", provider, json={"missing": ["法律依据原文"]}
    )
    assert notice.status_code == 200, notice.text
    again = call(platform, "POST", f"{path}/materials-notice", provider, json={"missing": ["x"]})
    assert again.status_code == 409
    resubmitted = call(
        platform, "POST", f"{path}/materials", requester, json={"materials": "已补充法律依据原文"}
    )
    assert resubmitted.status_code == 200 and resubmitted.json()["status"] == "submitted"
    notices = call(platform, "GET", f"{path}/notices", requester).json()["items"]
    assert [n["kind"] for n in notices] == ["materials"]

    approved = call(platform, "POST", f"{path}/approve", provider)
    assert approved.status_code == 200, approved.text
    grant_id = approved.json()["grant_id"]

    data = call(
        platform, "GET", f"/api/sharing/grants/{grant_id}/data", requester, params={"limit": 100}
    )
    assert data.status_code == 200, data.text
    assert data.json()["items"] == [
        {"credit_code": "91310105MA1FW8LX2H", "name": "上海某科技有限公司"}
    ]
    assert (
        call(platform, "GET", f"/api/sharing/grants/{grant_id}/data", provider).status_code == 403
    )
    grant = call(platform, "GET", f"/api/sharing/grants/{grant_id}", requester).json()
    assert grant["last_called_at"] is not None

    later = (date.today() + timedelta(days=100)).isoformat()
    swept = call(platform, "POST", "/api/sharing/admin/sweep", bureau, params={"as_of": later})
    assert swept.status_code == 200, swept.text
    assert swept.json()["results"]["sharing.grant-clocks"]["idle_suspended"] >= 1
    grant = call(platform, "GET", f"/api/sharing/grants/{grant_id}", requester).json()
    assert (grant["status"], grant["suspension"]) == ("suspended", "idle")
    refused = call(platform, "GET", f"/api/sharing/grants/{grant_id}/data", requester)
    assert refused.status_code == 409 and "suspended" in refused.json()["detail"]
