"""The page checks have teeth: axe-core reports what it should, and a CSP violation on a console
page reaches the browser log the page tests assert is empty."""

from __future__ import annotations

from playwright.sync_api import Page

from .conftest import ON_MAKE_RUN, BrowserLog, accessibility_violations

pytestmark = ON_MAKE_RUN

INACCESSIBLE = """<!doctype html><html lang="zh-CN"><head><title>反例</title></head><body><main>
<img src="data:," width="10" height="10">
<p style="color:#bbbbbb;background:#ffffff">对比度过低的文字</p>
<span style="color:#cccccc">次要说明</span></main></body></html>"""


def test_axe_reports_a_missing_alt_text_and_low_contrast_as_failing(page: Page) -> None:
    page.set_content(INACCESSIBLE)

    failing, _ = accessibility_violations(page)

    assert any("image-alt" in line for line in failing), failing
    assert any("color-contrast" in line for line in failing), failing


def test_an_inline_script_on_a_console_page_is_refused_and_logged(
    page: Page, browser_log: BrowserLog
) -> None:
    page.goto("/console/login")
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.head.appendChild(script);
    }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("window.injected === undefined")
    assert any("Content Security Policy" in line for line in browser_log.errors), browser_log
