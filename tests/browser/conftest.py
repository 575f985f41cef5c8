"""Real-browser tests of the console: Playwright drives Debian's Chromium (``/usr/bin/chromium``,
headless) against the platform as ``make run`` starts it (the kit's ``platform`` fixture, SQLite
only here). One browser per test module, a fresh zh-CN context per test.

Fixtures for tests that build on these: ``staff_user`` (a staff account with a known password),
``page_as`` (a page signed in as a role), ``bureau_page`` (signed in with the dev bureau
credentials), ``console_data`` (a published resource and an open share request), ``browser_log``
(what the page said in its console) and ``screenshots`` (where pictures go)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Cookie,
    Page,
    sync_playwright,
)

from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET
from pdp_kit.testing.platform import RunningPlatform

#: Debian's Chromium; PDP_CHROMIUM names another build.
CHROMIUM = Path(os.environ.get("PDP_CHROMIUM", "/usr/bin/chromium"))
#: Headless, and nothing reaching for Google's services: on a closed network Chromium's own
#: background connections are refused and show up as noise (or hang the start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Every browser test runs on one platform: SQLite, exactly ``make run``.
ON_MAKE_RUN = pytest.mark.parametrize("platform", ["sqlite"], indirect=True)
STAFF_PASSWORD_LENGTH = 20


def require_chromium() -> None:
    """Locally a missing browser skips the browser tests; on CI (``CI`` set) it fails them, so a
    broken ``.ci/run`` cannot pass by skipping."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture: a machine without the browser should not start the platform first."""
    require_chromium()


@pytest.fixture(scope="module")
def browser(platform: RunningPlatform) -> Iterator[Browser]:
    """One Chromium per test module. Not per session: Playwright's sync API keeps its event loop
    marked as running in this thread while it is open, which breaks ``asyncio.run`` and
    pytest-asyncio in whatever runs after it; and it starts after the platform for the same
    reason (the platform's fixtures use ``asyncio.run``)."""
    require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


SCREENSHOTS = pytest.StashKey[Path]()


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``PDP_BROWSER_SCREENSHOTS`` if set (CI keeps it as an artefact), else a directory under
    pytest's base temporary directory; named at the end of the run's output."""
    named = os.environ.get("PDP_BROWSER_SCREENSHOTS")
    folder = Path(named) if named else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[SCREENSHOTS] = folder
    return folder


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    folder = config.stash.get(SCREENSHOTS, None)
    if folder is not None:
        terminalreporter.write_line(f"console screenshots: {folder}")


@dataclass
class BrowserLog:
    """What the page reported: console errors (CSP violations among them), uncaught exceptions,
    and subresources that failed or answered an error."""

    errors: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        line = f"console.{message.type}: {message.text} ({message.location.get('url', '')})"
        (self.errors if message.type == "error" else self.others).append(line)

    def watch(self, page: Page) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on(
            "requestfailed",
            lambda request: self.errors.append(f"request failed: {request.url} {request.failure}"),
        )


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def context(browser: Browser, platform: RunningPlatform) -> Iterator[BrowserContext]:
    """A fresh browser profile per test (no cookies carried over)."""
    fresh = new_context(browser, platform)
    yield fresh
    fresh.close()


def new_context(browser: Browser, platform: RunningPlatform) -> BrowserContext:
    """A browser profile as a Changning officer's: Chinese, Shanghai time, a laptop screen."""
    fresh = browser.new_context(
        base_url=platform.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1366, "height": 768},
    )
    fresh.set_default_timeout(15_000)
    return fresh


@pytest.fixture
def page(context: BrowserContext, browser_log: BrowserLog) -> Page:
    opened = context.new_page()
    browser_log.watch(opened)
    return opened


@dataclass(frozen=True)
class StaffAccount:
    username: str
    password: str
    roles: tuple[str, ...]
    department: str | None = None


DEV_BUREAU = StaffAccount(DEV_ADMIN_ID, DEV_ADMIN_SECRET, ("bureau",))


def sign_in(page: Page, account: StaffAccount, *, expect_success: bool = True) -> None:
    """Through the form, as a person would; a success lands on the console home."""
    page.goto("/console/login")
    page.get_by_label("用户名").fill(account.username)
    page.get_by_label("密码", exact=True).fill(account.password)
    page.get_by_role("button", name="登录").click()
    if expect_success:
        page.wait_for_url("**/console")


def session_cookies(context: BrowserContext) -> list[Cookie]:
    """The console's session cookie (``pdp_console``, or ``__Host-pdp_console`` over HTTPS)."""
    return [cookie for cookie in context.cookies() if cookie["name"].endswith("pdp_console")]


@pytest.fixture
def staff_user(platform: RunningPlatform) -> Callable[..., StaffAccount]:
    """``staff_user("department", department="D001", password="…")``: a staff user registered by
    the bureau (``POST /api/gateway/users``) with that password (a random one if not given; at
    least 12 characters), ready to sign in. No roles: ``bureau``."""
    bureau = platform.headers()

    def register(
        *roles: str,
        department: str | None = None,
        password: str | None = None,
        username: str | None = None,
    ) -> StaffAccount:
        account = StaffAccount(
            username=username or f"staff-{uuid.uuid4().hex[:10]}",
            password=password or uuid.uuid4().hex[:STAFF_PASSWORD_LENGTH],
            roles=roles or ("bureau",),
            department=department,
        )
        created = httpx.post(
            f"{platform.url}/api/gateway/users",
            headers=bureau,
            json={
                "username": account.username,
                "password": account.password,
                "roles": list(account.roles),
                "department": department,
            },
            timeout=15,
        )
        assert created.status_code == 201, created.text
        return account

    return register


