"""数据目录 and 共享申请: console pages that read the services' public APIs as the signed-in staff
user, with a token the gateway signs for that user's principal (issue #13)."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from gateway.settings import GatewaySettings
from pdp_kit.auth import Principal, Role, TokenIssuer, TokenVerifier
from pdp_kit.testing.pages import outside_references

RESOURCE = {
    "id": "res-1",
    "department": "D003",
    "code": "R001",
    "name": "低保对象名单",
    "status": "published",
    "share_type": "conditional",
    "open_type": "not_open",
    "grade": "general",
    "level": 2,
    "chain": {"status": "chained", "tx_id": "0xabc"},
}
SECOND_PAGE_RESOURCE = {**RESOURCE, "id": "res-2", "code": "R002", "name": "养老机构名录"}
REQUESTS = [
    {
        "id": "req-late",
        "status": "submitted",
        "resource_id": "res-1",
        "requester": "D002",
        "provider": "D003",
        "reply_due_on": "2026-11-20",
        "provisional": False,
        "overdue": True,
    },
    {
        "id": "req-fresh",
        "status": "materials_requested",
        "resource_id": "res-1",
        "requester": "D002",
        "provider": "D003",
        "reply_due_on": "2026-12-10",
        "provisional": True,
        "overdue": False,
    },
]
DEPARTMENTS = [{"code": "D002", "name": "区教育局"}, {"code": "D003", "name": "区民政局"}]
GRANTS = [
    {
        "id": "grant-called",
        "resource_id": "res-1",
        "holder": "D002",
        "provider": "D003",
        "status": "active",
        "valid_until": "2027-06-30",
        "last_called_at": "2026-11-27T02:30:00+00:00",
    },
    {
        "id": "grant-idle",
        "resource_id": "res-1",
        "holder": "D002",
        "provider": "D003",
        "status": "suspended",
        "suspension_reason": "连续三个月未调用",
        "valid_until": "2027-06-30",
        "last_called_at": None,
    },
]


class Services:
    """Stand-in catalog and sharing services: serve their list endpoints, remember each call
    (path, query, bearer token) and answer a problem where a test says so."""

    def __init__(self) -> None:
        self.url = ""
        self.server: TestServer | None = None
        self.calls: list[dict[str, Any]] = []
        self.failures: dict[str, tuple[int, dict[str, Any]]] = {}
        self.app = web.Application()
        self.app.router.add_get("/api/catalog/resources", self.resources)
        self.app.router.add_get("/api/catalog/departments", self.listing(DEPARTMENTS))
        self.app.router.add_get("/api/sharing/requests", self.listing(REQUESTS))
        self.app.router.add_get("/api/sharing/grants", self.listing(GRANTS))

    def answer(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        self.calls.append(
            {
                "path": request.path,
                "query": dict(request.query),
                "token": request.headers.get("Authorization", "").removeprefix("Bearer "),
            }
        )
        if request.path in self.failures:
            status, problem = self.failures[request.path]
            return web.json_response(
                problem, status=status, content_type="application/problem+json"
            )
        return web.json_response(body)

    async def resources(self, request: web.Request) -> web.Response:
        if request.query.get("cursor") == "page-2":
            return self.answer(request, {"items": [SECOND_PAGE_RESOURCE], "next_cursor": None})
        return self.answer(request, {"items": [RESOURCE], "next_cursor": "page-2"})

    def listing(self, items: list[dict[str, Any]]) -> Any:
        async def handler(request: web.Request) -> web.Response:
            return self.answer(request, {"items": items, "next_cursor": None})

        return handler

    def calls_to(self, path: str) -> list[dict[str, Any]]:
        return [call for call in self.calls if call["path"] == path]


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    stand_in = Services()
    stand_in.server = TestServer(stand_in.app, host="127.0.0.1")
    await stand_in.server.start_server()
    stand_in.url = str(stand_in.server.make_url("")).rstrip("/")
    yield stand_in
    await stand_in.server.close()


@pytest.fixture
def service_settings(service_settings: GatewaySettings, services: Services) -> GatewaySettings:
    return service_settings.model_copy(
        update={"upstream_catalog": services.url, "upstream_sharing": services.url}
    )


async def _principal(token: str, settings: GatewaySettings, issuer: TokenIssuer) -> Principal:
    """What a service makes of the token: verified against the gateway's published key."""
    verifier = TokenVerifier(
        issuer=settings.token_issuer, audience=settings.token_audience, jwks=issuer.jwks()
    )
    return await verifier.verify(token)


async def _signed_in(staff: Any, browsers: Any, **fields: Any) -> Any:
    user = await staff(**fields)
    browser = browsers()
    response = await browser.sign_in(user["username"], user["password"])
    assert response.status_code == 303, response.text
    return browser


