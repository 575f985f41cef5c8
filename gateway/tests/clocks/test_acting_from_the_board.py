"""Acting from the board: the object's page, read and acted on through the service's own API as
the staff user (stand-in catalog and sharing services that apply the API's role rules)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from gateway.settings import GatewaySettings
from pdp_kit.auth import Principal, TokenIssuer, TokenVerifier
from pdp_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER

from .test_clocks_page import signed_in

FORBIDDEN = {"type": "about:blank", "title": "无权执行此操作", "status": 403,
             "detail": "只有提供部门可以答复共享申请"}  # fmt: skip


class Services:
    """Sharing and catalog as far as the board's actions go; each call is remembered with the
    principal the gateway's token speaks for."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self.verifier = verifier
        self.url = ""
        self.calls: list[dict[str, Any]] = []
        self.request = {
            "id": "req-1", "status": "submitted", "resource_id": "res-1", "requester": "D002",
            "provider": "D003", "share_type": "conditional", "fields": ["name", "address"],
            "scenario": "低保资格核查", "legal_basis": "《社会救助暂行办法》",
            "reply_due_on": "2026-12-03", "provisional": False, "overdue": True,
            "extension": None,
        }  # fmt: skip
        self.resource = {
            "id": "res-9", "department": "D001", "code": "R009", "name": "婚姻登记信息",
            "version": 2, "status": "in_review", "share_type": "conditional",
            "open_type": "not_open", "grade": "general", "level": 2,
            "review_due_on": "2026-12-09",
        }  # fmt: skip
        self.change = {
            "id": "chg-1", "department": "D001", "kind": "change", "reason": "机构职能调整",
            "status": "open", "due_on": "2026-12-04", "provisional": False, "overdue": False,
            "extension_status": "requested", "extension_reason": "系统改造",
        }  # fmt: skip
        self.app = web.Application()
        routes = self.app.router
        routes.add_get("/api/sharing/requests/req-1", self.get(lambda: self.request))
        routes.add_post("/api/sharing/requests/req-1/approve", self.approve_request)
        routes.add_post("/api/sharing/requests/req-1/reject", self.reject_request)
        routes.add_get("/api/catalog/resources/res-9", self.get(lambda: self.resource))
        routes.add_post("/api/catalog/resources/res-9/publish", self.publish)
        routes.add_post("/api/catalog/resources/res-9/reject", self.reject_resource)
        routes.add_get("/api/catalog/changes/chg-1", self.get(lambda: self.change))
        routes.add_post("/api/catalog/changes/chg-1/extension/approve", self.approve_extension)
        routes.add_post("/api/catalog/changes/chg-1/extension/refuse", self.refuse_extension)

    async def principal(self, request: web.Request) -> Principal:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        principal = await self.verifier.verify(token)
        body = json.loads(await request.read() or b"null")
        self.calls.append({"method": request.method, "path": request.path,
                           "principal": principal, "body": body})  # fmt: skip
        return principal

    def get(self, item: Any) -> Any:
        async def handler(request: web.Request) -> web.Response:
            await self.principal(request)
            return web.json_response(item())

        return handler

    @staticmethod
    def problem(status: int, problem: dict[str, Any]) -> web.Response:
        return web.json_response(problem, status=status, content_type="application/problem+json")

    async def approve_request(self, request: web.Request) -> web.Response:
        principal = await self.principal(request)
        if principal.department != self.request["provider"]:
            return self.problem(403, FORBIDDEN)
        self.request = {**self.request, "status": "approved", "grant_id": "grant-9"}
        return web.json_response({"id": "req-1", "status": "approved", "grant_id": "grant-9"})

    async def reject_request(self, request: web.Request) -> web.Response:
        principal = await self.principal(request)
        if principal.department != self.request["provider"]:
            return self.problem(403, FORBIDDEN)
        if not (self.calls[-1]["body"] or {}).get("reason"):
            return self.problem(422, {"title": "请求参数无效", "status": 422,
                                      "detail": "reason：不能为空"})  # fmt: skip
        self.request = {**self.request, "status": "rejected"}
        return web.json_response(self.request)

    async def publish(self, request: web.Request) -> web.Response:
        principal = await self.principal(request)
        if "bureau" not in principal.roles:
            return self.problem(403, {"title": "无权执行此操作", "status": 403,
                                      "detail": "只有区数据局可以发布数据资源"})  # fmt: skip
        self.resource = {**self.resource, "status": "published"}
        return web.json_response(self.resource)

    async def reject_resource(self, request: web.Request) -> web.Response:
        await self.principal(request)
        reason = (self.calls[-1]["body"] or {}).get("reason")
        self.resource = {**self.resource, "status": "rejected", "rejected_reason": reason}
        return web.json_response(self.resource)

    async def refuse_extension(self, request: web.Request) -> web.Response:
        await self.principal(request)
        self.change = {**self.change, "extension_status": "refused"}
        return web.json_response(self.change)

    async def approve_extension(self, request: web.Request) -> web.Response:
        await self.principal(request)
        self.change = {**self.change, "extension_status": "approved", "due_on": "2026-12-11"}
        return web.json_response(self.change)

    def posts(self) -> list[dict[str, Any]]:
        return [call for call in self.calls if call["method"] == "POST"]