@pytest.fixture
def page_as(
    browser: Browser,
    platform: RunningPlatform,
    staff_user: Callable[..., StaffAccount],
    browser_log: BrowserLog,
) -> Iterator[Callable[..., Page]]:
    """``page_as("department", department="D001")``: a page in its own browser context, signed in
    as a new staff user holding those roles (several calls: several people side by side)."""
    contexts: list[BrowserContext] = []

    def open_as(*roles: str, department: str | None = None) -> Page:
        account = staff_user(*roles, department=department)
        fresh = new_context(browser, platform)
        contexts.append(fresh)
        opened = fresh.new_page()
        browser_log.watch(opened)
        sign_in(opened, account)
        return opened

    yield open_as
    for each in contexts:
        each.close()


@pytest.fixture
def bureau_page(page: Page) -> Page:
    """Signed in with the dev bureau credentials ``make run`` prints."""
    sign_in(page, DEV_BUREAU)
    return page


@dataclass(frozen=True)
class ConsoleData:
    provider: str
    requester: str
    resource_id: str
    resource_name: str
    request_id: str
    grant_id: str


@pytest.fixture(scope="session")
def console_data(platform: RunningPlatform) -> ConsoleData:
    """A published resource of one department, another department's share request for it left
    open, and a third's approved into a grant: what 数据目录 and 共享申请 list (once per
    platform)."""
    return seed_console_data(platform)


def seed_console_data(platform: RunningPlatform) -> ConsoleData:
    bureau = platform.headers()
    suffix = uuid.uuid4().hex[:5].upper()
    provider, requester, holder = (f"B{suffix}{role}" for role in "PRH")

    def call(method: str, path: str, headers: dict[str, str], **kw: Any) -> httpx.Response:
        return httpx.request(method, f"{platform.url}{path}", headers=headers, timeout=15, **kw)

    def client_of(code: str, name: str) -> dict[str, str]:
        made = call("POST", "/api/catalog/departments", bureau, json={"code": code, "name": name})
        assert made.status_code == 201, made.text
        body = {"name": f"{name}业务系统", "roles": ["department"], "department": code}
        client = call("POST", "/api/gateway/clients", bureau, json=body)
        assert client.status_code == 201, client.text
        return platform.headers(client.json()["client_id"], client.json()["client_secret"])

    own = client_of(provider, f"区市场监管局{suffix}")
    asking = {requester: client_of(requester, f"区商务委{suffix}")}
    asking[holder] = client_of(holder, f"区税务局{suffix}")
    base = f"/api/catalog/departments/{provider}"
    duty = {"code": "DU1", "name": "市场主体登记", "legal_basis": "《市场主体登记管理条例》第三条"}
    assert call("POST", f"{base}/duties", own, json=duty).status_code == 201
    system = {"code": "SY1", "name": "企业登记系统"}
    assert call("POST", f"{base}/systems", own, json=system).status_code == 201
    name = f"企业登记信息{suffix}"
    resource = call(
        "POST",
        "/api/catalog/resources",
        own,
        json={
            "department": provider,
            "code": "R001",
            "name": name,
            "description": "本区企业登记的基本信息",
            "duty": "DU1",
            "system": "SY1",
            "share_type": "conditional",
            "open_type": "not_open",
            "grade": "general",
            "level": 2,
            "important": False,
            "update_frequency": "daily",
            "fields": [
                {"name": "credit_code", "title": "统一社会信用代码", "type": "string",
                 "format": "uscc", "sensitive": False, "key": True},
                {"name": "name", "title": "企业名称", "type": "string", "sensitive": False},
            ],
        },
    )  # fmt: skip
    assert resource.status_code == 201, resource.text
    rid = str(resource.json()["id"])
    assert call("POST", f"/api/catalog/resources/{rid}/submit", own).status_code == 200
    published = call("POST", f"/api/catalog/resources/{rid}/publish", bureau)
    assert published.status_code == 200, published.text

    requests: dict[str, str] = {}
    for code, headers in asking.items():
        ask = {
            "resource_id": rid,
            "requester": code,
            "legal_basis": "《上海市公共数据和一网通办管理办法》第二十五条",
            "scenario": "企业开办核验",
            "fields": ["credit_code", "name"],
            "method": "api",
            "valid_until": (date.today() + timedelta(days=365)).isoformat(),
            "attestation": True,
        }
        deadline = time.monotonic() + 30
        while True:  # 404 until sharing's read model has the publication (through the broker)
            made = call("POST", "/api/sharing/requests", headers, json=ask)
            if made.status_code == 201 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert made.status_code == 201, made.text
        requests[code] = str(made.json()["id"])
    approved = call("POST", f"/api/sharing/requests/{requests[holder]}/approve", own)
    assert approved.status_code == 200, approved.text
    return ConsoleData(
        provider, requester, rid, name, requests[requester], str(approved.json()["grant_id"])
    )


#: axe-core's impacts that fail a page; "moderate" and "minor" are printed, not failed.
FAILING_IMPACTS = frozenset({"serious", "critical"})


def accessibility_violations(page: Page) -> tuple[list[str], list[str]]:
    """axe-core (bundled by axe-playwright-python) run in the page as it stands: the violations
    that fail (serious, critical) and the rest, one line each with the offending elements."""
    results = Axe().run(page)
    assert results.response["passes"], "axe-core checked nothing on the page"
    failing: list[str] = []
    others: list[str] = []
    for violation in results.response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        line = f"[{violation['impact']}] {violation['id']}: {violation['help']} @ {targets}"
        (failing if violation["impact"] in FAILING_IMPACTS else others).append(line)
    return failing, others
