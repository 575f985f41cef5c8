"""What each side does with a request (Art. 18): the provider's one materials notice, extension,
approval and refusal; the requester's resubmission; the bureau's consent to an extension."""

from sqlalchemy.ext.asyncio import AsyncSession

from pdp_contracts.sharing import (
    ExtensionRequested,
    MaterialsRequested,
    MaterialsResubmitted,
    ReplyExtended,
    RequestApproved,
    RequestRejected,
)
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.calendar_store import load_calendar
from pdp_kit.errors import FieldProblem, Invalid
from pdp_kit.events.outbox import record_event
from sharing import clock
from sharing.aggregation.service import aggregation_warnings
from sharing.grants.service import create_grant
from sharing.notices.service import issue_notice
from sharing.requests.access import require_provider, require_requester, visible_request
from sharing.requests.deadlines import reply_deadline
from sharing.requests.errors import (
    ExtensionAlreadyRequested,
    MaterialsNoticeAlreadySent,
    NoExtensionToApprove,
    ResourceNoLongerShared,
    WrongRequestState,
)
from sharing.requests.models import ShareRequest
from sharing.requests.schemas import (
    ExtensionCreate,
    MaterialsNotice,
    MaterialsResubmission,
    Rejection,
)
from sharing.resources.models import SharedResource

BUREAU = "bureau"


async def send_materials_notice(
    session: AsyncSession, *, request_id: str, data: MaterialsNotice, principal: Principal
) -> ShareRequest:
    """One written notice listing everything missing; never a second (Art. 18)."""
    request = await visible_request(session, request_id, principal, lock=True)
    require_provider(request, principal)
    if request.materials_notice_id is not None:
        raise MaterialsNoticeAlreadySent("补正材料已告知过一次，不能再次要求补正")
    if request.status != "submitted":
        raise WrongRequestState(request.status, "发出补正告知")
    today = clock.today()
    items = "\n".join(f"{n}. {item}" for n, item in enumerate(data.missing, start=1))
    notice = await issue_notice(
        session,
        request_id=request.id,
        kind="materials",
        sender=request.provider,
        recipient=request.requester,
        text=f"贵单位的共享申请材料不全，请一次性补正以下材料：\n{items}",
        issued_on=today,
    )
    request.status, request.materials_notice_id = "materials_requested", notice.id
    await record_event(
        session,
        MaterialsRequested(
            id=request.id,
            requester=request.requester,
            provider=request.provider,
            notice_id=notice.id,
            notice_number=notice.number,
            missing=data.missing,
        ),
        subject=request.id,
        actor=principal.client_id,
        department=request.provider,
    )
    await session.flush()
    return request


async def resubmit_materials(
    session: AsyncSession, *, request_id: str, data: MaterialsResubmission, principal: Principal
) -> ShareRequest:
    """The clock restarts from the resubmission (Art. 18)."""
    request = await visible_request(session, request_id, principal, lock=True)
    require_requester(request, principal)
    if request.status != "materials_requested":
        raise WrongRequestState(request.status, "补正材料（未收到补正告知）")
    if data.legal_basis:
        request.legal_basis = data.legal_basis
    if data.scenario:
        request.scenario = data.scenario
    request.status, request.received_on = "submitted", clock.today()
    deadline = reply_deadline(await load_calendar(session), request)
    request.reply_due_on, request.provisional = deadline.due_on, deadline.provisional
    request.overdue_flagged_on = request.reminded_for = None
    await record_event(
        session,
        MaterialsResubmitted(
            id=request.id,
            requester=request.requester,
            provider=request.provider,
            received_on=request.received_on,
            reply_due_on=request.reply_due_on,
            provisional=request.provisional,
        ),
        subject=request.id,
        actor=principal.client_id,
        department=request.provider,
    )
    await session.flush()
    return request


async def request_extension(
    session: AsyncSession, *, request_id: str, data: ExtensionCreate, principal: Principal
) -> ShareRequest:
    """Once, conditional requests only, at most 10 working days; effective on the bureau's
    consent (Art. 18)."""
    request = await visible_request(session, request_id, principal, lock=True)
    require_provider(request, principal)
    if request.share_type != "conditional":
        raise Invalid(
            "无条件共享的申请不能延期",
            errors=[FieldProblem("working_days", "only a conditional request is extended")],
        )
    if request.extension_days is not None:
        raise ExtensionAlreadyRequested("答复期限已申请过延期")
    if request.status != "submitted":
        raise WrongRequestState(request.status, "申请延期")
    request.extension_days, request.extension_reason = data.working_days, data.reason
    request.extension_status = "requested"
    await record_event(
        session,
        ExtensionRequested(
            id=request.id,
            requester=request.requester,
            provider=request.provider,
            working_days=data.working_days,
            reason=data.reason,
        ),
        subject=request.id,
        actor=principal.client_id,
        department=request.provider,
    )
    await session.flush()
    return request


