from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from opening_flow import Opening, published

from opening import clock
from opening.main import create_app
from opening.settings import OpeningSettings


@pytest.fixture
def service_app_factory() -> tuple[object, type[OpeningSettings]]:
    return create_app, OpeningSettings


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Move the day actions are received on (Asia/Shanghai): ``today(date(2026, 9, 30))``."""

    def move(day: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    move(date(2026, 6, 1))
    return move


@pytest.fixture
async def opening(app: FastAPI, client: httpx.AsyncClient, auth: Any, today: Any) -> Opening:
    flow = Opening(app, client, auth)
    await flow.deliver(published("R1"))
    return flow
