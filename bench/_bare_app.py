"""The request-path baseline: a bare FastAPI + SQLModel app doing the catalog's department query.

Same table, same ``session.get``, same response model, one session and transaction per request,
and nothing else: no middleware, no telemetry, no token. ``BENCH_DATABASE_URL`` names the database.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from catalog.departments.models import Department
from catalog.departments.schemas import DepartmentPublic


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session, session.begin():
        yield session


def create() -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_async_engine(os.environ["BENCH_DATABASE_URL"], pool_size=10)
        app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/departments/{code}", response_model=DepartmentPublic)
    async def get_department(
        code: str, session: Annotated[AsyncSession, Depends(_session)]
    ) -> DepartmentPublic:
        department = await session.get(Department, code)
        if department is None:
            raise HTTPException(404)
        return DepartmentPublic.model_validate(department)

    return app
