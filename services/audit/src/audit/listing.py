"""What every audit list shares: the ``from`` / ``to`` period and a cursor in arrival order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import ColumnElement

from audit.ingest import as_utc
from pdp_kit.errors import BadRequest, FieldProblem, Invalid
from pdp_kit.iso import IsoDateTime
from pdp_kit.pagination import PageParams

From = Annotated[
    IsoDateTime | None,
    Query(alias="from", description="起始时间（含），ISO 8601；未带时区按 UTC"),
]
To = Annotated[IsoDateTime | None, Query(description="截止时间（含），ISO 8601；未带时区按 UTC")]


class InvalidPeriod(Invalid):
    code, title = "invalid-period", "时间范围无效"


@dataclass(frozen=True)
class Period:
    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def between(cls, start: datetime | None, end: datetime | None) -> Period:
        start = as_utc(start) if start is not None else None
        end = as_utc(end) if end is not None else None
        if start is not None and end is not None and start > end:
            raise InvalidPeriod(
                "起始时间晚于截止时间",
                errors=[FieldProblem("from", "must not be later than to")],
            )
        return cls(start, end)

    def conditions(self, column: Any) -> list[ColumnElement[bool]]:
        """Both ends included, so ``from == to`` selects that instant."""
        conditions: list[ColumnElement[bool]] = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column <= self.end)
        return conditions


def in_arrival_order(page: PageParams) -> PageParams:
    """The cursor of an audit list is a sequence number; anything else is a 400, never a query
    that fails in the database."""
    after = page.after
    if after is not None and (isinstance(after, bool) or not isinstance(after, int)):
        raise BadRequest(
            "cursor 无效", errors=[FieldProblem("cursor", "not a cursor from this list")]
        )
    return page
