"""Issue 13's 时限看板 on ``make run``: a share request that the sweep finds overdue appears on
the board of the provider's officer, who opens it and approves it from the console; the board
then drops it. Plain HTTP with the console's cookies and CSRF tokens (the browser tests drive
the same ids in Chromium)."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import httpx

from .conftest import RunningPlatform
from .test_catalog_through_gateway import call, department_client
from .test_department_thread import poll
from .test_sharing_through_gateway import publish_resource

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


def console_of(platform: RunningPlatform, username: str) -> httpx.Client:
    browser = httpx.Client(base_url=platform.url, timeout=15)
    login = browser.get("/console/login")
    signed_in = browser.post(
        "/console/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf(login)},
    )
    assert signed_in.status_code == 303, signed_in.text
    return browser


def test_an_overdue_share_request_reaches_the_board_and_is_approved_from_the_console(
    platform: RunningPlatform,
) -> None:
    bureau = platform.headers()
    provider_code, requester_code = (f"K{uuid.uuid4().hex[:5].upper()}" for _ in range(2))
    for code in (provider_code, requester_code):
        made = call(
            platform, "POST", "/api/catalog/departments", bureau,
            json={"code": code, "name": f"部门{code}"},
        )  # fmt: skip
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
        response = call(platform, "POST", "/api/sharing/requests", requester, json=ask)
        return response if response.status_code == 201 else None

    request = poll(submitted)
    assert request is not None, "sharing never learnt of the published resource"
    request_id = request.json()["id"]
    for username, code in ((f"officer.{provider_code.lower()}", provider_code),
                           (f"officer.{requester_code.lower()}", requester_code)):  # fmt: skip
        user = call(
            platform, "POST", "/api/gateway/users", bureau,
            json={"username": username, "roles": ["department"], "department": code,
                  "password": PASSWORD},
        )  # fmt: skip
        assert user.status_code == 201, user.text

    later = (date.today() + timedelta(days=40)).isoformat()
    swept = call(platform, "POST", "/api/sharing/admin/sweep", bureau, params={"as_of": later})
    assert swept.status_code == 200, swept.text

    officer = console_of(platform, f"officer.{provider_code.lower()}")
    other = console_of(platform, f"officer.{requester_code.lower()}")
    row = re.compile(rf'<tr id="clock-share_reply-{request_id}"[^>]*class="overdue"')

    def overdue_on_the_board() -> httpx.Response | None:
        board = officer.get("/console/clocks", params={"kind": "share_reply"})
        return board if row.search(board.text) else None

    board = poll(overdue_on_the_board)
    assert board is not None, "the overdue share request never reached the board"
    assert "已逾期" in board.text
    assert f'href="/console/sharing/requests/{request_id}"' in board.text
    assert f"clock-share_reply-{request_id}" not in other.get("/console/clocks").text

    page = officer.get(f"/console/sharing/requests/{request_id}")
    assert 'id="approve-share-request"' in page.text, page.text
    approved = officer.post(
        f"/console/sharing/requests/{request_id}/approve", data={"csrf_token": csrf(page)}
    )
    assert approved.status_code == 200, approved.text
    assert "已同意该共享申请" in approved.text

    answer = call(platform, "GET", f"/api/sharing/requests/{request_id}", requester).json()
    assert answer["status"] == "approved" and answer["grant_id"]

    def gone_from_the_board() -> bool:
        return f"clock-share_reply-{request_id}" not in officer.get("/console/clocks").text

    assert poll(gone_from_the_board), "the answered request stayed on the board"