async def test_a_bureau_officer_sees_the_catalogue_as_catalog_lists_it_for_them(
    staff: Any,
    browsers: Any,
    services: Services,
    service_settings: GatewaySettings,
    token_issuer: TokenIssuer,
) -> None:
    browser = await _signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])

    home = await browser.http.get("/console")
    page = await browser.http.get("/console/catalog")

    assert 'href="/console/catalog">数据目录' in home.text
    assert 'href="/console/sharing">共享申请' in home.text
    assert page.status_code == 200, page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert outside_references(page.text, "https://gateway.pdp.test/console/catalog") == []
    for shown in (
        "低保对象名单",
        "区民政局（D003）",
        "有条件共享",
        "不予开放",
        "一般数据（2级）",
        "已上链",
    ):
        assert shown in page.text
    [call] = services.calls_to("/api/catalog/resources")
    principal = await _principal(call["token"], service_settings, token_issuer)
    assert principal == Principal(
        client_id="staff:zhang.wei", roles=frozenset({Role.BUREAU}), department=None
    )


async def test_the_search_box_asks_catalog_and_the_next_page_keeps_the_search(
    staff: Any, browsers: Any, services: Services
) -> None:
    browser = await _signed_in(staff, browsers, username="li.na", roles=["bureau"])

    first = await browser.http.get("/console/catalog", params={"q": "低保"})
    second = await browser.http.get("/console/catalog", params={"q": "低保", "cursor": "page-2"})

    assert 'value="低保"' in first.text
    assert "/console/catalog?q=%E4%BD%8E%E4%BF%9D&amp;cursor=page-2" in first.text
    assert "养老机构名录" in second.text and "低保对象名单" not in second.text
    assert "下一页" not in second.text and "第一页" in second.text
    queries = [call["query"] for call in services.calls_to("/api/catalog/resources")]
    assert queries == [
        {"limit": "50", "q": "低保"},
        {"limit": "50", "q": "低保", "cursor": "page-2"},
    ]


async def test_a_department_officer_reads_sharing_with_a_token_for_its_own_department(
    staff: Any,
    browsers: Any,
    services: Services,
    service_settings: GatewaySettings,
    token_issuer: TokenIssuer,
) -> None:
    browser = await _signed_in(
        staff, browsers, username="chen.jing", roles=["department"], department="D002"
    )

    page = await browser.http.get("/console/sharing")

    assert page.status_code == 200, page.text
    assert outside_references(page.text, "https://gateway.pdp.test/console/sharing") == []
    late = page.text.index("req-late")
    assert page.text.rfind('<tr class="overdue">', 0, late) > page.text.rfind("<tr>", 0, late)
    assert page.text.count("已逾期") == 1
    assert "区教育局（D002）" in page.text and "区民政局（D003）" in page.text
    assert "待答复" in page.text and "待补正材料" in page.text and "2026-11-20" in page.text
    assert (
        "<td>有效</td>" in page.text and "已暂停" in page.text and "连续三个月未调用" in page.text
    )
    assert "2026-11-27 10:30" in page.text and "尚未调用" in page.text  # Asia/Shanghai
    calls = services.calls_to("/api/sharing/requests") + services.calls_to("/api/sharing/grants")
    assert len(calls) == 2
    for call in calls:
        principal = await _principal(call["token"], service_settings, token_issuer)
        assert principal.client_id == "staff:chen.jing"
        assert principal.roles == {Role.DEPARTMENT}
        assert principal.department == "D002"


async def test_signed_out_the_pages_send_the_browser_to_sign_in_and_read_nothing(
    browsers: Any, services: Services
) -> None:
    browser = browsers()

    for path in ("/console/catalog", "/console/sharing"):
        response = await browser.http.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/console/login"
    assert services.calls == []


async def test_a_service_that_refuses_shows_its_reason_on_the_page_not_a_500(
    staff: Any, browsers: Any, services: Services
) -> None:
    services.failures["/api/catalog/resources"] = (
        503,
        {"title": "数据库暂时不可用", "status": 503},
    )
    services.failures["/api/sharing/grants"] = (403, {"title": "禁止访问", "status": 403})
    services.failures["/api/catalog/departments"] = (500, {"title": "内部错误", "status": 500})
    browser = await _signed_in(staff, browsers, username="wang.fang", roles=["ops"])

    catalogue = await browser.http.get("/console/catalog")
    sharing = await browser.http.get("/console/sharing")

    assert catalogue.status_code == 200
    assert "数据目录服务返回错误（503）：数据库暂时不可用" in catalogue.text
    assert sharing.status_code == 200
    assert "共享服务返回错误（403）：禁止访问" in sharing.text
    assert "req-late" in sharing.text  # the requests still show
    assert "D002" in sharing.text and "区教育局" not in sharing.text  # codes without names


async def test_an_unreachable_service_is_named_on_the_page(
    staff: Any, browsers: Any, services: Services
) -> None:
    browser = await _signed_in(staff, browsers, username="zhao.lei", roles=["bureau"])
    assert services.server is not None
    await services.server.close()

    page = await browser.http.get("/console/catalog")

    assert page.status_code == 200
    assert "数据目录服务暂时无法访问" in page.text
    assert "低保对象名单" not in page.text
