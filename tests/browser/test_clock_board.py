"""Issue 13's done-when, in Chromium: the provider's officer signs in, sees a share request the
sweep found overdue on the 时限看板 (the requester's officer does not), opens it and approves it;
the request is answered in the sharing service and leaves the board. Each page passes axe and is
photographed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from pdp_kit.testing.platform import RunningPlatform

from .conftest import ON_MAKE_RUN, BrowserLog, ConsoleData, accessibility_violations

pytestmark = ON_MAKE_RUN

#: The board reads a model the gateway's consumer keeps: the sweep's event takes a moment.
BOARD_WAIT_MS = 30_000


def check_page(page: Page, browser_log: BrowserLog, shot: Path) -> None:
    page.screenshot(path=shot, full_page=True)
    print(f"screenshot: {shot}")
    failing, _ = accessibility_violations(page)
    assert failing == [], "\n".join(failing)
    assert browser_log.errors == [], "\n".join(browser_log.errors)


def reload_until_visible(page: Page, selector: str) -> None:
    """The board is server-rendered: reload it until the row is there (or the wait is over)."""
    deadline = page.evaluate("Date.now()") + BOARD_WAIT_MS
    while page.locator(selector).count() == 0:
        assert page.evaluate("Date.now()") < deadline, f"{selector} never reached the board"
        page.wait_for_timeout(500)
        page.reload()


def test_an_officer_sees_an_overdue_request_on_the_board_and_approves_it(
    platform: RunningPlatform,
    console_data: ConsoleData,
    page_as: Callable[..., Page],
    browser_log: BrowserLog,
    screenshots: Path,
) -> None:
    bureau = platform.headers()
    later = (date.today() + timedelta(days=40)).isoformat()
    swept = httpx.post(
        f"{platform.url}/api/sharing/admin/sweep",
        headers=bureau,
        params={"as_of": later},
        timeout=30,
    )
    assert swept.status_code == 200, swept.text

    officer = page_as("department", department=console_data.provider)
    officer.goto("/console/clocks?kind=share_reply")
    row = f"#clock-share_reply-{console_data.request_id}"
    reload_until_visible(officer, row)
    expect(officer.locator(row)).to_have_class("overdue")
    expect(officer.locator(row)).to_contain_text("已逾期")
    check_page(officer, browser_log, screenshots / "clocks-overdue.png")
    # the requester's officer, side by side, does not see the provider's clock
    requester = page_as("department", department=console_data.requester)
    requester.goto("/console/clocks")
    expect(requester.get_by_role("heading", level=1)).to_have_text("时限看板")
    expect(requester.locator(row)).to_have_count(0)

    officer.locator(f"#act-share_reply-{console_data.request_id}").click()
    officer.wait_for_url(f"**/console/sharing/requests/{console_data.request_id}")
    expect(officer.get_by_role("heading", level=1)).to_be_visible()
    check_page(officer, browser_log, screenshots / "share-request.png")

    officer.locator("#approve-share-request button[type=submit]").click()
    expect(officer.locator("#action-notice")).to_contain_text("已同意")
    check_page(officer, browser_log, screenshots / "share-request-approved.png")

    answered = httpx.get(
        f"{platform.url}/api/sharing/requests/{console_data.request_id}",
        headers=bureau,
        timeout=15,
    )
    assert answered.json()["status"] == "approved", answered.text

    officer.goto("/console/clocks?kind=share_reply")
    deadline = officer.evaluate("Date.now()") + BOARD_WAIT_MS
    while officer.locator(row).count():
        assert officer.evaluate("Date.now()") < deadline, "the answered request stayed on the board"
        officer.wait_for_timeout(500)
        officer.reload()
