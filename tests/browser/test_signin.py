"""Signing in and out of the console in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from .conftest import (
    DEV_BUREAU,
    ON_MAKE_RUN,
    BrowserLog,
    StaffAccount,
    accessibility_violations,
    session_cookies,
    sign_in,
)

pytestmark = ON_MAKE_RUN

SIGN_IN_FAILED = "用户名、密码或动态验证码错误"


def test_the_dev_bureau_signs_in_and_lands_on_the_chinese_console_home(
    page: Page, context: BrowserContext, browser_log: BrowserLog
) -> None:
    page.goto("/console")
    expect(page).to_have_url(re.compile(r"/console/login"))  # not signed in: sent to the form

    sign_in(page, DEV_BUREAU)

    expect(page).to_have_url(re.compile(r"/console$"))
    expect(page).to_have_title("首页 · 长宁区公共数据平台")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"欢迎，{DEV_BUREAU.username}")
    expect(page.get_by_text("角色：区数据局")).to_be_visible()
    expect(page.get_by_role("navigation", name="控制台导航")).to_contain_text("数据目录")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert len(session_cookies(context)) == 1
    assert browser_log.errors == []


def test_a_wrong_password_does_not_sign_in(
    page: Page, context: BrowserContext, staff_user: Callable[..., StaffAccount]
) -> None:
    account = staff_user("bureau")
    wrong = StaffAccount(account.username, account.password + "x", account.roles)

    sign_in(page, wrong, expect_success=False)

    expect(page.get_by_role("alert")).to_contain_text(SIGN_IN_FAILED)
    expect(page).to_have_url(re.compile(r"/console/login$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("员工登录")
    assert session_cookies(context) == []
    failing, _ = accessibility_violations(page)  # the page with its error message
    assert failing == [], "\n".join(failing)
    page.goto("/console")
    expect(page).to_have_url(re.compile(r"/console/login"))


def test_a_department_staff_user_signs_in_with_the_password_the_bureau_set(
    page_as: Callable[..., Page],
) -> None:
    signed_in = page_as("department", department="D001")

    expect(signed_in.get_by_text("角色：部门；部门：D001")).to_be_visible()
    expect(signed_in.get_by_role("banner")).to_contain_text("当前用户：staff-")


def test_signing_out_ends_the_session(
    bureau_page: Page, context: BrowserContext, browser_log: BrowserLog
) -> None:
    [cookie] = session_cookies(context)

    bureau_page.get_by_role("button", name="退出登录").click()

    expect(bureau_page).to_have_url(re.compile(r"/console/login$"))
    assert session_cookies(context) == []
    bureau_page.goto("/console/sharing")
    expect(bureau_page).to_have_url(re.compile(r"/console/login"))
    expect(bureau_page.get_by_role("heading", level=1)).to_have_text("员工登录")
    assert browser_log.errors == []

    context.add_cookies([cookie])  # the old cookie, kept by someone: the session ended for good
    bureau_page.goto("/console")
    expect(bureau_page).to_have_url(re.compile(r"/console/login"))
