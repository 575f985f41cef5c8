"""Reading (and acting through) a service's public API as the signed-in staff user.

The gateway signs a short-lived token for the staff user's principal (``staff:<username>``, the
user's roles and department) with its own token issuer and calls the service's upstream URL
straight, over the proxy's connection pool. The service applies its own rules to that principal,
so a console page never shows more than the staff user could read through the API (Art. 32).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
from fastapi import Request

from gateway.console.auth import Staff
from gateway.proxy.forward import Proxy
from gateway.settings import GatewaySettings
from pdp_kit.auth import TokenIssuer

log = logging.getLogger(__name__)

#: Long enough for one page view, short enough that a leaked token is soon useless.
TOKEN_SECONDS = 60
SERVICE_NAMES = {
    "catalog": "数据目录服务",
    "sharing": "共享服务",
    "opening": "开放服务",
    "registry": "授权运营登记服务",
    "audit": "审计服务",
}


class UpstreamFailed(Exception):
    """The service could not be read; ``message`` says why, in Chinese, for the page."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # the service's answer, when it gave one


def staff_token(issuer: TokenIssuer, staff: Staff) -> str:
    """A bearer token that speaks for the staff user, and for nobody else."""
    principal = staff.principal
    return issuer.issue(
        client_id=principal.client_id,
        roles=sorted(str(role) for role in principal.roles),
        department=principal.department,
        lifetime_seconds=TOKEN_SECONDS,
    ).access_token


async def read_as_staff(
    request: Request, staff: Staff, service: str, path: str, params: dict[str, str]
) -> dict[str, Any]:
    """``GET`` ``path`` of ``service`` as ``staff``: the JSON body of a 200, otherwise
    :class:`UpstreamFailed` with the service's own reason when it gave one."""
    return await _call_as_staff(request, staff, service, "GET", path, params=params)


async def write_as_staff(
    request: Request, staff: Staff, service: str, path: str, body: dict[str, Any]
) -> dict[str, Any]:
    """``POST`` ``body`` to ``path`` of ``service`` as ``staff`` (an officer's action from the
    console; the caller checked the console's CSRF token): the JSON body of a 2xx, otherwise
    :class:`UpstreamFailed` with the service's status and its own reason."""
    return await _call_as_staff(request, staff, service, "POST", path, json_body=body)


async def _call_as_staff(
    request: Request,
    staff: Staff,
    service: str,
    method: str,
    path: str,
    *,
    params: dict[str, str] | None = None,
    json_body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    state = request.app.state
    settings: GatewaySettings = state.settings
    proxy: Proxy = state.proxy
    name = SERVICE_NAMES.get(service, service)
    headers = {
        "Authorization": f"Bearer {staff_token(state.token_issuer, staff)}",
        "Accept": "application/json",
    }
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        headers["X-Request-ID"] = str(request_id)
    timeout = aiohttp.ClientTimeout(total=settings.console_upstream_timeout_seconds)
    try:
        async with proxy.session.request(
            method,
            f"{proxy.upstreams[service]}{path}",
            params=params,
            json=json_body,
            headers=headers,
            timeout=timeout,
        ) as response:
            status, body = response.status, await response.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("console: %s %s%s unreachable: %s", method, service, path, exc)
        raise UpstreamFailed(f"{name}暂时无法访问，请稍后再试。") from exc
    if not (status == 200 or (method != "GET" and 200 <= status < 300)):
        log.warning("console: %s %s%s answered %s", method, service, path, status)
        raise UpstreamFailed(_refusal(name, method, status, body), status=status)
    try:
        data = json.loads(body) if body else {}
    except ValueError as exc:
        raise UpstreamFailed(f"{name}返回了无法识别的内容。") from exc
    if not isinstance(data, dict):
        raise UpstreamFailed(f"{name}返回了无法识别的内容。")
    return data


def _refusal(name: str, method: str, status: int, body: bytes) -> str:
    if status == 403 and method != "GET":
        return f"{name}拒绝了此操作（403 无权限）：{_reason(body)}"
    return f"{name}返回错误（{status}）：{_reason(body)}"


def _reason(body: bytes) -> str:
    """The problem's detail or title (RFC 9457), else a generic phrase."""
    try:
        problem = json.loads(body)
    except ValueError:
        problem = None
    if isinstance(problem, dict):
        for key in ("detail", "title"):
            if isinstance(problem.get(key), str) and problem[key].strip():
                return str(problem[key])[:300]
    return "服务暂时不可用"
