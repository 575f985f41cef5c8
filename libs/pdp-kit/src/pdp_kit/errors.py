"""Domain errors and their one rendering as RFC 9457 problem+json.

Services raise these; they never raise ``HTTPException``. Each error carries its HTTP status and a
stable ``type`` code that clients can branch on, so an expected business outcome is never a 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:pdp:problem:"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class ProblemField(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """The body of every error response (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[ProblemField] | None = None


class DomainError(Exception):
    """Base of every expected failure. Subclasses fix ``status``, ``code`` and ``title``."""

    status: int = 400
    code: str = "bad-request"
    title: str = "请求有误"

    def __init__(self, detail: str | None = None, *, errors: Sequence[FieldProblem] = ()) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors)

    def to_problem(self) -> Problem:
        return Problem(
            type=TYPE_PREFIX + self.code,
            title=self.title,
            status=self.status,
            detail=self.detail,
            errors=[ProblemField(field=e.field, message=e.message) for e in self.errors] or None,
        )


class BadRequest(DomainError):
    status, code, title = 400, "bad-request", "请求有误"


class Unauthenticated(DomainError):
    status, code, title = 401, "unauthenticated", "未认证或令牌无效"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "无权执行此操作"


class NotFound(DomainError):
    """Also used for objects the caller may not know exist (CONTRACT: 404 hides them)."""

    status, code, title = 404, "not-found", "对象不存在"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "当前状态不允许此操作"


class Invalid(DomainError):
    status, code, title = 422, "invalid", "输入无效"


class PayloadTooLarge(DomainError):
    status, code, title = 413, "payload-too-large", "请求体过大"


class Unavailable(DomainError):
    status, code, title = 503, "unavailable", "服务暂不可用"


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _field_path(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "body")


def validation_problem(exc: RequestValidationError) -> Problem:
    problems = exc.errors()
    if any(p.get("type") == "json_invalid" for p in problems):
        return Problem(
            type=TYPE_PREFIX + "malformed-json",
            title="请求体不是有效的 JSON",
            status=400,
            detail="; ".join(str(p.get("ctx", {}).get("error", p["msg"])) for p in problems),
        )
    return (
        Invalid("请求数据未通过校验")
        .to_problem()
        .model_copy(
            update={
                "errors": [
                    ProblemField(field=_field_path(p["loc"]), message=p["msg"]) for p in problems
                ]
            }
        )
    )


_HTTP_TITLES = {
    400: ("bad-request", "请求有误"),
    401: ("unauthenticated", "未认证或令牌无效"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not-found", "资源不存在"),
    405: ("method-not-allowed", "不支持该请求方法"),
    413: ("payload-too-large", "请求体过大"),
    415: ("unsupported-media-type", "不支持的内容类型"),
}


def install_error_handlers(app: FastAPI) -> None:
    """Render every failure as problem+json: domain, validation, routing and unexpected errors."""

    async def on_domain_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        challenge = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem_response(exc.to_problem(), headers=challenge)

    async def on_validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(validation_problem(exc))

    async def on_http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code, title = _HTTP_TITLES.get(exc.status_code, ("http-error", "请求失败"))
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        problem = Problem(
            type=TYPE_PREFIX + code, title=title, status=exc.status_code, detail=detail
        )
        return problem_response(problem, headers=dict(exc.headers or {}))

    async def on_unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem_response(
            Problem(type=TYPE_PREFIX + "internal", title="服务内部错误", status=500)
        )

    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)


#: Response docs for routes: every route may answer these problems.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": description}
    for status, description in {
        400: "请求有误",
        401: "未认证",
        403: "无权访问",
        404: "不存在",
        409: "状态冲突",
        422: "输入无效",
    }.items()
}
