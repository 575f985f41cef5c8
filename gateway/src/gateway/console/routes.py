"""The console's front door: sign-in, sign-out, the landing page, TOTP enrolment (CONTRACT:
``GET /console``, ``POST /console/login``)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from gateway.console import service
from gateway.console.auth import (
    CSRF_FIELD,
    LOGIN_PATH,
    CsrfCheckedStaff,
    CurrentStaff,
    check_csrf,
    session_cookie_name,
    session_policy,
)
from gateway.console.pages import STATIC_DIR, render
from gateway.settings import GatewaySettings
from gateway.staff import service as staff_service
from gateway.staff.signin import LockoutPolicy
from pdp_kit.db import SessionDep
from pdp_kit.errors import DomainError, NotFound

router = APIRouter(prefix="/console", include_in_schema=False)

#: The pre-session token that protects the sign-in form itself (login CSRF).
LOGIN_CSRF_COOKIE = "pdp_console_login"
SIGN_IN_FAILED = "用户名、密码或动态验证码错误，或账号已被暂时锁定。"
API_DOCS = (
    ("gateway", "网关（客户端与员工账号）"),
    ("catalog", "目录服务"),
    ("sharing", "共享服务"),
    ("opening", "开放服务"),
    ("registry", "授权运营登记服务"),
    ("audit", "审计服务"),
)


@router.get("")
async def console_home(request: Request, staff: CurrentStaff) -> Response:
    return render(request, "home.html", staff=staff, services=API_DOCS)


@router.get("/login")
async def login_page(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
async def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    totp: Annotated[str, Form(max_length=16)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=128)] = "",
) -> Response:
    check_csrf(expected=request.cookies.get(LOGIN_CSRF_COOKIE), presented=csrf_token)
    settings = _settings(request)
    token = await service.sign_in_to_console(
        session,
        username=username,
        password=password,
        totp=totp,
        lockout=_lockout_policy(settings),
        sessions=session_policy(settings),
    )
    if token is None:
        return _login_page(request, error=SIGN_IN_FAILED, username=username, status_code=401)
    response = RedirectResponse("/console", status_code=303)
    response.set_cookie(
        session_cookie_name(settings),
        token,
        max_age=settings.console_session_seconds,
        path="/",
        secure=settings.console_cookies_secure,
        httponly=True,
        samesite="strict",
    )
    response.delete_cookie(
        LOGIN_CSRF_COOKIE,
        path=LOGIN_PATH,
        secure=settings.console_cookies_secure,
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/logout")
async def logout(request: Request, session: SessionDep, staff: CsrfCheckedStaff) -> Response:
    settings = _settings(request)
    name = session_cookie_name(settings)
    await service.sign_out(session, token=request.cookies.get(name))
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(
        name, path="/", secure=settings.console_cookies_secure, httponly=True, samesite="strict"
    )
    return response


@router.get("/totp")
async def totp_page(request: Request, session: SessionDep, staff: CurrentStaff) -> Response:
    enrolment = None
    if not staff.totp_enrolled:
        enrolment = await staff_service.begin_totp(
            session, user_id=staff.user_id, signed_in_user_id=staff.user_id, keep_pending=True
        )
    return render(request, "totp.html", staff=staff, enrolment=enrolment)


@router.post("/totp")
async def confirm_totp(
    request: Request,
    session: SessionDep,
    staff: CsrfCheckedStaff,
    code: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    try:
        await staff_service.confirm_totp(
            session, user_id=staff.user_id, signed_in_user_id=staff.user_id, code=code.strip()
        )
    except DomainError as problem:  # a mistyped code: show the page again with the reason
        enrolment = await staff_service.begin_totp(
            session, user_id=staff.user_id, signed_in_user_id=staff.user_id, keep_pending=True
        )
        return render(
            request,
            "totp.html",
            staff=staff,
            enrolment=enrolment,
            error=problem.detail or problem.title,
            status_code=problem.status,
        )
    return RedirectResponse("/console/totp", status_code=303)


@router.get("/static/{name}")
async def static_file(name: str) -> Response:
    """Vendored assets (stylesheet; #13 adds its libraries here): only files of this folder."""
    path = STATIC_DIR / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise NotFound("文件不存在")
    return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})


def _login_page(
    request: Request, *, error: str | None = None, username: str = "", status_code: int = 200
) -> Response:
    settings = _settings(request)
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        csrf_token=token,
        error=error,
        username=username,
        max_failed_attempts=settings.staff_max_failed_attempts,
        lockout_minutes=max(1, settings.staff_lockout_seconds // 60),
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        path=LOGIN_PATH,
        secure=settings.console_cookies_secure,
        httponly=True,
        samesite="strict",
    )
    return response


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def _lockout_policy(settings: GatewaySettings) -> LockoutPolicy:
    return LockoutPolicy(
        max_failed_attempts=settings.staff_max_failed_attempts,
        lockout=timedelta(seconds=settings.staff_lockout_seconds),
    )
