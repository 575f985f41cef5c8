from collections.abc import Callable
from datetime import date

import pytest

from gateway.clocks import service


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """The day the board counts from: ``today(date(2026, 12, 8))``; 1 December 2026 unless
    moved."""

    def move(day: date) -> None:
        monkeypatch.setattr(service, "today", lambda: day)

    move(date(2026, 12, 1))
    return move
