"""Share requests (Art. 17, 18): submission, reading and listing."""

from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.sharing import RequestSubmitted
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.calendar_store import load_calendar
from pdp_kit.errors import FieldProblem, Forbidden, Invalid
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page
from sharing import clock
from sharing.aggregation.schemas import Warning
from sharing.aggregation.service import aggregation_warnings
from sharing.ids import new_id
from sharing.notices.service import notices_of
from sharing.requests.access import visible_request
from sharing.requests.deadlines import reply_deadline
from sharing.requests.models import ShareRequest
from sharing.requests.schemas import Extension, RequestCreate, RequestPublic, RequestSummary
from sharing.resources.service import published_resource


async def submit_request(
    session: AsyncSession, *, data: RequestCreate, principal: Principal
) -> ShareRequest:
    """A department asks for another department's resource for itself (Art. 17)."""
    require_role(principal, Role.DEPARTMENT)
    if not principal.acts_for(data.requester):
        raise Forbidden("只能以本部门名义提出共享申请")
    resource = await published_resource(session, data.resource_id)
    today = clock.today()
    problems = []
    if resource.share_type == "not_shared":
        # Art. 16: refused at once, citing the law that forbids sharing.
        basis = resource.share_basis or "未注明"
        raise Invalid(
            f"该资源为不予共享类，依据：{basis}",
            errors=[FieldProblem("resource_id", f"not_shared under {basis}")],
        )
    if resource.department == data.requester:
        problems.append(FieldProblem("requester", "a department does not request its own data"))
    unknown = [name for name in data.fields if name not in resource.field_names()]
    if unknown:
        problems.append(FieldProblem("fields", f"not fields of the resource: {', '.join(unknown)}"))
    if len(set(data.fields)) != len(data.fields):
        problems.append(FieldProblem("fields", "a field is named twice"))
    if data.valid_until < today:
        problems.append(FieldProblem("valid_until", "must not be in the past"))
    if problems:
        raise Invalid("共享申请未通过校验", errors=problems)
    request = ShareRequest(
        id=new_id(),
        resource_id=resource.id,
        resource_version=resource.version,
        share_type=resource.share_type,
        requester=data.requester,
        provider=resource.department,
        legal_basis=data.legal_basis,
        scenario=data.scenario,
        fields=list(data.fields),
        method=str(data.method),
        valid_until=data.valid_until,
        received_on=today,
        reply_due_on=today,
    )
    deadline = reply_deadline(await load_calendar(session), request)
    request.reply_due_on, request.provisional = deadline.due_on, deadline.provisional
    session.add(request)
    await record_event(
        session,
        RequestSubmitted(
            id=request.id,
            resource_id=request.resource_id,
            requester=request.requester,
            provider=request.provider,
            share_type=request.share_type,
            fields=request.fields,
            scenario=request.scenario,
            legal_basis=request.legal_basis,
            method=request.method,
            valid_until=request.valid_until,
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


async def get_request(
    session: AsyncSession, *, request_id: str, principal: Principal
) -> RequestPublic:
    request = await visible_request(session, request_id, principal)
    return await request_public(session, request)


async def request_public(session: AsyncSession, request: ShareRequest) -> RequestPublic:
    """Warnings are worked out live while the request is open (grants change), and kept as they
    stood at the decision afterwards."""
    warnings = (
        await aggregation_warnings(session, request)
        if request.is_open
        else [Warning.model_validate(w) for w in request.warnings]
    )
    extension = (
        Extension(
            working_days=request.extension_days,
            reason=request.extension_reason or "",
            status=request.extension_status or "requested",
        )
        if request.extension_days
        else None
    )
    return RequestPublic(
        **request.model_dump(exclude={"warnings"}),
        overdue=request.overdue_flagged_on is not None,
        extension=extension,
        notices=await notices_of(session, request.id),
        warnings=warnings,
    )


def summary(request: ShareRequest) -> RequestSummary:
    return RequestSummary(**request.model_dump(), overdue=request.overdue_flagged_on is not None)


async def list_requests(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    as_: Literal["requester", "provider"] | None,
    status: str | None,
    resource_id: str | None,
) -> Page[RequestSummary]:
    """A department sees the requests it made and those addressed to it; the bureau, the data
    centre and the supervisors see all (DOMAIN: object-level rule)."""
    query = select(ShareRequest)
    if principal.is_staff or principal.has(*SUPERVISORS):
        if as_ is not None:
            raise Invalid(errors=[FieldProblem("as", "only a department lists by its side")])
    else:
        require_role(principal, Role.DEPARTMENT)
        mine = principal.department or ""
        if as_ == "requester":
            query = query.where(col(ShareRequest.requester) == mine)
        elif as_ == "provider":
            query = query.where(col(ShareRequest.provider) == mine)
        else:
            query = query.where(
                or_(col(ShareRequest.requester) == mine, col(ShareRequest.provider) == mine)
            )
    if status is not None:
        query = query.where(col(ShareRequest.status) == status)
    if resource_id is not None:
        query = query.where(col(ShareRequest.resource_id) == resource_id)
    return await keyset_page(
        session,
        query,
        key=ShareRequest.id,  # type: ignore[arg-type]
        page=page,
        to_public=summary,
        cursor_of=lambda request: request.id,
    )
