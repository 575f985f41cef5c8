"""Issue 3's routes through the gateway, as a department system and the bureau call them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from .conftest import AUDIT_SECRET, INTERNAL_SECRET, RunningPlatform
from .test_department_thread import poll

PUBLISHED = "cn.gov.changning.pdp.catalog.resource.published.v1"


def call(
    platform: RunningPlatform, method: str, path: str, headers: dict[str, str], **kw: Any
) -> httpx.Response:
    return httpx.request(method, f"{platform.url}{path}", headers=headers, timeout=15, **kw)


def department_client(
    platform: RunningPlatform, bureau: dict[str, str], code: str
) -> dict[str, str]:
    """The bureau registers the department's system as an OAuth client; it takes a token."""
    created = call(
        platform,
        "POST",
        "/api/gateway/clients",
        bureau,
        json={"name": f"{code} 业务系统", "roles": ["department"], "department": code},
    )
    assert created.status_code == 201, created.text
    client = created.json()
    return platform.headers(client["client_id"], client["client_secret"])


def test_a_department_catalogues_publishes_and_aggregates_a_resource(
    platform: RunningPlatform,
) -> None:
    bureau = platform.headers()
    code, other_code = (f"C{uuid.uuid4().hex[:5].upper()}" for _ in range(2))
    for dept in (code, other_code):
        made = call(
            platform,
            "POST",
            "/api/catalog/departments",
            bureau,
            json={"code": dept, "name": f"部门{dept}"},
        )
        assert made.status_code == 201, made.text
    own, other = (
        department_client(platform, bureau, code),
        department_client(platform, bureau, other_code),
    )

    base = f"/api/catalog/departments/{code}"
    duty = {"code": "DU1", "name": "市场主体登记", "legal_basis": "《市场主体登记管理条例》第三条"}
    assert call(platform, "POST", f"{base}/duties", own, json=duty).status_code == 201
    assert (
        call(
            platform, "POST", f"{base}/systems", own, json={"code": "SY1", "name": "企业登记系统"}
        ).status_code
        == 201
    )
    assert call(
        platform, "POST", f"{base}/systems", other, json={"code": "SY9", "name": "x"}
    ).status_code in (403, 404)

    resource = call(
        platform,
        "POST",
        "/api/catalog/resources",
        own,
        json={
            "department": code,
            "code": "R001",
            "name": "企业登记信息",
            "description": "本区企业登记的基本信息",
            "duty": "DU1",
            "system": "SY1",
            "share_type": "conditional",
            "open_type": "not_open",
            "grade": "general",
            "level": 2,
            "important": False,
            "update_frequency": "daily",
            "fields": [
                {
                    "name": "credit_code",
                    "title": "统一社会信用代码",
                    "type": "string",
                    "format": "uscc",
                    "sensitive": False,
                    "key": True,
                },
                {"name": "name", "title": "企业名称", "type": "string", "sensitive": False},
            ],
        },
    )
    assert resource.status_code == 201, resource.text
    rid = resource.json()["id"]
    assert call(platform, "GET", f"/api/catalog/resources/{rid}", other).status_code == 404

    submitted = call(platform, "POST", f"/api/catalog/resources/{rid}/submit", own)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["review_due_on"]
    assert call(platform, "POST", f"/api/catalog/resources/{rid}/publish", own).status_code == 403
    published = call(platform, "POST", f"/api/catalog/resources/{rid}/publish", bureau)
    assert published.status_code == 200, published.text
    assert published.json()["chain"]["status"] == "pending"

    records = call(
        platform,
        "POST",
        f"/api/catalog/resources/{rid}/records",
        own,
        json={
            "records": [
                {"credit_code": "91310105MA1FW8LX2H", "name": "上海某科技有限公司"},
                {"credit_code": "91310105MA1FW8LX2Y", "name": "校验位错误"},
            ]
        },
    )
    assert records.status_code == 200, records.text
    assert records.json()["accepted"] == 1
    assert records.json()["rejected"][0]["index"] == 1
    assert call(
        platform, "POST", f"/api/catalog/resources/{rid}/records", other, json={"records": []}
    ).status_code in (403, 404)

    quality = call(platform, "GET", f"/api/catalog/resources/{rid}/quality", own)
    assert quality.status_code == 200, quality.text
    found = call(platform, "GET", "/api/catalog/resources", other, params={"q": "企业登记"})
    assert rid in [item["id"] for item in found.json()["items"]]
    dcat = call(platform, "GET", "/api/catalog/dcat.jsonld", other)
    assert dcat.status_code == 200 and "dcat" in dcat.text

    # Art. 19: sharing reads granted records from catalog's internal endpoint, directly on
    # catalog's own URL, with its own service client; the gateway closes the path (404), and
    # catalog refuses a department, the bureau and a service that is not one of its readers.
    internal = f"/api/catalog/internal/resources/{rid}/records"
    sharing = platform.headers("pdp-sharing", INTERNAL_SECRET)
    assert call(platform, "GET", internal, sharing).status_code == 404
    direct = platform.service_url("catalog") + internal
    read = httpx.get(direct, headers=sharing, params={"fields": "credit_code,name"}, timeout=10)
    assert read.status_code == 200, read.text
    assert [r["credit_code"] for r in read.json()["items"]] == ["91310105MA1FW8LX2H"]
    audit = platform.headers("pdp-audit", AUDIT_SECRET)
    for refused in (own, bureau, audit):
        assert httpx.get(direct, headers=refused, timeout=10).status_code == 403

    def journaled() -> bool:
        response = call(
            platform, "GET", "/api/audit/events", bureau, params={"type": PUBLISHED, "subject": rid}
        )
        return bool(response.json()["items"])

    assert poll(journaled), "the publication reaches the audit journal"
