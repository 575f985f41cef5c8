"""平台运行状况: each service's ``/readyz`` and ``/metrics``, scraped at once from the gateway with
a short timeout. A service that does not answer is 不可用 and the page still shows the rest.

Ops and the bureau only: the figures name every service's internals (consumer groups, topics,
backlogs) that a department has no business reading (Art. 32).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from fastapi import FastAPI
from prometheus_client import REGISTRY, generate_latest
from sqlalchemy import text

from gateway.console.auth import Staff
from gateway.console.oversight.readings import Reading, UnreadableMetrics, read_metrics
from gateway.proxy.forward import Proxy
from gateway.settings import GatewaySettings
from pdp_kit.auth import Role, require_role
from pdp_kit.events.kafka import probe_broker

log = logging.getLogger(__name__)

HEALTH_READERS = (Role.OPS, Role.BUREAU)
SERVICE_LABELS = {
    "catalog": "数据目录服务",
    "sharing": "共享服务",
    "opening": "开放服务",
    "registry": "授权运营登记服务",
    "audit": "审计服务",
    "gateway": "网关",
}


@dataclass
class ServiceHealth:
    name: str
    label: str
    #: ``ready``, ``degraded``, ``unavailable`` (answered, not ready) or ``unreachable``.
    status: str
    checks: dict[str, str] = field(default_factory=dict)
    reading: Reading | None = None
    metrics_error: str | None = None

    @property
    def up(self) -> bool:
        return self.status in ("ready", "degraded")


@dataclass
class PlatformHealth:
    services: list[ServiceHealth]

    @property
    def broker(self) -> str:
        """``up``, ``down``, ``partial`` (some see it, some do not) or ``unknown``, from what
        each process that answered found when it probed the broker."""
        seen = {s.checks.get("broker") for s in self.services if s.checks.get("broker")}
        if not seen:
            return "unknown"
        if seen == {"ok"}:
            return "up"
        return "partial" if "ok" in seen else "down"


async def platform_health(app: FastAPI, *, staff: Staff) -> PlatformHealth:
    require_role(staff.principal, *HEALTH_READERS)
    settings: GatewaySettings = app.state.settings
    proxy: Proxy = app.state.proxy
    timeout = aiohttp.ClientTimeout(total=settings.console_scrape_timeout_seconds)
    names = list(proxy.upstreams)
    services = await asyncio.gather(
        *(_scrape(proxy, name, proxy.upstreams[name], timeout) for name in names),
        _gateway_itself(app, settings),
    )
    return PlatformHealth(services=list(services))


async def _scrape(
    proxy: Proxy, name: str, base: str, timeout: aiohttp.ClientTimeout
) -> ServiceHealth:
    health = ServiceHealth(name=name, label=SERVICE_LABELS.get(name, name), status="unreachable")
    ready, metrics = await asyncio.gather(
        _get(proxy, f"{base}/readyz", timeout), _get(proxy, f"{base}/metrics", timeout)
    )
    if ready is not None:
        status, body = ready
        checks = _checks(body)
        health.checks = checks
        health.status = _status(status, body)
    if metrics is None or metrics[0] != 200:
        health.metrics_error = "无法读取指标"
    else:
        try:
            health.reading = read_metrics(metrics[1].decode("utf-8", "replace"))
        except UnreadableMetrics:
            log.warning("console: %s/metrics is not Prometheus text", name)
            health.metrics_error = "指标格式无法识别"
    return health


async def _get(proxy: Proxy, url: str, timeout: aiohttp.ClientTimeout) -> tuple[int, bytes] | None:
    try:
        async with proxy.session.get(url, timeout=timeout) as response:
            return response.status, await response.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("console: %s unreachable: %s", url, exc)
        return None


def _checks(body: bytes) -> dict[str, str]:
    try:
        data: Any = json.loads(body)
    except ValueError:
        return {}
    checks = data.get("checks") if isinstance(data, dict) else None
    if not isinstance(checks, dict):
        return {}
    return {str(key): str(value) for key, value in checks.items()}


def _status(code: int, body: bytes) -> str:
    try:
        data: Any = json.loads(body)
    except ValueError:
        data = None
    said = data.get("status") if isinstance(data, dict) else None
    if code == 200:
        return "degraded" if said == "degraded" else "ready"
    return "unavailable"


async def _gateway_itself(app: FastAPI, settings: GatewaySettings) -> ServiceHealth:
    """The gateway answers this page, so it is up; its database and broker are probed here and
    its metrics read from its own registry (no HTTP call to itself)."""
    timeout = settings.console_scrape_timeout_seconds
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(timeout), app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the database is not there
        checks["database"] = f"down: {type(exc).__name__}"
    broker_ok = await probe_broker(settings.kafka_bootstrap, timeout=min(timeout, 1.0))
    checks["broker"] = "ok" if broker_ok else "down"
    ok = all(value == "ok" for value in checks.values())
    return ServiceHealth(
        name="gateway",
        label=SERVICE_LABELS["gateway"],
        status="ready" if ok else "degraded",
        checks=checks,
        reading=read_metrics(generate_latest(REGISTRY).decode()),
    )


STATUS_LABELS = {
    "ready": "正常",
    "degraded": "降级",
    "unavailable": "不可用（未就绪）",
    "unreachable": "不可用（无响应）",
}
BROKER_LABELS = {"up": "正常", "down": "不可用", "partial": "部分服务无法连接", "unknown": "无数据"}
NO_DATA = "无数据"


def check_label(value: str | None) -> str:
    if value is None:
        return "—"
    if value == "ok":
        return "正常"
    if value == "waiting for broker":
        return "等待消息队列"
    return "不可用"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return NO_DATA
    if seconds < 1:
        return f"{seconds * 1000:.0f} 毫秒"
    if seconds < 120:
        return f"{seconds:.1f} 秒"
    if seconds < 7200:
        return f"{seconds / 60:.0f} 分钟"
    return f"{seconds / 3600:.1f} 小时"


def count(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.0f}"


def service_row(service: ServiceHealth) -> dict[str, Any]:
    """One service as the page shows it: every figure in words, a missing one as 无数据."""
    reading = service.reading or Reading()
    rate = reading.error_rate
    return {
        "label": service.label,
        "status": STATUS_LABELS.get(service.status, service.status),
        "up": service.up,
        "tone": {"ready": "ok", "degraded": "warn"}.get(service.status, "error"),
        "database": check_label(service.checks.get("database")),
        "broker": check_label(service.checks.get("broker")),
        "outbox_backlog": count(reading.outbox_backlog),
        "outbox_age": duration(reading.outbox_oldest_age_seconds),
        "dead_letters": count(reading.dead_letters),
        "requests": count(reading.requests),
        "error_rate": NO_DATA if rate is None else f"{rate * 100:.1f}%",
        "p95": duration(reading.p95_seconds),
        "metrics_error": service.metrics_error,
    }


def consumer_rows(platform: PlatformHealth) -> list[dict[str, str]]:
    return [
        {
            "service": service.label,
            "group": consumer.group or "—",
            "topic": consumer.topic or "—",
            "lag": count(consumer.lag),
            "dead_letters": count(consumer.dead_letters),
        }
        for service in platform.services
        if service.reading is not None
        for consumer in service.reading.consumers
    ]
