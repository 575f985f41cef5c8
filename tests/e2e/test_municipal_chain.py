"""In ``make run`` a published resource is chained by the gateway's adapter against the municipal
simulator, and the catalog shows the receipt within seconds (Art. 11)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from .conftest import RunningPlatform
from .test_catalog_through_gateway import call, department_client
from .test_department_thread import poll

CHAINED_WITHIN_SECONDS = 15.0


def test_a_published_resource_shows_its_chain_receipt_within_seconds(
    platform: RunningPlatform,
) -> None:
    bureau = platform.headers()
    code = f"M{uuid.uuid4().hex[:5].upper()}"
    department = {"code": code, "name": "区民政局"}
    made = call(platform, "POST", "/api/catalog/departments", bureau, json=department)
    assert made.status_code == 201, made.text
    own = department_client(platform, bureau, code)
    base = f"/api/catalog/departments/{code}"
    duty = {"code": "DU1", "name": "社会救助", "legal_basis": "《社会救助暂行办法》第二条"}
    assert call(platform, "POST", f"{base}/duties", own, json=duty).status_code == 201
    system = {"code": "SY1", "name": "社会救助系统"}
    assert call(platform, "POST", f"{base}/systems", own, json=system).status_code == 201
    resource = call(
        platform,
        "POST",
        "/api/catalog/resources",
        own,
        json={
            "department": code,
            "code": "R001",
            "name": "养老机构名录",
            "description": "本区养老机构的名称与床位数",
            "duty": "DU1",
            "system": "SY1",
            "share_type": "unconditional",
            "open_type": "unconditional",
            "grade": "general",
            "level": 1,
            "important": False,
            "update_frequency": "monthly",
            "fields": [
                {
                    "name": "name",
                    "title": "机构名称",
                    "type": "string",
                    "sensitive": False,
                    "key": True,
                },
                {"name": "beds", "title": "床位数", "type": "integer", "sensitive": False},
            ],
        },
    )
    assert resource.status_code == 201, resource.text
    rid = resource.json()["id"]
    assert call(platform, "POST", f"/api/catalog/resources/{rid}/submit", own).status_code == 200
    published = call(platform, "POST", f"/api/catalog/resources/{rid}/publish", bureau)
    assert published.status_code == 200, published.text
    started = time.monotonic()

    def chain() -> dict[str, Any] | None:
        shown = call(platform, "GET", f"/api/catalog/resources/{rid}", own).json()["chain"]
        return shown if shown.get("status") == "chained" else None

    receipt = poll(chain, timeout=CHAINED_WITHIN_SECONDS)
    assert receipt is not None, f"not chained within {CHAINED_WITHIN_SECONDS:.0f}s"
    assert str(receipt["tx_id"]).startswith("0x")
    assert time.monotonic() - started < CHAINED_WITHIN_SECONDS

    pushes = call(
        platform, "GET", "/api/gateway/municipal/chain-pushes", bureau, params={"limit": 500}
    ).json()["items"]
    [push] = [p for p in pushes if p["entry_id"] == rid]
    assert (push["status"], push["tx_id"]) == ("done", receipt["tx_id"])
