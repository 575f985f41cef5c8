"""``INSERT … ON CONFLICT DO UPDATE`` on both backends, through SQLAlchemy Core (hot paths)."""

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert


def upsert(
    dialect: str,
    table: Table,
    *,
    keys: Iterable[str],
    replace: Iterable[str] = (),
    add: Iterable[str] = (),
    values: Mapping[str, Any] | None = None,
) -> Insert:
    """Insert, or on a key conflict set ``replace`` columns to the new values and add the new
    values to the ``add`` columns (running counters)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    if values is not None:
        statement = statement.values(**values)
    excluded = statement.excluded
    changes: dict[str, Any] = {name: excluded[name] for name in replace}
    changes.update({name: table.c[name] + excluded[name] for name in add})
    return statement.on_conflict_do_update(index_elements=list(keys), set_=changes)
