"""One async engine per service, and the session that a request or a message handler owns.

The request owns the transaction (commit on success, rollback on error); service functions only
``flush``. SQLite is for the zero-setup run: it gets WAL, runs on the event loop's thread and waits
for a locked database without blocking the loop (:mod:`pdp_kit.sqlite_inline`), so the API and the
worker loops of one process can share it. A writing transaction there begins ``IMMEDIATE`` (it
waits for the one write lock up front). ``GET``, ``HEAD`` and ``OPTIONS`` requests read through
:func:`read_sessionmaker`: statement by statement, without a transaction around them, so on SQLite
they never wait for the write lock and on PostgreSQL they save the ``BEGIN`` and ``COMMIT`` round
trips (bench/README.md has the figures).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import ARRAY, ColumnElement, DateTime, TypeDecorator, any_, bindparam, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pdp_kit import sqlite_inline

log = logging.getLogger(__name__)

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite drops the zone: re-attach it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store UTC-aware timestamps only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_async_engine(url: Any, **options: Any) -> AsyncEngine:
    """SQLAlchemy's, looked up when called: tracing wraps it after this module is imported
    (pdp_kit.telemetry), and an engine made through the wrapper traces its statements."""
    return sa_asyncio.create_async_engine(url, **options)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if is_sqlite(url):
        # On the loop's thread, not aiosqlite's (pdp_kit.sqlite_inline: why, and how a locked
        # database is waited for).
        engine = create_async_engine(url, echo=echo, async_creator=sqlite_inline.connector(url))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    # No pool_pre_ping: on asyncpg it is BEGIN; SELECT; ROLLBACK, three round trips before every
    # request. A connection idle for a while is pinged instead; a busy one that finds the server
    # gone fails that one statement, and SQLAlchemy then drops every pooled connection.
    #
    # No JIT: the platform's statements are short, and PostgreSQL compiles one with LLVM when its
    # plan's estimated cost passes ``jit_above_cost``; a generic plan over a table never analyzed
    # (the inbox look-up of 2,000 ids as the inbox grows) got there, and one such look-up took
    # 4.8 s on a busy machine where the same statement otherwise took 10-50 ms (bench/README.md).
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=10,
        max_overflow=10,
        pool_recycle=1800,
        connect_args={"server_settings": {"jit": "off"}},
    )
    event.listen(engine.sync_engine.pool, "checkin", _note_idle_since)
    event.listen(engine.sync_engine.pool, "checkout", _ping_if_idle(engine.sync_engine.dialect))
    return engine


#: A pooled connection idle longer than this is pinged before use (the server may have restarted).
PING_AFTER_IDLE_SECONDS = 10.0


def _note_idle_since(_: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect: Dialect) -> Any:
    def ping(dbapi_connection: Any, record: Any, _: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool replaces the connection and checks out a fresh one.
            raise DisconnectionError("pooled connection is gone") from exc

    return ping


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (savepoints need it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


#: Execution option of the engine behind :func:`read_sessionmaker`.
READ_ONLY = "pdp_read_only"


def read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that only read (safe requests): each statement on the latest committed data.

    That is what PostgreSQL's default READ COMMITTED gives inside a transaction too (a snapshot per
    statement), so PostgreSQL reads in autocommit mode and skips the ``BEGIN``/``COMMIT`` round
    trips. On SQLite no ``BEGIN`` is sent: under WAL each statement reads a snapshot and never
    takes nor waits for the write lock, so reads do not queue behind the relay, the consumers
    and the sweeps of the same process. A write here would commit statement by statement, not
    all or nothing: such a session must not write.
    """
    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name != "sqlite":
        options["isolation_level"] = "AUTOCOMMIT"
    return async_sessionmaker(engine.execution_options(**options), expire_on_commit=False)


def _sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get(READ_ONLY):
        return  # statement by statement: see read_sessionmaker
    else:
        # Take the write lock up front: a deferred transaction that later writes can fail at once
        # with "database is locked" when another connection wrote in between; this one waits.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


async def ensure_database(url: str) -> None:
    """Create the service's PostgreSQL database if it is missing (SQLite creates its own file)."""
    parsed = make_url(url)
    if is_sqlite(url):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return
    server = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with server.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if not exists:
                log.info("creating database %s", parsed.database)
                await conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        await server.dispose()


async def get_for_update(session: AsyncSession, model: type[T], ident: Any) -> T | None:
    """Read an aggregate's row and hold it until the transaction ends; ``None`` if missing.

    Every state change reads the aggregate through this, so two concurrent changes of one
    aggregate (publish and reject, a double approval) run one after the other and the second sees
    the first's result. PostgreSQL takes ``SELECT ... FOR UPDATE``; SQLite has no row locks, but
    every writing transaction there begins ``IMMEDIATE`` and so already runs alone. An instance the
    session had loaded before is refreshed from the locked row.
    """
    return await session.get(model, ident, with_for_update=True, populate_existing=True)


async def insert_or_conflict(session: AsyncSession, instance: Any, conflict: Exception) -> None:
    """Insert ``instance`` in a savepoint; a unique violation raises ``conflict`` instead.

    A check-then-insert lets two concurrent registrations of one key both pass the check; the
    database's unique constraint then refuses the second, which this turns into the caller's
    domain error (409), never a 500. The savepoint keeps the request's transaction usable.
    """
    try:
        async with session.begin_nested():
            session.add(instance)
            await session.flush()
    except IntegrityError as exc:
        raise conflict from exc


def one_of(
    session: AsyncSession, column: ColumnElement[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(:values)``, one array parameter.

    An IN list binds, and expands at execution, one parameter a value: for the 2,000 ids of an
    event batch (the inbox look-up, the relay's mark-sent) that cost more than the statement.
    """
    if session.bind.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    state = request.app.state
    maker = state.read_sessionmaker if request.method in SAFE_METHODS else state.sessionmaker
    async with maker() as session, session.begin():
        yield session


#: The request's session: committed when the route returns, before the response is sent. A safe
#: request (``GET``, ``HEAD``, ``OPTIONS``) reads through :func:`read_sessionmaker` instead:
#: such a route must not write (RFC 9110 safe methods; a write would not be atomic).
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]


async def _transaction_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session, session.begin():
        yield session


#: A full transaction whatever the method, for the few ``GET`` routes that need one: a route that
#: records what it served (a usage record with what it read, Art. 34: both commit or neither),
#: or one that reads through a server-side cursor (``stream``, which PostgreSQL opens only inside
#: a transaction). A route that waits on another service between its read and its write should
#: not hold one across the wait: sharing's data call reads, calls the catalog, then writes.
TransactionDep = Annotated[AsyncSession, Depends(_transaction_session, scope="function")]