@pytest.fixture
async def services(token_issuer: TokenIssuer) -> AsyncIterator[Services]:
    verifier = TokenVerifier(issuer=TEST_ISSUER, audience=TEST_AUDIENCE, jwks=token_issuer.jwks())
    stand_in = Services(verifier)
    server = TestServer(stand_in.app, host="127.0.0.1")
    await server.start_server()
    stand_in.url = str(server.make_url("")).rstrip("/")
    yield stand_in
    await server.close()


@pytest.fixture
def service_settings(service_settings: GatewaySettings, services: Services) -> GatewaySettings:
    return service_settings.model_copy(
        update={"upstream_catalog": services.url, "upstream_sharing": services.url}
    )


async def csrf_of(page: Any) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


async def test_the_provider_approves_an_overdue_share_request_from_its_page(
    staff: Any, browsers: Any, services: Services
) -> None:
    browser = await signed_in(
        staff, browsers, username="wang.fang", roles=["department"], department="D003"
    )

    page = await browser.http.get("/console/sharing/requests/req-1")
    approved = await browser.http.post(
        "/console/sharing/requests/req-1/approve", data={"csrf_token": await csrf_of(page)}
    )

    assert page.status_code == 200, page.text
    assert "低保资格核查" in page.text and "2026-12-03，已逾期" in page.text
    assert 'id="approve-share-request"' in page.text and 'id="reject-share-request"' in page.text
    assert approved.status_code == 200, approved.text
    assert "已同意该共享申请，共享授权 grant-9 已生效。" in approved.text
    assert "已同意" in approved.text and 'id="approve-share-request"' not in approved.text
    [post] = services.posts()
    assert post["path"] == "/api/sharing/requests/req-1/approve"
    assert post["principal"].client_id == "staff:wang.fang"
    assert post["principal"].department == "D003"


async def test_a_rejection_needs_the_reason_the_service_asks_for(
    staff: Any, browsers: Any, services: Services
) -> None:
    browser = await signed_in(
        staff, browsers, username="wang.fang", roles=["department"], department="D003"
    )
    token = await csrf_of(await browser.http.get("/console/sharing/requests/req-1"))

    blank = await browser.http.post(
        "/console/sharing/requests/req-1/reject", data={"csrf_token": token, "reason": "  "}
    )
    rejected = await browser.http.post(
        "/console/sharing/requests/req-1/reject",
        data={"csrf_token": token, "reason": "申请字段超出履职需要"},
    )

    assert blank.status_code == 422
    assert "共享服务返回错误（422）：reason：不能为空" in blank.text
    assert "已拒绝该共享申请" in rejected.text and "已拒绝" in rejected.text
    assert [post["body"] for post in services.posts()] == [
        {"reason": ""},
        {"reason": "申请字段超出履职需要"},
    ]


