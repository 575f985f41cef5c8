"""SQLite on the event loop's own thread, for SQLAlchemy's ``aiosqlite`` dialect.

aiosqlite runs every call (cursor, execute, fetch, close, commit) on a thread of its own and hands
the result back through the event loop: four thread hand-overs for one statement, each costing
the GIL's switch between threads, where the statement itself takes a few microseconds on a local
WAL file. This module gives the dialect the same interface, run inline: a call is the sqlite3
call, done before the coroutine returns.

SQLite's busy handler would then sleep on the loop's thread while the connection holding the lock
(often in the same process, waiting for that loop) could not move: a deadlock until the timeout.
So connections open with no busy timeout, and a statement that finds the database locked is
retried after an ``asyncio.sleep`` (1 ms, growing to 50 ms, for :data:`BUSY_TIMEOUT_SECONDS`),
which lets the lock's holder finish. A retry cancelled while it waits leaves nothing half done:
the statement had not run.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import dialect as aiosqlite_dialect
from sqlalchemy.engine import make_url

#: How long a statement waits for another connection's write lock before it fails.
BUSY_TIMEOUT_SECONDS = 30.0
_FIRST_WAIT, _LONGEST_WAIT = 0.001, 0.05


def _locked(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


async def _when_unlocked(call: Callable[[], Any]) -> Any:
    """``call()``, again after a pause for as long as the database is locked."""
    deadline, wait = None, _FIRST_WAIT
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _locked(error):
                raise
            now = time.monotonic()
            deadline = deadline or now + BUSY_TIMEOUT_SECONDS
            if now >= deadline:
                raise
        await asyncio.sleep(wait)
        wait = min(wait * 2, _LONGEST_WAIT)


class Cursor:
    """aiosqlite's cursor interface over a sqlite3 cursor."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        await _when_unlocked(lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        rows = list(parameters)  # a retry must see every row again
        await _when_unlocked(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Inline:
    """What SQLAlchemy's adapter puts on aiosqlite's private request queue (to set the
    isolation level): run it now and resolve its future."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as error:  # noqa: BLE001 - handed to the waiting caller
            if future is not None:
                future.set_exception(error)
        else:
            if future is not None:
                future.set_result(result)


class Connection:
    """aiosqlite's connection interface over a sqlite3 connection, on the caller's thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._tx = _Inline()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        return await Cursor(self._conn.cursor()).execute(sql, parameters)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        await _when_unlocked(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()

    def stop(self) -> None:
        self._conn.close()


def connector(url: str) -> Callable[[], Awaitable[Connection]]:
    """The ``async_creator`` for an engine on ``url`` (a ``sqlite+aiosqlite`` URL)."""
    args, options = aiosqlite_dialect().create_connect_args(make_url(url))
    options = {**options, "timeout": 0, "check_same_thread": False}

    async def connect() -> Connection:
        return Connection(sqlite3.connect(*args, **options))  # type: ignore[call-overload]

    return connect
