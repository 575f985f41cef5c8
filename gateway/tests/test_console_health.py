"""平台运行状况: each service's readiness and metrics, scraped by the gateway at once with a short
timeout, shown in Chinese to ops and the bureau (issue #13)."""

import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.settings import GatewaySettings
from pdp_kit.testing.pages import outside_references

from .conftest import NOWHERE
from .oversight_stand_in import HANG, Platform, running, signed_in


def histogram(method: str, route: str, status: int, buckets: dict[str, int]) -> str:
    """The request histogram's lines for one label set, as prometheus_client writes them."""
    labels = (
        f'http_request_method="{method}",http_route="{route}",http_response_status_code="{status}"'
    )
    name = "http_server_request_duration_seconds"
    lines = [f'{name}_bucket{{{labels},le="{le}"}} {n}.0' for le, n in buckets.items()]
    lines += [f"{name}_count{{{labels}}} {buckets['+Inf']}.0", f"{name}_sum{{{labels}}} 1.0"]
    return "\n".join(lines) + "\n"


HISTOGRAM = "# TYPE http_server_request_duration_seconds histogram\n"
# 100 requests: 80 within 100 ms, the other 20 (10 of them 500s) within 250 ms.
CATALOG_METRICS = (
    HISTOGRAM
    + histogram("GET", "/api/catalog/resources", 200, {"0.1": 80, "0.25": 90, "+Inf": 90})
    + histogram("POST", "/api/catalog/resources", 500, {"0.1": 0, "0.25": 10, "+Inf": 10})
    + """\
# TYPE pdp_outbox_backlog gauge
pdp_outbox_backlog 7.0
# TYPE pdp_outbox_oldest_age_seconds gauge
pdp_outbox_oldest_age_seconds 95.0
# TYPE pdp_consumer_lag gauge
pdp_consumer_lag{group="catalog",topic="pdp.sharing"} 42.0
pdp_consumer_lag{group="catalog-chain",topic="pdp.catalog"} 0.0
# TYPE pdp_consumer_dead_letters_total counter
pdp_consumer_dead_letters_total{group="catalog",topic="pdp.sharing"} 3.0
"""
)
SHARING_METRICS = HISTOGRAM + histogram("GET", "/api/sharing/requests", 200, {"0.05": 4, "+Inf": 4})
DEGRADED = {"status": "degraded", "checks": {"database": "ok", "broker": "down"}}
NOT_READY = {"status": "unavailable", "checks": {"database": "down: OperationalError"}}


@pytest.fixture
async def platform() -> AsyncIterator[Platform]:
    async with running() as stand_in:
        stand_in.metrics.update(catalog=CATALOG_METRICS, sharing=SHARING_METRICS, registry=HANG)
        stand_in.ready.update(sharing=(200, DEGRADED), audit=(503, NOT_READY), registry=HANG)
        yield stand_in


@pytest.fixture
def service_settings(service_settings: GatewaySettings, platform: Platform) -> GatewaySettings:
    """Catalog, sharing, audit answer; registry hangs; opening is not there at all."""
    return service_settings.model_copy(
        update={
            "upstream_catalog": platform.base("catalog"),
            "upstream_sharing": platform.base("sharing"),
            "upstream_registry": platform.base("registry"),
            "upstream_audit": platform.base("audit"),
            "upstream_opening": NOWHERE,
            "console_scrape_timeout_seconds": 1.0,
        }
    )


def rows(page: str) -> dict[str, str]:
    """Each table row of the page by its first cell, as its text without tags."""
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        if cells:
            found.setdefault(cells[0], " | ".join(cells))
    return found


def chart(page: str, name: str) -> dict[str, Any]:
    found = re.search(
        rf'<script type="application/json" id="chart-{name}">(.*?)</script>', page, re.S
    )
    assert found, f"no chart {name}"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


