"""TOTP enrolment by the user themself, then sign-in with a code used once (Art. 32)."""

import time
from typing import Any

import pyotp

from pdp_contracts.gateway import StaffTotpEnrolled
from pdp_kit.testing.spies import OutboxSpy


async def _enrol(browser: Any, user: dict[str, Any]) -> tuple[pyotp.TOTP, str]:
    """Enrol through the API; returns the authenticator and the code that confirmed it."""
    csrf = {"X-CSRF-Token": await browser.csrf()}
    begun = await browser.http.post(f"/api/gateway/users/{user['user_id']}/totp", headers=csrf)
    assert begun.status_code == 200, begun.text
    authenticator = pyotp.TOTP(begun.json()["secret"])
    code = authenticator.now()
    confirmed = await browser.http.post(
        f"/api/gateway/users/{user['user_id']}/totp/confirm", json={"code": code}, headers=csrf
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["totp_enrolled"] is True
    return authenticator, code


async def test_once_enrolled_sign_in_requires_a_fresh_code(
    staff: Any, browsers: Any, outbox: OutboxSpy
) -> None:
    user = await staff(username="ma.jun", roles=["bureau"])
    browser = browsers()
    await browser.sign_in("ma.jun", user["password"])
    csrf = {"X-CSRF-Token": await browser.csrf()}

    begun = await browser.http.post(f"/api/gateway/users/{user['user_id']}/totp", headers=csrf)

    enrolment = begun.json()
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/")
    assert "ma.jun" in enrolment["otpauth_uri"]
    assert enrolment["qr_code"].startswith("data:image/svg+xml")
    authenticator = pyotp.TOTP(enrolment["secret"])
    wrong = await browser.http.post(
        f"/api/gateway/users/{user['user_id']}/totp/confirm",
        json={"code": _other_than(authenticator)},
        headers=csrf,
    )
    assert wrong.status_code == 422
    confirming_code = authenticator.now()
    confirmed = await browser.http.post(
        f"/api/gateway/users/{user['user_id']}/totp/confirm",
        json={"code": confirming_code},
        headers=csrf,
    )
    assert confirmed.status_code == 200, confirmed.text
    (event,) = await outbox.events(StaffTotpEnrolled.event_type)
    assert event.subject == user["user_id"]

    without_code = await browsers().sign_in("ma.jun", user["password"])
    wrong_code = await browsers().sign_in("ma.jun", user["password"], _other_than(authenticator))
    confirming_again = await browsers().sign_in("ma.jun", user["password"], confirming_code)
    assert [r.status_code for r in (without_code, wrong_code, confirming_again)] == [401] * 3
    # The next time step's code (a phone clock a little ahead) is accepted, once.
    next_code = authenticator.at(time.time() + authenticator.interval)
    signed_in = await browsers().sign_in("ma.jun", user["password"], next_code)
    assert signed_in.status_code == 303
    replayed = await browsers().sign_in("ma.jun", user["password"], next_code)
    assert replayed.status_code == 401


async def test_a_user_cannot_enrol_totp_for_another_user(staff: Any, browsers: Any) -> None:
    alice = await staff(username="alice", roles=["ops"])
    bob = await staff(username="bob", roles=["bureau"])
    browser = browsers()
    await browser.sign_in("alice", alice["password"])
    csrf = {"X-CSRF-Token": await browser.csrf()}

    begin = await browser.http.post(f"/api/gateway/users/{bob['user_id']}/totp", headers=csrf)
    confirm = await browser.http.post(
        f"/api/gateway/users/{bob['user_id']}/totp/confirm", json={"code": "123456"}, headers=csrf
    )

    assert begin.status_code == 403
    assert confirm.status_code == 403
    # Bob still signs in with his password alone: nothing was enrolled for him.
    assert (await browsers().sign_in("bob", bob["password"])).status_code == 303


async def test_a_bureau_token_is_not_a_signed_in_user(
    staff: Any, client: Any, as_bureau: dict[str, str]
) -> None:
    user = await staff(username="qian.yu", roles=["ops"])

    response = await client.post(f"/api/gateway/users/{user['user_id']}/totp", headers=as_bureau)

    assert response.status_code == 401


async def test_enrolling_twice_is_a_conflict(staff: Any, browsers: Any) -> None:
    user = await staff(username="feng.xi", roles=["ops"])
    browser = browsers()
    await browser.sign_in("feng.xi", user["password"])
    await _enrol(browser, user)

    again = await browser.http.post(
        f"/api/gateway/users/{user['user_id']}/totp", headers={"X-CSRF-Token": await browser.csrf()}
    )

    assert again.status_code == 409


async def test_the_console_page_shows_a_qr_code_and_confirms_a_code(
    staff: Any, browsers: Any
) -> None:
    user = await staff(username="tang.yi", roles=["assessor"])
    browser = browsers()
    await browser.sign_in("tang.yi", user["password"])

    page = await browser.http.get("/console/totp")

    assert page.status_code == 200
    assert '<img src="data:image/svg+xml' in page.text
    secret = page.text.split('<code class="secret">')[1].split("</code>")[0]
    reloaded = await browser.http.get("/console/totp")
    assert secret in reloaded.text  # the secret shown is kept until confirmed
    authenticator = pyotp.TOTP(secret)
    csrf = await browser.csrf()
    wrong = await browser.http.post(
        "/console/totp", data={"code": _other_than(authenticator), "csrf_token": csrf}
    )
    assert wrong.status_code == 422
    assert "动态验证码不正确" in wrong.text
    forged = await browser.http.post(
        "/console/totp", data={"code": authenticator.now(), "csrf_token": "forged"}
    )
    assert forged.status_code == 403
    done = await browser.http.post(
        "/console/totp", data={"code": authenticator.now(), "csrf_token": csrf}
    )
    assert done.status_code == 303
    assert "动态验证码已绑定" in (await browser.http.get("/console/totp")).text
    assert (await browsers().sign_in("tang.yi", user["password"])).status_code == 401


def _other_than(authenticator: pyotp.TOTP) -> str:
    """A six-digit code no step of the window around now has."""
    now = time.time()
    valid = {authenticator.at(now + k * authenticator.interval) for k in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)
