"""Every console page in a real browser, with data present: it renders in Chinese, the browser
reports no error (a CSP violation is one), axe-core finds nothing serious, and a full-page
screenshot is written for a person to look at."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import (
    DEV_BUREAU,
    ON_MAKE_RUN,
    BrowserLog,
    ConsoleData,
    accessibility_violations,
    sign_in,
)

pytestmark = ON_MAKE_RUN


@dataclass(frozen=True)
class ConsolePage:
    """One row of the table: where the page is, its title and main heading, and what it must show
    (``str.format`` over the fields of ``ConsoleData``)."""

    name: str
    path: str
    title: str
    heading: str
    shows: tuple[str, ...] = ()
    signed_in: bool = True


#: The console's pages; a new page is a new row.
PAGES = [
    ConsolePage("login", "/console/login", "登录", "员工登录", signed_in=False),
    ConsolePage("home", "/console", "首页", "欢迎，" + DEV_BUREAU.username, ("接口文档",)),
    ConsolePage("catalog", "/console/catalog", "数据目录", "数据目录", ("{resource_name}",)),
    ConsolePage(
        "sharing",
        "/console/sharing",
        "共享申请",
        "共享申请",
        ("{request_id}", "{resource_id}", "{grant_id}", "区市场监管局"),
    ),
    ConsolePage("totp", "/console/totp", "绑定动态验证码", "绑定动态验证码", ("6 位动态码",)),
    ConsolePage("clocks", "/console/clocks", "时限看板", "时限看板", ("全区各部门",)),
    ConsolePage("health", "/console/health", "平台运行状况", "平台运行状况", ("数据目录服务",)),
    ConsolePage("audit", "/console/audit", "审计查询", "审计查询"),
    ConsolePage("scorecards", "/console/scorecards", "部门考核", "部门考核", ("区市场监管局",)),
]


@pytest.mark.parametrize("spec", PAGES, ids=[spec.name for spec in PAGES])
def test_console_page_renders_cleanly_and_passes_axe(
    spec: ConsolePage,
    page: Page,
    browser_log: BrowserLog,
    console_data: ConsoleData,
    screenshots: Path,
) -> None:
    if spec.signed_in:
        sign_in(page, DEV_BUREAU)
    page.goto(spec.path)
    page.wait_for_load_state("networkidle")

    expect(page).to_have_title(f"{spec.title} · 长宁区公共数据平台")
    expect(page.get_by_role("heading", level=1)).to_have_text(spec.heading)
    for text in spec.shows:
        expect(page.locator("main")).to_contain_text(text.format(**vars(console_data)))

    shot = screenshots / f"{spec.name}.png"
    page.screenshot(path=shot, full_page=True)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 0

    failing, others = accessibility_violations(page)
    for line in others:
        print(f"axe (not failing): {line}")
    for line in browser_log.others:
        print(line)
    assert failing == [], "\n".join(failing)
    assert browser_log.errors == [], "\n".join(browser_log.errors)
