"""部门考核: audit's scorecards for a period and the trend over the periods before it, as a table
and a chart (issue #13)."""

import json
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gateway.settings import GatewaySettings

from .oversight_stand_in import Platform, running, signed_in

MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]


def measure(score: int | None) -> dict[str, Any]:
    return {"score": score, "figures": {}}


def scorecards(query: dict[str, str]) -> dict[str, Any]:
    """D003 scores 50 + 5 per month since July; D002 appears only from October."""
    period = query["period"]
    month = int(period[5:])
    items = [
        {
            "department": "D003",
            "score": 50 + 5 * (month - 7),
            "measures": {"catalogue": measure(100), "share_replies": measure(month * 5)},
        }
    ]
    if month >= 10:
        items.append(
            {"department": "D002", "score": month, "measures": {"open_list": measure(None)}}
        )
    return {"period": period, "start": "x", "end": "y", "items": items}


@pytest.fixture
async def platform() -> AsyncIterator[Platform]:
    async with running() as stand_in:
        stand_in.audit["scorecards"] = scorecards
        yield stand_in


@pytest.fixture
def service_settings(service_settings: GatewaySettings, platform: Platform) -> GatewaySettings:
    return service_settings.model_copy(
        update={
            "upstream_catalog": platform.base("catalog"),
            "upstream_audit": platform.base("audit"),
        }
    )


def trend_chart(page: str) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="chart-trend">(.*?)</script>', page, re.S
    )
    assert found
    data: dict[str, Any] = json.loads(found.group(1))
    return data


async def test_the_trend_has_the_scores_audit_gave_for_each_of_the_last_six_months(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(staff, browsers, username="su.min", roles=["assessor"])

    page = await browser.http.get("/console/scorecards", params={"period": "2026-12"})

    assert page.status_code == 200, page.text
    asked = sorted(
        call["query"]["period"] for call in platform.calls_to("/audit/api/audit/scorecards")
    )
    assert asked == MONTHS
    chart = trend_chart(page.text)
    assert chart["categories"] == MONTHS
    assert chart["max"] == 100  # scores run 0-100
    assert {s["name"]: s["data"] for s in chart["series"]} == {
        "区民政局（D003）": [50, 55, 60, 65, 70, 75],
        "区教育局（D002）": [None, None, None, 10, 11, 12],
    }
    trend_rows = page.text[page.text.index('<table class="trend">') :]
    assert re.search(
        r"区民政局（D003）</th>\s*<td>50</td><td>55</td>.*?<td>75</td>", trend_rows, re.S
    )
    assert re.search(
        r"区教育局（D002）</th>\s*<td>—</td><td>—</td><td>—</td><td>10</td>", trend_rows
    )
    # the chosen month's cards: overall score, then each measure (— where no obligation)
    this_month = page.text[: page.text.index('<table class="trend">')]
    assert re.search(
        r"区民政局（D003）</th>\s*<td><strong>75</strong></td>\s*<td>100</td>", this_month
    )
    assert "<td>60</td>" in this_month  # share replies in December: 12 * 5


async def test_a_year_shows_the_three_years_up_to_it(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    platform.audit["scorecards"] = lambda query: {"period": query["period"], "items": []}
    browser = await signed_in(staff, browsers, username="su.min", roles=["assessor"])

    page = await browser.http.get("/console/scorecards", params={"period": "2026"})

    asked = sorted(
        call["query"]["period"] for call in platform.calls_to("/audit/api/audit/scorecards")
    )
    assert asked == ["2024", "2025", "2026"]
    assert "本考核期暂无考核数据" in page.text and "暂无趋势数据" in page.text


async def test_a_period_that_is_not_a_period_is_refused_before_asking_audit(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(staff, browsers, username="su.min", roles=["assessor"])

    page = await browser.http.get("/console/scorecards", params={"period": "2026-13"})

    assert page.status_code == 422
    assert "考核期应为 YYYY 或 YYYY-MM" in page.text
    assert platform.calls == []


async def test_audits_refusal_shows_once_in_chinese(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    platform.audit["scorecards"] = (403, {"title": "无权执行此操作", "status": 403})
    browser = await signed_in(staff, browsers, username="wang.fang", roles=["ops"])

    page = await browser.http.get("/console/scorecards", params={"period": "2026-12"})

    assert page.status_code == 200
    assert page.text.count("您的角色无权查看此项记录。审计服务返回错误（403）：无权执行此操作") == 1


async def test_without_a_period_the_page_shows_this_month_in_shanghai(
    staff: Any, browsers: Any, platform: Platform
) -> None:
    browser = await signed_in(staff, browsers, username="su.min", roles=["assessor"])

    page = await browser.http.get("/console/scorecards")
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    assert f'value="{month}"' in page.text
    assert (
        max(c["query"]["period"] for c in platform.calls_to("/audit/api/audit/scorecards")) == month
    )
