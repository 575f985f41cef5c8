"""The thread through the platform: token → catalog → Kafka → audit, all through the gateway."""

from __future__ import annotations

import time
import uuid

import httpx

from pdp_kit.settings import DEV_ADMIN_ID

from .conftest import READY_WITHIN_SECONDS, RunningPlatform

DEPARTMENT_CREATED = "cn.gov.changning.pdp.catalog.department.created.v1"


def poll(fetch, *, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        result = fetch()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def test_the_platform_is_ready_within_thirty_seconds(platform: RunningPlatform) -> None:
    assert platform.startup_seconds < READY_WITHIN_SECONDS
    checks = httpx.get(f"{platform.url}/readyz", timeout=5).json()["checks"]
    for part in ("database", "broker", "catalog", "sharing", "opening", "registry", "audit"):
        assert checks[part] == "ok", checks


def test_a_department_created_in_catalog_reaches_the_audit_journal_and_the_netlog(
    platform: RunningPlatform,
) -> None:
    headers = {"Authorization": f"Bearer {platform.token()}", "X-Request-ID": uuid.uuid4().hex}
    code = f"E{uuid.uuid4().hex[:6].upper()}"
    created = httpx.post(
        f"{platform.url}/api/catalog/departments",
        json={"code": code, "name": "区测试局"},
        headers=headers,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    assert created.headers["x-request-id"] == headers["X-Request-ID"]

    def journaled() -> list[dict[str, object]]:
        response = httpx.get(
            f"{platform.url}/api/audit/events",
            params={"type": DEPARTMENT_CREATED, "subject": code},
            headers=headers,
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    entries = poll(journaled)
    assert len(entries) == 1
    assert entries[0]["data"] == {"code": code, "name": "区测试局"}
    assert entries[0]["actor"] == DEV_ADMIN_ID

    def logged() -> list[dict[str, object]]:
        response = httpx.get(
            f"{platform.url}/api/audit/netlogs",
            params={"client_id": DEV_ADMIN_ID, "limit": 500},
            headers=headers,
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return [
            item
            for item in response.json()["items"]
            if item["path"] == "/api/catalog/departments" and item["method"] == "POST"
        ]

    netlog = poll(logged)
    assert netlog and netlog[0]["status"] == 201


def test_a_request_without_a_token_is_refused_by_the_service(platform: RunningPlatform) -> None:
    response = httpx.post(
        f"{platform.url}/api/catalog/departments", json={"code": "X1", "name": "x"}, timeout=10
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