async def test_another_department_is_offered_nothing_and_the_service_s_403_shows_as_such(
    staff: Any, browsers: Any, services: Services
) -> None:
    browser = await signed_in(
        staff, browsers, username="zhao.lei", roles=["department"], department="D002"
    )

    page = await browser.http.get("/console/sharing/requests/req-1")
    tried = await browser.http.post(
        "/console/sharing/requests/req-1/approve", data={"csrf_token": await csrf_of(page)}
    )

    assert 'id="approve-share-request"' not in page.text and 'id="no-actions"' in page.text
    assert tried.status_code == 403
    assert "共享服务拒绝了此操作（403 无权限）：只有提供部门可以答复共享申请" in tried.text
    assert services.request["status"] == "submitted"


async def test_an_action_without_the_console_s_csrf_token_never_reaches_the_service(
    staff: Any, browsers: Any, services: Services
) -> None:
    browser = await signed_in(
        staff, browsers, username="wang.fang", roles=["department"], department="D003"
    )

    forged = await browser.http.post("/console/sharing/requests/req-1/approve", data={})

    assert forged.status_code == 403
    assert services.posts() == []


async def test_the_bureau_publishes_a_resource_in_review_and_a_department_may_not(
    staff: Any, browsers: Any, services: Services
) -> None:
    department = await signed_in(
        staff, browsers, username="li.na", roles=["department"], department="D001"
    )
    bureau = await signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])

    seen_by_department = await department.http.get("/console/catalog/resources/res-9")
    refused = await department.http.post(
        "/console/catalog/resources/res-9/publish",
        data={"csrf_token": await csrf_of(seen_by_department)},
    )
    page = await bureau.http.get("/console/catalog/resources/res-9")
    published = await bureau.http.post(
        "/console/catalog/resources/res-9/publish", data={"csrf_token": await csrf_of(page)}
    )

    assert 'id="publish-resource"' not in seen_by_department.text
    assert refused.status_code == 403 and "只有区数据局可以发布数据资源" in refused.text
    assert 'id="publish-resource"' in page.text and 'id="reject-resource"' in page.text
    assert "婚姻登记信息" in page.text and "待审核" in page.text
    assert "已审核通过，第 2 版已发布。" in published.text and "已发布" in published.text


async def test_the_bureau_approves_a_change_obligation_s_extension(
    staff: Any, browsers: Any, services: Services
) -> None:
    bureau = await signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])

    page = await bureau.http.get("/console/catalog/changes/chg-1")
    approved = await bureau.http.post(
        "/console/catalog/changes/chg-1/extension/approve",
        data={"csrf_token": await csrf_of(page)},
    )

    assert "系统改造" in page.text and 'id="refuse-change-extension"' in page.text
    assert "已同意延期，新的到期日为 2026-12-11。" in approved.text
    assert 'id="approve-change-extension"' not in approved.text
    [post] = services.posts()
    assert post["path"] == "/api/catalog/changes/chg-1/extension/approve"
    assert "bureau" in post["principal"].roles


async def test_the_bureau_rejects_a_resource_and_refuses_an_extension_with_its_reasons(
    staff: Any, browsers: Any, services: Services
) -> None:
    bureau = await signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])
    token = await csrf_of(await bureau.http.get("/console/clocks"))

    rejected = await bureau.http.post(
        "/console/catalog/resources/res-9/reject",
        data={"csrf_token": token, "reason": "缺少字段说明"},
    )
    refused = await bureau.http.post(
        "/console/catalog/changes/chg-1/extension/refuse",
        data={"csrf_token": token, "reason": "理由不充分"},
    )

    assert "已退回第 2 版" in rejected.text and "缺少字段说明" in rejected.text
    assert "已不同意延期申请，到期日不变。" in refused.text and "未同意" in refused.text
    assert [(post["path"], post["body"]) for post in services.posts()] == [
        ("/api/catalog/resources/res-9/reject", {"reason": "缺少字段说明"}),
        ("/api/catalog/changes/chg-1/extension/refuse", {"reason": "理由不充分"}),
    ]