async def approve_extension(
    session: AsyncSession, *, request_id: str, principal: Principal
) -> ShareRequest:
    """The bureau consents; the requester gets a written notice of the new date (Art. 18)."""
    require_role(principal, Role.BUREAU)
    request = await visible_request(session, request_id, principal, lock=True)
    if request.extension_status != "requested" or request.extension_days is None:
        raise NoExtensionToApprove("没有待批准的延期申请")
    if request.status != "submitted":
        raise WrongRequestState(request.status, "批准延期")
    request.extension_status = "approved"
    deadline = reply_deadline(await load_calendar(session), request)
    request.reply_due_on, request.provisional = deadline.due_on, deadline.provisional
    request.overdue_flagged_on = request.reminded_for = None
    notice = await issue_notice(
        session,
        request_id=request.id,
        kind="extension",
        sender=request.provider,
        recipient=request.requester,
        text=(
            f"经区数据局同意，答复期限延长 {request.extension_days} 个工作日，"
            f"至 {request.reply_due_on.isoformat()}。理由：{request.extension_reason}"
        ),
        issued_on=clock.today(),
    )
    await record_event(
        session,
        ReplyExtended(
            id=request.id,
            requester=request.requester,
            provider=request.provider,
            working_days=request.extension_days,
            reply_due_on=request.reply_due_on,
            provisional=request.provisional,
            notice_id=notice.id,
        ),
        subject=request.id,
        actor=principal.client_id,
        department=request.requester,
    )
    await session.flush()
    return request


async def approve_request(
    session: AsyncSession, *, request_id: str, principal: Principal
) -> ShareRequest:
    """Approval creates a grant of exactly the requested fields, purpose and period (Art. 19)."""
    request = await visible_request(session, request_id, principal, lock=True)
    require_provider(request, principal)
    if request.status != "submitted":
        raise WrongRequestState(request.status, "同意")
    resource = await session.get(SharedResource, request.resource_id)
    if resource is None or resource.status == "withdrawn":
        raise ResourceNoLongerShared("资源已下线，不能同意共享")
    gone = [name for name in request.fields if name not in resource.field_names()]
    if gone:
        raise ResourceNoLongerShared(f"资源已不再包含字段：{', '.join(gone)}")
    today = clock.today()
    request.warnings = [w.model_dump() for w in await aggregation_warnings(session, request)]
    grant = await create_grant(session, request=request, approved_on=today, actor=principal)
    request.status, request.grant_id, request.decided_on = "approved", grant.id, today
    await record_event(
        session,
        RequestApproved(
            id=request.id,
            requester=request.requester,
            provider=request.provider,
            grant_id=grant.id,
            decided_on=today,
            on_time=today <= request.reply_due_on,
        ),
        subject=request.id,
        actor=principal.client_id,
        department=request.provider,
    )
    await session.flush()
    return request


async def reject_request(
    session: AsyncSession, *, request_id: str, data: Rejection, principal: Principal
) -> ShareRequest:
    """A refusal is a written notice with its reasons (Art. 18)."""
    request = await visible_request(session, request_id, principal, lock=True)
    require_provider(request, principal)
    if not request.is_open:
        raise WrongRequestState(request.status, "拒绝")
    today = clock.today()
    notice = await issue_notice(
        session,
        request_id=request.id,
        kind="rejection",
        sender=request.provider,
        recipient=request.requester,
        text=f"经审核，不予共享。理由：{data.reason}",
        issued_on=today,
    )
    await close_as_rejected(
        session, request, reason=data.reason, notice_id=notice.id, actor=principal.client_id
    )
    return request


async def close_as_rejected(
    session: AsyncSession,
    request: ShareRequest,
    *,
    reason: str,
    notice_id: str | None,
    actor: str | None,
) -> None:
    today = clock.today()
    request.warnings = [w.model_dump() for w in await aggregation_warnings(session, request)]
    request.status, request.decided_on = "rejected", today
    await record_event(
        session,
        RequestRejected(
            id=request.id,
            requester=request.requester,
            provider=request.provider,
            reason=reason,
            notice_id=notice_id,
            decided_on=today,
            on_time=today <= request.reply_due_on,
        ),
        subject=request.id,
        actor=actor,
        department=request.provider,
    )
    await session.flush()
