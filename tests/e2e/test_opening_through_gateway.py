"""Issue 11's path through the gateway under ``make run``: a department lists its resource with a
desensitisation profile → the municipal platform submits an application → the data centre
screens it → the department approves → the applicant's public client reads masked data (opening
reads catalog's internal endpoint on catalog's own URL) → its usage report falls due and the sweep
flags it; no raw identifier of a masked field leaves, and audit keeps the read as a usage record."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from stdnum.cn import ric

from .conftest import SERVICE_ORDER, RunningPlatform
from .test_catalog_through_gateway import call, department_client
from .test_department_thread import poll
from .test_sharing_through_gateway import publish_resource

FIELDS = [
    {"name": "id", "title": "编号", "type": "string", "sensitive": False, "key": True},
    {
        "name": "id_number",
        "title": "身份证号",
        "type": "string",
        "format": "resident_id",
        "sensitive": True,
    },
    {"name": "full_name", "title": "姓名", "type": "string", "sensitive": True},
    {"name": "phone", "title": "联系电话", "type": "string", "format": "phone", "sensitive": True},
    {"name": "address", "title": "住址", "type": "string", "sensitive": True},
    {"name": "licence", "title": "执业类别", "type": "string", "sensitive": False},
]


def resident_id(sequence: int) -> str:
    base = f"31010519900101{sequence:03d}"
    return base + ric.calc_check_digit(base + "0")


PEOPLE = [
    {
        "id": f"P{n}",
        "id_number": resident_id(n),
        "full_name": "欧阳娜娜",
        "phone": f"1381234{n:04d}",
        "address": "上海市长宁区延安西路1000号3楼",
        "licence": "临床",
    }
    for n in range(1, 4)
]


def client_of(platform: RunningPlatform, bureau: dict[str, str], roles: list[str]) -> Any:
    created = call(
        platform,
        "POST",
        "/api/gateway/clients",
        bureau,
        json={"name": "/".join(roles), "roles": roles},
    )
    assert created.status_code == 201, created.text
    made = created.json()
    return made["client_id"], platform.headers(made["client_id"], made["client_secret"])


def open_listing(platform: RunningPlatform) -> tuple[dict[str, str], dict[str, str], str, str]:
    """A department, its published resource of people and its conditional listing with every
    personal field masked: (bureau, owner, resource id, listing id)."""
    bureau = platform.headers()
    code = f"O{uuid.uuid4().hex[:5].upper()}"
    made = call(
        platform,
        "POST",
        "/api/catalog/departments",
        bureau,
        json={"code": code, "name": f"部门{code}"},
    )
    assert made.status_code == 201, made.text
    owner = department_client(platform, bureau, code)
    rid = publish_resource(
        platform, bureau, owner, code, fields=FIELDS, records=PEOPLE, open_type="conditional"
    )
    listing_body = {
        "resource_id": rid,
        "open_type": "conditional",
        "conditions": {
            "allowed_scenarios": ["就医导航"],
            "feedback": {"cite_source": True, "usage_report_due_days": 30},
        },
        "desensitisation": {
            "id_number": "mask",
            "full_name": "mask",
            "phone": "mask",
            "address": "mask",
        },
        "update_frequency": "daily",
    }

    def listed() -> httpx.Response | None:
        # 404 until opening's read model has the catalog's publication (through the broker).
        response = call(platform, "POST", "/api/opening/listings", owner, json=listing_body)
        return response if response.status_code == 201 else None

    listing = poll(listed)
    assert listing is not None, "opening never learnt of the published resource"
    return bureau, owner, rid, str(listing.json()["id"])


def test_a_public_client_reads_masked_open_data_after_the_application_path(
    platform: RunningPlatform,
) -> None:
    bureau, owner, rid, listing_id = open_listing(platform)
    applicant_id, applicant = client_of(platform, bureau, ["public"])
    _, stranger = client_of(platform, bureau, ["public"])
    _, municipal = client_of(platform, bureau, ["municipal"])
    _, datacenter = client_of(platform, bureau, ["datacenter"])

    application = call(
        platform,
        "POST",
        "/api/opening/applications",
        municipal,
        json={
            "listing_id": listing_id,
            "applicant": {"kind": "person", "name": "张三", "client_id": applicant_id},
            "scenario": "就医导航",
            "materials": ["身份证明", "使用承诺"],
        },
    )
    assert application.status_code == 201, application.text
    path = f"/api/opening/applications/{application.json()['id']}"
    screened = call(platform, "POST", f"{path}/screen", datacenter, json={"complete": True})
    assert screened.status_code == 200, screened.text
    assert screened.json()["review_due_on"]
    approved = call(platform, "POST", f"{path}/approve", owner)
    assert approved.status_code == 200, approved.text
    due = approved.json()["usage_report_due_on"]
    assert due is not None  # the listing asks for a usage report within 30 days

    data_path = f"/api/opening/listings/{listing_id}/data"
    assert call(platform, "GET", data_path, stranger).status_code == 403
    page = call(platform, "GET", data_path, applicant)
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert [item["full_name"] for item in items] == ["欧***"] * 3
    text = json.dumps(page.json(), ensure_ascii=False)
    for person in PEOPLE:
        for field in ("id_number", "phone", "full_name", "address"):
            assert person[field] not in text
    download = call(
        platform,
        "GET",
        f"/api/opening/listings/{listing_id}/download",
        applicant,
        params={"format": "csv"},
    )
    assert download.status_code == 200 and "数据来源" in download.text
    assert all(p["id_number"] not in download.text for p in PEOPLE)

    later = (date.fromisoformat(due) + timedelta(days=1)).isoformat()
    swept = call(platform, "POST", "/api/opening/admin/sweep", bureau, params={"as_of": later})
    assert swept.status_code == 200, swept.text
    assert swept.json()["results"]["opening.usage-reports"]["overdue"] >= 1
    assert call(platform, "GET", path, applicant).json()["usage_report_overdue"] is True

    def kept() -> list[Any]:
        response = call(
            platform, "GET", "/api/audit/usage-records", bureau, params={"resource_id": rid}
        )
        return [r for r in response.json()["items"] if r["basis"] == "listing"]

    records = poll(kept)
    assert records, "audit never kept the open-data reads"
    assert {r["basis_id"] for r in records} == {listing_id}


def test_an_application_from_the_city_is_decided_and_the_decision_goes_back_to_the_city(
    platform: RunningPlatform,
) -> None:
    """The gateway's open-data adapter pulls the city's application from the municipal simulator,
    posts it to opening; the data centre returns it as incomplete, the city resubmits through
    opening's API, the owner approves; each decision reaches the city (Art. 24)."""
    bureau, owner, _, listing_id = open_listing(platform)
    _, datacenter = client_of(platform, bureau, ["datacenter"])
    _, municipal = client_of(platform, bureau, ["municipal"])
    city = f"http://127.0.0.1:{platform.service_port_base + len(SERVICE_ORDER)}"
    city_id = f"SHOD{uuid.uuid4().hex[:8].upper()}"
    application = {
        "id": city_id,
        "listing_id": listing_id,
        "applicant": {"kind": "person", "name": "李四", "client_id": "city-app-1"},
        "scenario": "就医导航",
        "materials": ["身份证明"],
    }
    assert httpx.post(f"{city}/admin/applications", json=application, timeout=10).is_success

    def forwarded() -> dict[str, Any] | None:
        response = call(
            platform, "GET", "/api/opening/applications", bureau, params={"listing_id": listing_id}
        )
        return next(iter(response.json()["items"]), None)

    received = poll(forwarded, timeout=60)
    assert received is not None, "the adapter never forwarded the city's application"
    path = f"/api/opening/applications/{received['id']}"
    incomplete = {"complete": False, "missing": ["使用承诺书"]}
    assert call(platform, "POST", f"{path}/screen", datacenter, json=incomplete).is_success
    again = {"materials": ["身份证明", "使用承诺书"]}
    assert call(platform, "POST", f"{path}/materials", municipal, json=again).is_success
    complete = {"complete": True}
    assert call(platform, "POST", f"{path}/screen", datacenter, json=complete).is_success
    assert call(platform, "POST", f"{path}/approve", owner).is_success

    def decisions() -> list[dict[str, Any]] | None:
        answer = httpx.get(f"{city}/admin/applications/{city_id}/decisions", timeout=10).json()
        return answer if len(answer) == 2 else None

    returned = poll(decisions, timeout=60)
    assert returned is not None, "the city did not hear both decisions"
    assert [d["decision"] for d in returned] == ["returned", "approved"]
    assert "使用承诺书" in returned[0]["reason"]
    assert returned[1]["access"]["client_id"] == "city-app-1"
