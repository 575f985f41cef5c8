"""时限看板 (``GET /console/clocks``): every running clock the signed-in user may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from gateway.clocks import labels, service
from gateway.console.auth import CurrentStaff
from gateway.console.pages import render
from gateway.console.views.routes import page_url
from pdp_kit.db import SessionDep
from pdp_kit.errors import DomainError

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/clocks")
async def clocks_page(
    request: Request,
    session: SessionDep,
    staff: CurrentStaff,
    department: Annotated[str, Query(max_length=32, description="部门代码")] = "",
    kind: Annotated[str, Query(max_length=32, description="时限类型")] = "",
    page: Annotated[int, Query(ge=1, le=100_000, description="页码")] = 1,
) -> Response:
    """Running clocks, soonest due first, with working days left and overdue ones marked."""
    try:
        board = await service.open_clocks(
            session, principal=staff.principal, department=department, kind=kind, page=page
        )
        departments = await service.departments_with_clocks(session, principal=staff.principal)
        names = await service.department_names(session)
    except DomainError as refused:  # not this user's board, or a filter it does not know
        return render(
            request,
            "clocks.html",
            staff=staff,
            error=refused.detail or refused.title,
            status_code=refused.status,
        )
    filters = {"department": department, "kind": kind}
    return render(
        request,
        "clocks.html",
        staff=staff,
        board=board,
        rows=[
            {
                "row": row,
                "kind_label": labels.kind_label(row.kind),
                "object_page": labels.object_page(row.kind, row.object_id),
                "department": service.department_label(names, row.department),
            }
            for row in board.rows
        ],
        kinds=[(kind.value, name) for kind, name in labels.KINDS.items()],
        departments=[(code, service.department_label(names, code)) for code in departments],
        own_department=board.own_department
        and service.department_label(names, board.own_department),
        selected=filters,
        next_url=board.has_next
        and page_url("/console/clocks", **filters, page=str(board.page + 1)),
        previous_url=board.page > 1
        and page_url("/console/clocks", **filters, page=str(board.page - 1)),
    )
