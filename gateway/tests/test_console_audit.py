"""审计查询: the journal and the usage records searched with audit's filters as the staff user,
and the integrity check's result (issue #13)."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.settings import GatewaySettings
from pdp_kit.auth import Role, TokenIssuer, TokenVerifier
from pdp_kit.testing.pages import outside_references

from .oversight_stand_in import Platform, running, signed_in

EVENT = {
    "specversion": "1.0",
    "id": "evt-1",
    "source": "/pdp/catalog",
    "type": "cn.gov.changning.pdp.catalog.resource.published.v1",
    "subject": "res-1",
    "time": "2026-12-01T02:00:00Z",
    "department": "D003",
    "actor": "staff:li.na",
    "receivedat": "2026-12-01T02:00:01Z",
}
USAGE = {
    "id": "call-1",
    "type": "cn.gov.changning.pdp.sharing.data.called.v1",
    "client_id": "edu-system",
    "department": "D002",
    "basis": "grant",
    "basis_id": "grant-7",
    "resource_id": "res-1",
    "provider": "D003",
    "purpose": "学籍核验",
    "fields": ["name"],
    "record_count": 12,
    "result": "refused",
    "reason": "授权已暂停",
    "called_at": "2026-12-02T01:15:00Z",
    "received_at": "2026-12-02T01:15:01Z",
}


@pytest.fixture
async def platform() -> AsyncIterator[Platform]:
    async with running() as stand_in:
        stand_in.audit["events"] = {"items": [EVENT], "next_cursor": "41"}
        stand_in.audit["usage-records"] = {"items": [USAGE], "next_cursor": None}
        yield stand_in


@pytest.fixture
def service_settings(service_settings: GatewaySettings, platform: Platform) -> GatewaySettings:
    return service_settings.model_copy(
        update={
            "upstream_catalog": platform.base("catalog"),
            "upstream_audit": platform.base("audit"),
        }
    )


async def test_the_filters_go_to_audit_and_its_records_come_back_in_chinese(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(staff, browsers, username="su.min", roles=["assessor"])
    filters = {
        "department": "D003",
        "start": "2026-12-01T08:00",
        "end": "2026-12-02T18:30",
        "type": "cn.gov.changning.pdp.catalog.resource.published.v1",
        "subject": "res-1",
        "resource_id": "res-1",
        "provider": "D003",
        "grant_id": "grant-7",
    }

    page = await browser.http.get("/console/audit", params=filters)

    assert page.status_code == 200, page.text
    assert outside_references(page.text, "https://gateway.pdp.test/console/audit") == []
    [events] = platform.calls_to("/audit/api/audit/events")
    [usage] = platform.calls_to("/audit/api/audit/usage-records")
    period = {"from": "2026-12-01T08:00:00+08:00", "to": "2026-12-02T18:30:00+08:00"}
    assert events["query"] == {
        "limit": "50",
        **period,
        "department": "D003",
        "type": "cn.gov.changning.pdp.catalog.resource.published.v1",
        "subject": "res-1",
    }
    assert usage["query"] == {
        "limit": "50",
        **period,
        "department": "D003",
        "resource_id": "res-1",
        "provider": "D003",
        "grant_id": "grant-7",
    }
    assert "2026-12-01 10:00" in page.text  # the event's time, Asia/Shanghai
    assert "区民政局（D003）" in page.text and "staff:li.na" in page.text
    assert "2026-12-02 09:15" in page.text and "学籍核验" in page.text
    assert "拒绝" in page.text and "共享授权 grant-7" in page.text
    assert 'value="2026-12-01T08:00"' in page.text  # the form keeps what was asked
    assert "events_cursor=41" in page.text and "事件日志下一页" in page.text
    assert platform.calls_to("/audit/api/audit/integrity") == []  # only when asked for


async def test_the_next_page_keeps_the_filters_and_asks_audit_for_that_page(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(staff, browsers, username="su.min", roles=["assessor"])

    await browser.http.get("/console/audit", params={"department": "D003", "events_cursor": "41"})

    [events] = platform.calls_to("/audit/api/audit/events")
    [usage] = platform.calls_to("/audit/api/audit/usage-records")
    assert events["query"] == {"limit": "50", "department": "D003", "cursor": "41"}
    assert usage["query"] == {"limit": "50", "department": "D003"}


async def test_a_passing_integrity_check_shows_as_passed(
    staff: Any,
    browsers: Any,
    platform: Platform,
    service_settings: GatewaySettings,
    token_issuer: TokenIssuer,
) -> None:
    platform.audit["integrity"] = {"ok": True, "checked": 1280}
    browser = await signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])

    page = await browser.http.get("/console/audit", params={"check": "1"})

    assert "<strong>通过</strong>：已核验 1280 条记录" in page.text
    assert "失败" not in page.text
    [call] = platform.calls_to("/audit/api/audit/integrity")
    verifier = TokenVerifier(
        issuer=service_settings.token_issuer,
        audience=service_settings.token_audience,
        jwks=token_issuer.jwks(),
    )
    principal = await verifier.verify(call["token"])
    assert principal.client_id == "staff:zhang.wei" and principal.roles == {Role.BUREAU}


async def test_a_failed_integrity_check_says_which_chain_and_where(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    platform.audit["integrity"] = {
        "ok": False,
        "checked": 312,
        "first_bad": {"kind": "usage", "position": 7},
    }
    browser = await signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])

    page = await browser.http.get("/console/audit", params={"check": "1", "department": "D003"})

    assert "<strong>失败</strong>：数据使用记录链第 7 条记录校验不一致" in page.text
    assert "通过" not in page.text
    [events] = platform.calls_to("/audit/api/audit/events")
    assert events["query"]["department"] == "D003"  # the search still runs alongside


async def test_audits_refusal_shows_as_a_chinese_message_and_the_rest_still_shows(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    refused = (403, {"title": "无权执行此操作", "detail": "需要以下角色之一：assessor, bureau"})
    platform.audit["events"] = refused
    platform.audit["integrity"] = refused
    browser = await signed_in(
        staff, browsers, username="chen.jing", roles=["department"], department="D002"
    )

    page = await browser.http.get("/console/audit", params={"check": "1"})

    assert page.status_code == 200
    assert page.text.count("您的角色无权查看此项记录。审计服务返回错误（403）") == 2
    assert "学籍核验" in page.text  # the usage records audit does show a department


async def test_a_time_that_is_not_a_time_is_refused_before_asking_audit(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(staff, browsers, username="su.min", roles=["assessor"])

    page = await browser.http.get("/console/audit", params={"start": "last tuesday"})

    assert page.status_code == 400
    assert "时间格式应为 YYYY-MM-DDTHH:MM" in page.text
    assert platform.calls == []
