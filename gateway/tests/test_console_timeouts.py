"""Sessions and locks that end by themselves, and dev's plain cookies (settings shortened)."""

import asyncio
from typing import Any

import pytest

from gateway.settings import GatewaySettings


@pytest.fixture
def console_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """What a test changes, given with ``indirect=True``."""
    changes: dict[str, Any] = getattr(request, "param", {})
    return changes


@pytest.fixture
def service_settings(
    service_settings: GatewaySettings, console_settings: dict[str, Any]
) -> GatewaySettings:
    return service_settings.model_copy(update=console_settings)


@pytest.mark.parametrize("console_settings", [{"console_idle_seconds": 2}], indirect=True)
async def test_an_idle_session_ends_and_the_console_asks_to_sign_in_again(
    staff: Any, browsers: Any
) -> None:
    user = await staff(username="deng.bo", roles=["ops"])
    browser = browsers()
    await browser.sign_in("deng.bo", user["password"])
    assert (await browser.http.get("/console")).status_code == 200

    await asyncio.sleep(2.2)

    response = await browser.http.get("/console")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"


@pytest.mark.parametrize("console_settings", [{"console_session_seconds": 2}], indirect=True)
async def test_a_session_past_its_lifetime_ends_however_active(staff: Any, browsers: Any) -> None:
    user = await staff(username="lu.ping", roles=["ops"])
    browser = browsers()
    response = await browser.sign_in("lu.ping", user["password"])
    assert "max-age=2" in response.headers["set-cookie"].lower()
    cookie = browser.http.cookies["__Host-pdp_console"]
    for _ in range(3):
        await asyncio.sleep(0.8)
        await browser.http.get("/console")

    # The browser would have dropped the cookie; the server refuses it all the same.
    browser.http.cookies.set("__Host-pdp_console", cookie, domain="gateway.pdp.test")
    assert (await browser.http.get("/console")).status_code == 303


@pytest.mark.parametrize("console_settings", [{"staff_lockout_seconds": 2}], indirect=True)
async def test_a_lock_ends_after_its_time(staff: Any, browsers: Any) -> None:
    user = await staff(username="yuan.fei", roles=["ops"])
    browser = browsers()
    for _ in range(5):
        assert (await browser.sign_in("yuan.fei", "a wrong password!")).status_code == 401
    assert (await browser.sign_in("yuan.fei", user["password"])).status_code == 401

    await asyncio.sleep(2.2)

    assert (await browser.sign_in("yuan.fei", user["password"])).status_code == 303


@pytest.mark.parametrize("console_settings", [{"env": "dev"}], indirect=True)
async def test_in_dev_the_session_cookie_is_not_secure(staff: Any, browsers: Any) -> None:
    user = await staff(username="kong.ming", roles=["ops"])

    response = await browsers().sign_in("kong.ming", user["password"])

    cookie = response.headers["set-cookie"]
    assert cookie.startswith("pdp_console=")
    assert "secure" not in cookie.lower()
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
