"""Who is signed in to the console, for every console page and view.

``CurrentStaff`` is the dependency a console page takes: the signed-in staff user, or a redirect
to the sign-in page (a 401 problem for the gateway's JSON API). ``CsrfCheckedStaff`` is the same
for anything that changes state: the session's CSRF token must come back in the ``csrf_token``
form field or the ``X-CSRF-Token`` header, else 403.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.security import APIKeyHeader

from gateway.console.sessions import SessionPolicy, resolve_session
from gateway.settings import GatewaySettings
from gateway.staff.service import staff_actor
from pdp_kit.auth import Principal, Role
from pdp_kit.db import SessionDep
from pdp_kit.errors import Forbidden, Unauthenticated, problem_response

LOGIN_PATH = "/console/login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


_csrf_header = APIKeyHeader(
    name=CSRF_HEADER,
    auto_error=False,
    description="控制台会话的 CSRF 令牌（登录后页面中的 csrf_token）",
)


class CsrfRejected(Forbidden):
    code, title = "csrf-rejected", "请求校验失败，请刷新页面后重试"


class SignInRequired(Exception):
    """Raised by :func:`current_staff`; rendered as a redirect to the sign-in page."""


@dataclass(frozen=True)
class Staff:
    """The signed-in staff user of this request."""

    user_id: str
    username: str
    roles: frozenset[Role]
    department: str | None
    totp_enrolled: bool
    csrf_token: str

    @property
    def principal(self) -> Principal:
        """The staff user as a caller of the platform's rules (``staff:<username>``)."""
        return Principal(
            client_id=staff_actor(self.username), roles=self.roles, department=self.department
        )

    def has(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)


def session_cookie_name(settings: GatewaySettings) -> str:
    # The __Host- prefix binds the cookie to this host and path "/" with Secure (RFC 6265bis).
    return "__Host-pdp_console" if settings.console_cookies_secure else "pdp_console"


def session_policy(settings: GatewaySettings) -> SessionPolicy:
    return SessionPolicy(
        lifetime=timedelta(seconds=settings.console_session_seconds),
        idle=timedelta(seconds=settings.console_idle_seconds),
    )


async def current_staff(request: Request, session: SessionDep) -> Staff:
    settings: GatewaySettings = request.app.state.settings
    token = request.cookies.get(session_cookie_name(settings))
    policy = session_policy(settings)
    found = await resolve_session(session, token=token, policy=policy) if token else None
    if found is None:
        raise SignInRequired
    row, user = found
    staff = Staff(
        user_id=user.user_id,
        username=user.username,
        roles=frozenset(Role(role) for role in user.roles),
        department=user.department,
        totp_enrolled=user.totp_secret is not None,
        csrf_token=row.csrf_token,
    )
    request.state.principal = staff.principal  # the network log names the staff user
    return staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]


async def csrf_checked_staff(
    request: Request,
    staff: CurrentStaff,
    header: Annotated[str | None, Depends(_csrf_header)],
) -> Staff:
    presented = header
    if presented is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        presented = value if isinstance(value, str) else None
    check_csrf(expected=staff.csrf_token, presented=presented)
    return staff


CsrfCheckedStaff = Annotated[Staff, Depends(csrf_checked_staff)]


def check_csrf(*, expected: str | None, presented: str | None) -> None:
    if not expected or not presented or not hmac.compare_digest(expected, presented):
        raise CsrfRejected("缺少或错误的 CSRF 令牌")


async def _signed_out(request: Request, _: Exception) -> Response:
    if request.url.path.startswith("/console"):
        return RedirectResponse(LOGIN_PATH, status_code=303)
    return problem_response(
        Unauthenticated("请先登录管理控制台").to_problem(),
        headers={"WWW-Authenticate": "Cookie"},
    )


def install_console(app: FastAPI) -> None:
    """Console pages without a signed-in user go to the sign-in page."""
    app.add_exception_handler(SignInRequired, _signed_out)
