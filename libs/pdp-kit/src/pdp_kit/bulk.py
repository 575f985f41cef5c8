"""Many rows in one statement: the ingest paths (consumer inbox, audit journal) write with this.

On PostgreSQL the rows travel as one array per column and are inserted with
``INSERT ... SELECT * FROM unnest(...)``: one statement, one round trip, one plan, whatever the
batch size (an executemany runs the statement once a row; a multi-row ``VALUES`` needs a bind
parameter a value and a new compilation per batch size). On SQLite, in process, an executemany is
already the fast way. ``skip_duplicates_of`` adds ``ON CONFLICT (<column>) DO NOTHING``, which
both backends speak. bench/README.md has the figures.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeGuard

from sqlalchemy import JSON, Table, TextClause, bindparam, text
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator, TypeEngine

_POSTGRESQL: Dialect = PGDialect_asyncpg()  # type: ignore[no-untyped-call]


class BulkInsert:
    """Insert rows into ``table`` (all columns but the autoincrement key) in one statement."""

    def __init__(self, table: Table, *, skip_duplicates_of: str | None = None) -> None:
        self._columns = [c for c in table.columns if c is not table.autoincrement_column]
        names = ", ".join(f'"{c.name}"' for c in self._columns)
        conflict = f' ON CONFLICT ("{skip_duplicates_of}") DO NOTHING' if skip_duplicates_of else ""
        values = ", ".join(f":{c.name}" for c in self._columns)
        self._rows_statement = text(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({values}){conflict}'
        ).bindparams(*(bindparam(c.name, type_=c.type) for c in self._columns))
        arrays = ", ".join(f"CAST(:{c.name} AS {_pg_type(c.type)}[])" for c in self._columns)
        self._arrays_statement: TextClause = text(
            f'INSERT INTO "{table.name}" ({names}) SELECT * FROM unnest({arrays}){conflict}'
        )
        self._json = {c.name for c in self._columns if _is_json(c.type)}
        self._decorated: dict[str, TypeDecorator[Any]] = {
            c.name: c.type for c in self._columns if _converts(c.type)
        }

    async def __call__(self, session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        if session.bind.dialect.name != "postgresql":
            await session.execute(self._rows_statement, list(rows))
            return
        dialect = session.bind.dialect
        await session.execute(
            self._arrays_statement,
            {c.name: self._column_values(c.name, rows, dialect) for c in self._columns},
        )

    def _column_values(
        self, name: str, rows: Sequence[dict[str, Any]], dialect: Dialect
    ) -> list[Any]:
        decorated = self._decorated.get(name)
        if decorated is not None:
            # The column type's own conversion (UTC timestamps) still applies.
            return [decorated.process_bind_param(row.get(name), dialect) for row in rows]
        if name in self._json:
            # Elements of a json[] parameter are sent as text.
            return [
                None if row.get(name) is None else json.dumps(row[name], ensure_ascii=False)
                for row in rows
            ]
        return [row.get(name) for row in rows]


def _impl(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    return type_.impl_instance if isinstance(type_, TypeDecorator) else type_


def _converts(type_: TypeEngine[Any]) -> TypeGuard[TypeDecorator[Any]]:
    """A decorated type with its own bind conversion (``UTCDateTime``), not a mere alias."""
    return (
        isinstance(type_, TypeDecorator)
        and type(type_).process_bind_param is not TypeDecorator.process_bind_param
    )


def _is_json(type_: TypeEngine[Any]) -> bool:
    return isinstance(_impl(type_), JSON)


def _pg_type(type_: TypeEngine[Any]) -> str:
    return _impl(type_).compile(dialect=_POSTGRESQL)
