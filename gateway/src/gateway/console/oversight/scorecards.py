"""部门考核: audit's scorecards for a period and the periods before it, for the trend.

Audit computes one period per call (``GET /api/audit/scorecards?period=``), so the trend is the
same call for each of the last few periods, made at once. Audit applies its own rules: the
bureau, cyberspace office and assessor read every department; a department its own.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import Request

from gateway.console.auth import Staff
from gateway.console.oversight.audit import refusal
from gateway.console.views import labels
from gateway.console.views.upstream import UpstreamFailed, read_as_staff
from pdp_kit.errors import FieldProblem, Invalid

MONTHS_IN_TREND = 6
YEARS_IN_TREND = 3
MEASURES = {  # audit.supervision.scorecards, Art. 34, 35
    "catalogue": "目录上链",
    "changes": "变更按时",
    "data": "数据更新",
    "share_replies": "共享答复按时",
    "open_list": "开放清单",
    "usage_reports": "使用报告",
}
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")


class InvalidPeriod(Invalid):
    code, title = "invalid-period", "考核期无效"


@dataclass
class Card:
    department: str
    score: int | None
    measures: dict[str, int | None]


@dataclass
class Trend:
    """The chosen period's cards and each department's score over the periods up to it."""

    period: str
    periods: list[str]
    cards: list[Card] = field(default_factory=list)
    scores: dict[str, list[int | None]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def this_month() -> str:
    return datetime.now(labels.SHANGHAI).strftime("%Y-%m")


def periods_up_to(period: str) -> list[str]:
    """``2026-12`` -> the six months ending there; ``2026`` -> the three years ending there."""
    if month := _MONTH.match(period):
        year, number = int(month[1]), int(month[2])
        months = []
        for back in range(MONTHS_IN_TREND - 1, -1, -1):
            index = year * 12 + number - 1 - back
            months.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
        return months
    if _YEAR.match(period):
        return [str(int(period) - back) for back in range(YEARS_IN_TREND - 1, -1, -1)]
    raise InvalidPeriod(
        "考核期应为 YYYY 或 YYYY-MM", errors=[FieldProblem("period", "not YYYY or YYYY-MM")]
    )


async def scorecard_trend(request: Request, staff: Staff, *, period: str) -> Trend:
    periods = periods_up_to(period)
    answers = await asyncio.gather(*(_read(request, staff, p) for p in periods))
    trend = Trend(period=period, periods=periods)
    by_period: dict[str, dict[str, int | None]] = {}
    for name, answer in zip(periods, answers, strict=True):
        if isinstance(answer, str):
            if answer not in trend.errors:
                trend.errors.append(answer)
            continue
        cards = [_card(item) for item in answer.get("items") or [] if isinstance(item, dict)]
        by_period[name] = {card.department: card.score for card in cards}
        if name == period:
            trend.cards = sorted(cards, key=lambda card: card.department)
    departments = sorted({d for scores in by_period.values() for d in scores})
    trend.scores = {
        department: [by_period.get(p, {}).get(department) for p in periods]
        for department in departments
    }
    return trend


async def _read(request: Request, staff: Staff, period: str) -> dict[str, Any] | str:
    try:
        return await read_as_staff(
            request, staff, "audit", "/api/audit/scorecards", {"period": period}
        )
    except UpstreamFailed as failed:
        return refusal(failed)


def _card(item: dict[str, Any]) -> Card:
    given = item.get("measures")
    measures: dict[str, Any] = given if isinstance(given, dict) else {}
    return Card(
        department=str(item.get("department") or "—"),
        score=_int(item.get("score")),
        measures={
            key: _int(measure.get("score")) if isinstance(measure, dict) else None
            for key, measure in measures.items()
        },
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
