"""The console pages an officer acts from (linked from the 时限看板): the object as its service
shows it to this user, and the actions, posted with the console's CSRF token and forwarded to
the service's own API as the staff user. The page then says what the service answered."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response

from gateway.console.auth import CsrfCheckedStaff, CurrentStaff, Staff
from gateway.console.pages import render
from gateway.console.views.objects import CHANGE, RESOURCE, SHARE_REQUEST, ObjectKind
from gateway.console.views.upstream import UpstreamFailed, read_as_staff, write_as_staff

router = APIRouter(prefix="/console", include_in_schema=False)

ObjectId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Reason = Annotated[str, Form(max_length=4000)]


async def show(
    request: Request,
    staff: Staff,
    kind: ObjectKind,
    object_id: str,
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    page = kind.page_path.format(id=object_id)
    item: dict[str, Any] | None = None
    read_error = None
    try:
        item = await read_as_staff(
            request, staff, kind.service, kind.api_path.format(id=object_id), {}
        )
    except UpstreamFailed as failed:
        read_error = failed.message
        if error is None and failed.status in (403, 404):
            status_code = failed.status
    return render(
        request,
        "object.html",
        staff=staff,
        title=kind.title,
        object_id=object_id,
        facts=kind.facts(item) if item else [],
        actions=kind.actions(staff, item, page) if item else [],
        notice=notice,
        error=error or read_error,
        status_code=status_code,
    )


async def act(
    request: Request,
    staff: Staff,
    kind: ObjectKind,
    object_id: str,
    action: str,
    body: dict[str, Any],
    done: str,
) -> Response:
    """Post ``action`` (a path under the object's API path) and show the object again."""
    path = f"{kind.api_path.format(id=object_id)}/{action}"
    try:
        answer = await write_as_staff(request, staff, kind.service, path, body)
    except UpstreamFailed as failed:
        return await show(
            request, staff, kind, object_id, error=failed.message,
            status_code=failed.status or 502,
        )  # fmt: skip
    return await show(request, staff, kind, object_id, notice=done.format_map(_Answer(answer)))


class _Answer(dict[str, Any]):
    """The service's answer for the success message; a field it left out reads as a dash."""

    def __missing__(self, key: str) -> str:
        return "—"


# --- share requests: the provider's reply (Art. 18) ----------------------------------------


@router.get("/sharing/requests/{request_id}")
async def share_request_page(
    request: Request, staff: CurrentStaff, request_id: ObjectId
) -> Response:
    return await show(request, staff, SHARE_REQUEST, request_id)


@router.post("/sharing/requests/{request_id}/approve")
async def approve_share_request(
    request: Request, staff: CsrfCheckedStaff, request_id: ObjectId
) -> Response:
    return await act(
        request, staff, SHARE_REQUEST, request_id, "approve", {},
        "已同意该共享申请，共享授权 {grant_id} 已生效。",
    )  # fmt: skip


@router.post("/sharing/requests/{request_id}/reject")
async def reject_share_request(
    request: Request, staff: CsrfCheckedStaff, request_id: ObjectId, reason: Reason = ""
) -> Response:
    return await act(
        request, staff, SHARE_REQUEST, request_id, "reject", {"reason": reason.strip()},
        "已拒绝该共享申请，拒绝理由已书面告知申请部门。",
    )  # fmt: skip


@router.post("/sharing/requests/{request_id}/extension/approve")
async def approve_share_extension(
    request: Request, staff: CsrfCheckedStaff, request_id: ObjectId
) -> Response:
    return await act(
        request, staff, SHARE_REQUEST, request_id, "extension/approve", {},
        "已同意延期答复，新的答复期限为 {reply_due_on}。",
    )  # fmt: skip


# --- catalogue resources in review (Art. 10) -----------------------------------------------


@router.get("/catalog/resources/{resource_id}")
async def resource_page(request: Request, staff: CurrentStaff, resource_id: ObjectId) -> Response:
    return await show(request, staff, RESOURCE, resource_id)


@router.post("/catalog/resources/{resource_id}/publish")
async def publish_resource(
    request: Request, staff: CsrfCheckedStaff, resource_id: ObjectId
) -> Response:
    return await act(
        request, staff, RESOURCE, resource_id, "publish", {},
        "已审核通过，第 {version} 版已发布。",
    )  # fmt: skip


@router.post("/catalog/resources/{resource_id}/reject")
async def reject_resource(
    request: Request, staff: CsrfCheckedStaff, resource_id: ObjectId, reason: Reason = ""
) -> Response:
    return await act(
        request, staff, RESOURCE, resource_id, "reject", {"reason": reason.strip()},
        "已退回第 {version} 版，退回理由已告知提交部门。",
    )  # fmt: skip


# --- change obligations: the bureau decides an extension (Art. 10) -------------------------


@router.get("/catalog/changes/{change_id}")
async def change_page(request: Request, staff: CurrentStaff, change_id: ObjectId) -> Response:
    return await show(request, staff, CHANGE, change_id)


@router.post("/catalog/changes/{change_id}/extension/approve")
async def approve_change_extension(
    request: Request, staff: CsrfCheckedStaff, change_id: ObjectId
) -> Response:
    return await act(
        request, staff, CHANGE, change_id, "extension/approve", {},
        "已同意延期，新的到期日为 {due_on}。",
    )  # fmt: skip


@router.post("/catalog/changes/{change_id}/extension/refuse")
async def refuse_change_extension(
    request: Request, staff: CsrfCheckedStaff, change_id: ObjectId, reason: Reason = ""
) -> Response:
    return await act(
        request, staff, CHANGE, change_id, "extension/refuse", {"reason": reason.strip()},
        "已不同意延期申请，到期日不变。",
    )  # fmt: skip
