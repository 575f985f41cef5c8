"""The charts' data, for ``static/charts.js``: each chart is a JSON block on the page
(``<script type="application/json">``, never executed) that the script hands to ECharts. The
same figures are in the page's tables, so nothing is lost without JavaScript."""

from __future__ import annotations

from typing import Any

from gateway.console.oversight.health import PlatformHealth
from gateway.console.oversight.scorecards import Trend
from gateway.console.views.service import department


def chart(
    kind: str,
    title: str,
    categories: list[str],
    series: dict[str, list[Any]],
    *,
    unit: str = "",
    top: float | None = None,
) -> dict[str, Any]:
    """``top``: the value axis runs from 0 to it (scores: 100), else ECharts fits it."""
    spec: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "unit": unit,
        "categories": categories,
        "series": [{"name": name, "data": data} for name, data in series.items()],
    }
    if top is not None:
        spec["max"] = top
    return spec


def health_charts(platform: PlatformHealth) -> dict[str, dict[str, Any]]:
    """p95 latency per service and consumer lag per group and topic; a chart with no figures
    is left out."""
    charts: dict[str, dict[str, Any]] = {}
    latency = {
        service.label: round(service.reading.p95_seconds * 1000, 1)
        for service in platform.services
        if service.reading is not None and service.reading.p95_seconds is not None
    }
    if latency:
        charts["p95"] = chart(
            "bar",
            "各服务 p95 延迟（毫秒，自启动以来）",
            list(latency),
            {"p95": list(latency.values())},
            unit="ms",
        )
    lag = {
        f"{service.label} · {consumer.group} · {consumer.topic}": consumer.lag
        for service in platform.services
        if service.reading is not None
        for consumer in service.reading.consumers
        if consumer.lag is not None
    }
    if lag:
        charts["lag"] = chart("bar", "消费者积压（条）", list(lag), {"积压": list(lag.values())})
    return charts


def trend_chart(trend: Trend, names: dict[str, str]) -> dict[str, Any] | None:
    if not trend.scores:
        return None
    return chart(
        "line",
        "部门考核得分趋势",
        trend.periods,
        {department(names, code): scores for code, scores in trend.scores.items()},
        unit="分",
        top=100,
    )
