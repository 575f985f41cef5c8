"""CSV exports of the supervision views (Art. 35): the same rows and rights as the list."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from fastapi import Response
from pydantic import BaseModel

from audit.supervision.schemas import Scorecards

#: An export is one response; past this many rows, narrow it with the list's filters.
MAX_EXPORT_ROWS = 100_000


def csv_response(model: type[BaseModel], rows: Iterable[BaseModel], *, filename: str) -> Response:
    names = list(model.model_fields)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for row in rows:
        data: dict[str, Any] = row.model_dump(mode="json")
        writer.writerow(["" if data[n] is None else _cell(data[n]) for n in names])
    # A byte-order mark so spreadsheet software reads the Chinese text as UTF-8.
    return Response(
        content="\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def scorecards_csv(cards: Scorecards) -> Response:
    """One row per department: its score, then each measure's score and figures."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["period", "department", "score"]
    if cards.items:
        for name, measure in cards.items[0].measures.items():
            header += [f"{name}_score", *(f"{name}_{figure}" for figure in measure.figures)]
    writer.writerow(header)
    for card in cards.items:
        row: list[Any] = [cards.period, card.department, _blank(card.score)]
        for measure in card.measures.values():
            row += [_blank(measure.score), *measure.figures.values()]
        writer.writerow(row)
    return Response(
        content="\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="scorecards-{cards.period}.csv"'},
    )


def _blank(value: Any) -> Any:
    return "" if value is None else value