async def test_ops_sees_each_service_up_or_down_and_a_dead_one_does_not_stop_the_page(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(staff, browsers, username="deng.bo", roles=["ops"])

    home = await browser.http.get("/console")
    started = time.monotonic()
    page = await browser.http.get("/console/health")
    took = time.monotonic() - started

    assert 'href="/console/health">平台运行状况' in home.text
    assert page.status_code == 200, page.text
    # The scrapes run at once: the hung registry's /metrics was asked while its /readyz hung
    # (one after the other, they would be a whole timeout apart); each is cut at the timeout.
    [readyz] = platform.calls_to("/registry/readyz")
    [metrics] = platform.calls_to("/registry/metrics")
    assert abs(readyz["at"] - metrics["at"]) < 1.0
    assert took < 10, "a hung service held the page"
    shown = rows(page.text)
    assert shown["数据目录服务"].startswith("数据目录服务 | 正常 | 正常 | 正常")
    assert shown["共享服务"].startswith("共享服务 | 降级 | 正常 | 不可用")
    assert shown["开放服务"].startswith("开放服务 | 不可用（无响应）")
    assert shown["授权运营登记服务"].startswith("授权运营登记服务 | 不可用（无响应）")
    assert shown["审计服务"].startswith("审计服务 | 不可用（未就绪） | 不可用")
    # the gateway reads its own registry: the sign-in above is among its requests
    assert re.search(
        r"^网关 \| (正常|降级) \| 正常 \| .* \| \d+ \| \d+\.\d% \| [\d.]+ (毫秒|秒)$", shown["网关"]
    )
    assert "消息队列（Kafka）" in page.text
    assert "自启动以来" in page.text


async def test_the_metrics_become_the_figures_on_the_page(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(staff, browsers, username="zhang.wei", roles=["bureau"])

    page = await browser.http.get("/console/health")

    shown = rows(page.text)
    # backlog, oldest unsent event, dead letters, requests, 5xx share, p95 (histogram_quantile)
    assert shown["数据目录服务"].endswith("7 | 95.0 秒 | 3 | 100 | 10.0% | 213 毫秒")
    # sharing exports no outbox or consumer metric yet: 无数据, not an error
    assert shown["共享服务"].endswith("无数据 | 无数据 | 无数据 | 4 | 0.0% | 48 毫秒")
    lag = [row for row in re.findall(r"<tr>(.*?)</tr>", page.text, re.S) if "pdp.sharing" in row]
    assert len(lag) == 1 and "<td>42</td>" in lag[0] and "<td>3</td>" in lag[0]
    p95 = chart(page.text, "p95")
    assert (
        dict(zip(p95["categories"], p95["series"][0]["data"], strict=True))["数据目录服务"] == 212.5
    )
    lags = chart(page.text, "lag")
    by_service = dict(zip(lags["categories"], lags["series"][0]["data"], strict=True))
    # the gateway's own row reads this process's registry, which other tests share: leave it out
    assert {k: v for k, v in by_service.items() if not k.startswith("网关")} == {
        "数据目录服务 · catalog · pdp.sharing": 42.0,
        "数据目录服务 · catalog-chain · pdp.catalog": 0.0,
    }


async def test_a_department_user_cannot_open_the_health_page_nor_see_its_link(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(
        staff, browsers, username="chen.jing", roles=["department"], department="D002"
    )

    home = await browser.http.get("/console")
    page = await browser.http.get("/console/health")

    assert page.status_code == 403
    assert "平台运行状况仅向平台运维和区数据局开放" in page.text
    assert "/console/health" not in home.text
    assert platform.calls == []  # nothing was scraped for them


async def test_the_charts_library_is_served_from_the_console_with_the_csp_intact(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(staff, browsers, username="wang.fang", roles=["ops"])

    page = await browser.http.get("/console/health")
    library = await browser.http.get("/console/static/echarts.min.js")
    ours = await browser.http.get("/console/static/charts.js")

    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "script-src" not in policy  # scripts fall back to default-src 'self'
    assert outside_references(page.text, "https://gateway.pdp.test/console/health") == []
    assert '<script src="/console/static/echarts.min.js" defer></script>' in page.text
    assert '<script src="/console/static/charts.js" defer></script>' in page.text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    inline = [attrs for attrs, body in scripts if body.strip() and "application/json" not in attrs]
    assert inline == []  # no script runs from the page itself
    assert library.status_code == 200
    assert "javascript" in library.headers["content-type"]
    assert "Apache Software Foundation" in library.text[:1000]
    assert "echarts" in library.text and len(library.content) > 500_000
    assert ours.status_code == 200 and "data-chart" in ours.text
    assert (await browser.http.get("/console/static/echarts.LICENSE")).status_code == 200
