"""Staff users for the console, registered by the bureau only (POST /api/gateway/users)."""

from typing import Any

import httpx

from pdp_contracts.gateway import StaffUserCreated, StaffUserDisabled
from pdp_kit.testing.spies import OutboxSpy


async def test_the_bureau_registers_a_staff_user_and_sees_a_generated_password_once(
    client: httpx.AsyncClient, as_bureau: dict[str, str], outbox: OutboxSpy, browsers: Any
) -> None:
    response = await client.post(
        "/api/gateway/users",
        json={"username": "li.na", "roles": ["department"], "department": "D001"},
        headers=as_bureau,
    )

    assert response.status_code == 201, response.text
    user = response.json()
    assert user["username"] == "li.na"
    assert user["roles"] == ["department"]
    assert user["department"] == "D001"
    assert user["status"] == "active"
    assert user["totp_enrolled"] is False
    assert len(user["initial_password"]) >= 12
    listed = await client.get("/api/gateway/users", headers=as_bureau)
    assert listed.status_code == 200
    (shown,) = [u for u in listed.json()["items"] if u["username"] == "li.na"]
    assert "initial_password" not in shown
    assert "password_hash" not in shown
    (event,) = [
        e for e in await outbox.events(StaffUserCreated.event_type) if e.subject == user["user_id"]
    ]
    created = event.payload(StaffUserCreated)
    assert (created.username, created.department) == ("li.na", "D001")
    assert created.roles == ["department"]
    assert "password" not in event.data
    signed_in = await browsers().sign_in("li.na", user["initial_password"])
    assert signed_in.status_code == 303


async def test_a_password_the_bureau_gives_is_not_echoed(staff: Any) -> None:
    user = await staff(username="wang.fang", roles=["ops"])

    assert user["initial_password"] is None


async def test_only_the_bureau_registers_and_lists_staff_users(
    client: httpx.AsyncClient, auth: Any, as_datacenter: dict[str, str], as_ops: dict[str, str]
) -> None:
    body = {"username": "intruder", "roles": ["bureau"]}
    for headers in (as_datacenter, as_ops, auth.department("D001")):
        refused = await client.post("/api/gateway/users", json=body, headers=headers)
        assert refused.status_code == 403, refused.text
        assert (await client.get("/api/gateway/users", headers=headers)).status_code == 403
    anonymous = await client.post("/api/gateway/users", json=body)
    assert anonymous.status_code == 401


async def test_roles_outside_the_console_and_department_mismatches_are_refused(
    client: httpx.AsyncClient, as_bureau: dict[str, str]
) -> None:
    for body in (
        {"username": "op", "roles": ["operator"]},
        {"username": "svc", "roles": ["service"]},
        {"username": "dept", "roles": ["department"]},
        {"username": "ops", "roles": ["ops"], "department": "D001"},
        {"username": "short", "roles": ["ops"], "password": "short"},
        {"username": "has space", "roles": ["ops"]},
    ):
        response = await client.post("/api/gateway/users", json=body, headers=as_bureau)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"]


async def test_a_taken_username_is_a_conflict(
    client: httpx.AsyncClient, as_bureau: dict[str, str], staff: Any
) -> None:
    await staff(username="zhao.lei", roles=["assessor"])

    again = await client.post(
        "/api/gateway/users", json={"username": "zhao.lei", "roles": ["ops"]}, headers=as_bureau
    )

    assert again.status_code == 409
    assert again.json()["type"].endswith("username-taken")


async def test_disabling_a_user_ends_their_sessions_and_sign_ins(
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    auth: Any,
    staff: Any,
    browsers: Any,
    outbox: OutboxSpy,
) -> None:
    user = await staff(username="song.jie", roles=["ops"])
    browser = browsers()
    await browser.sign_in("song.jie", user["password"])
    path = f"/api/gateway/users/{user['user_id']}/disable"
    assert (await client.post(path, headers=auth.headers("ops"))).status_code == 403
    assert (await browser.http.get("/console")).status_code == 200

    disabled = await client.post(path, headers=as_bureau)
    again = await client.post(path, headers=as_bureau)

    assert disabled.status_code == 200
    assert disabled.json()["status"] == "disabled"
    assert again.status_code == 200
    assert (await browser.http.get("/console")).status_code == 303
    assert (await browsers().sign_in("song.jie", user["password"])).status_code == 401
    assert len(await outbox.events(StaffUserDisabled.event_type)) == 1
    missing = await client.post("/api/gateway/users/nobody/disable", headers=as_bureau)
    assert missing.status_code == 404
