"""Staff sign-in to the console: session cookies, lockout, CSRF, sign-out (Art. 32)."""

from typing import Any

import httpx

from pdp_contracts.gateway import RequestsLogged, StaffSignedIn, StaffUserLocked
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET
from pdp_kit.testing.spies import OutboxSpy

COOKIE = "__Host-pdp_console"  # outside dev: Secure, so the __Host- prefix applies


def _session_cookie(response: httpx.Response) -> str | None:
    return next(
        (h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}=")), None
    )


async def test_signing_in_sets_a_secure_httponly_strict_cookie_and_opens_the_console(
    staff: Any, browsers: Any, outbox: OutboxSpy
) -> None:
    user = await staff(username="chen.jing", roles=["department"], department="D002")
    browser = browsers()

    response = await browser.sign_in("chen.jing", user["password"])

    assert response.status_code == 303
    assert response.headers["location"] == "/console"
    cookie = _session_cookie(response)
    assert cookie is not None, response.headers
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    home = await browser.http.get("/console")
    assert home.status_code == 200
    assert "chen.jing" in home.text and "角色：部门；部门：D002" in home.text
    assert "退出登录" in home.text and "/api/catalog/docs" in home.text
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]
    assert home.headers["cache-control"] == "no-store"
    events = [e for e in await outbox.events(StaffSignedIn.event_type)]
    assert [e.subject for e in events] == [user["user_id"]]


async def test_the_console_without_a_session_sends_the_browser_to_sign_in(browsers: Any) -> None:
    browser = browsers()

    response = await browser.http.get("/console")

    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"
    page = await browser.http.get("/console/login")
    assert page.status_code == 200
    assert "员工登录" in page.text and 'name="totp"' in page.text


async def test_a_wrong_password_does_not_sign_in(staff: Any, browsers: Any) -> None:
    await staff(username="sun.li", roles=["ops"])
    browser = browsers()

    response = await browser.sign_in("sun.li", "not the password at all")

    assert response.status_code == 401
    assert _session_cookie(response) is None
    assert "用户名、密码或动态验证码错误" in response.text
    assert (await browser.http.get("/console")).status_code == 303
    unknown = await browser.sign_in("nobody.here", "not the password at all")
    assert unknown.status_code == 401
    assert unknown.text.count("错误") == response.text.count("错误")


async def test_five_failures_lock_the_account_even_for_the_right_password(
    staff: Any, browsers: Any, outbox: OutboxSpy
) -> None:
    user = await staff(username="zhou.min", roles=["cyberspace"])
    browser = browsers()
    wrong = None
    for _ in range(5):
        wrong = await browser.sign_in("zhou.min", "a wrong password!")
        assert wrong.status_code == 401

    locked = await browser.sign_in("zhou.min", user["password"])

    assert locked.status_code == 401
    assert _session_cookie(locked) is None
    assert wrong is not None
    # The answer is the wrong-password one: it does not tell that the password was right.
    assert _error(locked) == _error(wrong)
    (event,) = await outbox.events(StaffUserLocked.event_type)
    assert event.subject == user["user_id"]
    assert event.payload(StaffUserLocked).failed_attempts == 5
    listed = await browser.http.get("/console")
    assert listed.status_code == 303


async def test_a_success_resets_the_failure_count(staff: Any, browsers: Any) -> None:
    user = await staff(username="xu.hui", roles=["datacenter"])
    browser = browsers()
    for _ in range(4):
        assert (await browser.sign_in("xu.hui", "a wrong password!")).status_code == 401
    assert (await browser.sign_in("xu.hui", user["password"])).status_code == 303
    for _ in range(4):
        assert (await browsers().sign_in("xu.hui", "a wrong password!")).status_code == 401

    assert (await browsers().sign_in("xu.hui", user["password"])).status_code == 303


async def test_the_sign_in_form_needs_its_csrf_token(staff: Any, browsers: Any) -> None:
    user = await staff(username="he.yun", roles=["ops"])
    browser = browsers()
    await browser.http.get("/console/login")  # the browser holds the form's cookie
    form = {"username": "he.yun", "password": user["password"]}

    missing = await browser.http.post("/console/login", data=form)
    wrong = await browser.http.post("/console/login", data={**form, "csrf_token": "forged"})
    no_cookie = await browsers().http.post("/console/login", data={**form, "csrf_token": "x"})

    for response in (missing, wrong, no_cookie):
        assert response.status_code == 403, response.text
        assert _session_cookie(response) is None


async def test_console_posts_without_the_sessions_csrf_token_are_refused(
    staff: Any, browsers: Any
) -> None:
    user = await staff(username="lin.tao", roles=["assessor"])
    browser = browsers()
    await browser.sign_in("lin.tao", user["password"])

    missing = await browser.http.post("/console/logout")
    wrong = await browser.http.post("/console/logout", data={"csrf_token": "forged"})
    api = await browser.http.post(f"/api/gateway/users/{user['user_id']}/totp")
    other = browsers()
    await other.sign_in("lin.tao", user["password"])
    crossed = await browser.http.post("/console/logout", data={"csrf_token": await other.csrf()})

    for response in (missing, wrong, api, crossed):
        assert response.status_code == 403, response.text
        assert response.json()["type"].endswith("csrf-rejected")
    assert (await browser.http.get("/console")).status_code == 200  # still signed in


async def test_signing_out_ends_the_session_on_the_server(staff: Any, browsers: Any) -> None:
    user = await staff(username="guo.qiang", roles=["bureau"])
    browser = browsers()
    await browser.sign_in("guo.qiang", user["password"])
    stolen = browser.http.cookies[COOKIE]

    response = await browser.http.post("/console/logout", data={"csrf_token": await browser.csrf()})

    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"
    assert (await browser.http.get("/console")).status_code == 303
    replay = browsers()
    replay.http.cookies.set(COOKIE, stolen, domain="gateway.pdp.test")
    assert (await replay.http.get("/console")).status_code == 303


async def test_a_forged_session_cookie_opens_nothing(browsers: Any) -> None:
    browser = browsers()
    browser.http.cookies.set(COOKIE, "made-up-token", domain="gateway.pdp.test")

    assert (await browser.http.get("/console")).status_code == 303
    api = await browser.http.post("/api/gateway/users/anyone/totp", headers={"X-CSRF-Token": "x"})
    assert api.status_code == 401


async def test_the_bootstrap_admin_is_a_bureau_staff_user_in_dev_and_test(browsers: Any) -> None:
    browser = browsers()

    response = await browser.sign_in(DEV_ADMIN_ID, DEV_ADMIN_SECRET)

    assert response.status_code == 303
    home = await browser.http.get("/console")
    assert DEV_ADMIN_ID in home.text and "区数据局" in home.text


async def test_console_requests_are_logged_with_the_staff_user_as_caller(
    app: Any, staff: Any, browsers: Any, outbox: OutboxSpy
) -> None:
    user = await staff(username="yang.guang", roles=["ops"])
    browser = browsers()
    await browser.sign_in("yang.guang", user["password"])

    await browser.http.get("/console")
    await app.state.netlog.flush()

    logged = [
        r
        for e in await outbox.events(RequestsLogged.event_type)
        for r in e.payload(RequestsLogged).requests()
    ]
    (home,) = [entry for entry in logged if entry.path == "/console"]
    assert (home.status, home.client_id) == (200, "staff:yang.guang")


def _error(response: httpx.Response) -> str:
    start = response.text.index('role="alert">')
    return response.text[start : response.text.index("</p>", start)]
