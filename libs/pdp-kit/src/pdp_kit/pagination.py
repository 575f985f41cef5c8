"""Cursor pagination for every list: ``{"items": [...], "next_cursor": ...}`` (CONTRACT: Lists)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pdp_kit.errors import BadRequest, FieldProblem

MAX_LIMIT = 500
T = TypeVar("T")
R = TypeVar("R")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class PageParams:
    limit: int
    after: Any | None


def _page_params(
    # The maximum is documented, not enforced by FastAPI: more is the contract's 400, not a 422.
    limit: Annotated[
        int,
        Query(
            ge=1,
            description=f"每页条数，最多 {MAX_LIMIT}",
            json_schema_extra={"maximum": MAX_LIMIT},
        ),
    ] = 50,
    cursor: Annotated[str | None, Query(description="上一页返回的 next_cursor")] = None,
) -> PageParams:
    if limit > MAX_LIMIT:
        raise BadRequest(
            f"limit 最大为 {MAX_LIMIT}",
            errors=[FieldProblem("limit", f"must be at most {MAX_LIMIT}")],
        )
    return PageParams(limit=limit, after=decode_cursor(cursor) if cursor else None)


PageDep = Annotated[PageParams, Depends(_page_params)]


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError as exc:
        raise BadRequest(
            "cursor 无效", errors=[FieldProblem("cursor", "not a cursor from this list")]
        ) from exc


async def keyset_page(
    session: AsyncSession,
    query: Select[tuple[R]],
    *,
    key: InstrumentedAttribute[Any],
    page: PageParams,
    to_public: Callable[[R], T],
    cursor_of: Callable[[R], Any],
) -> Page[T]:
    """One page of ``query`` in ascending ``key`` order, starting after the cursor's key."""
    if page.after is not None:
        query = query.where(key > page.after)
    rows: Sequence[R] = (await session.scalars(query.order_by(key).limit(page.limit + 1))).all()
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return Page[T](
        items=[to_public(row) for row in rows],
        next_cursor=encode_cursor(cursor_of(rows[-1])) if more and rows else None,
    )
