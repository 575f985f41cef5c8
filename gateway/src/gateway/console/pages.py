"""Rendering console pages: Jinja2 templates (Chinese), with headers that keep them private."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from gateway.console.auth import CSRF_FIELD, Staff

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

#: Pages come from the gateway alone: no inline script, no framing, nothing cached (Art. 32).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


#: How the console names each role (DOMAIN: who acts).
ROLE_LABELS = {
    "bureau": "区数据局",
    "datacenter": "区数据发展中心",
    "department": "部门",
    "cyberspace": "区委网信办",
    "assessor": "第三方评估机构",
    "ops": "平台运维",
}


def role_labels(roles: Iterable[str]) -> str:
    """``{{ staff.roles | roles }}``: the roles in Chinese, in a stable order."""
    return "、".join(ROLE_LABELS.get(str(role), str(role)) for role in sorted(roles))


@functools.cache
def templates() -> Jinja2Templates:
    """Built on first use (no import-time work; Jinja2 itself is imported then, keeping the
    gateway's start lean); autoescaping is on for every page."""
    from starlette.templating import Jinja2Templates

    built = Jinja2Templates(directory=HERE / "templates")
    built.env.filters["roles"] = role_labels
    return built


def render(
    request: Request,
    name: str,
    *,
    staff: Staff | None = None,
    csrf_token: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A console page. Templates extend ``base.html``; ``staff`` (the signed-in user or
    ``None``) and ``csrf_input`` (the hidden field every form that posts must carry:
    ``{{ csrf_input }}``) are always there."""
    token = csrf_token or (staff.csrf_token if staff else "")
    csrf_input = Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)
    return templates().TemplateResponse(
        request,
        name,
        {"staff": staff, "csrf_input": csrf_input, **context},
        status_code=status_code,
        headers=SECURITY_HEADERS,
    )
