"""What happens to an application (Art. 24): the data centre's screening (complete → forwarded
with a 10-working-day review clock; incomplete → returned, everything missing listed once), the
municipal resubmission, the owning department's approval or written refusal, and the applicant's
usage report (a feedback duty of conditional opening, Art. 23)."""

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from opening import clock
from opening.applications.access import (
    AlreadyReturnedOnce,
    WrongApplicationState,
    decision_fields,
    require_owner,
    visible_application,
)
from opening.applications.deadlines import review_deadline
from opening.applications.models import Application
from opening.applications.schemas import (
    ApprovalCreate,
    Refusal,
    Resubmission,
    Screening,
    UsageReportCreate,
)
from opening.listings.models import Listing
from opening.listings.schemas import conditions_of
from pdp_contracts import EventPayload
from pdp_contracts import opening as events
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.calendar_store import load_calendar
from pdp_kit.errors import FieldProblem, Forbidden, Invalid
from pdp_kit.events.outbox import record_event

DEFAULT_PERIOD = timedelta(days=365)


async def _record(
    session: AsyncSession, application: Application, payload: EventPayload, principal: Principal
) -> None:
    """Every change of an application is an event the municipal adapter and audit read."""
    await record_event(
        session,
        payload,
        subject=application.id,
        actor=principal.client_id,
        department=application.department,
    )
    await session.flush()


async def screen(
    session: AsyncSession, *, application_id: str, data: Screening, principal: Principal
) -> Application:
    require_role(principal, Role.DATACENTER)
    application = await visible_application(session, application_id, principal, lock=True)
    if application.status != "received":
        raise WrongApplicationState(application.status, "再次筛查")
    today = clock.today()
    application.screened_on = today
    if data.complete:
        application.status = "forwarded"
        deadline = review_deadline(await load_calendar(session), application)
        application.review_due_on, application.provisional = deadline.due_on, deadline.provisional
        payload: EventPayload = events.ApplicationForwarded(
            **decision_fields(application),
            screened_on=today,
            review_due_on=deadline.due_on,
            provisional=deadline.provisional,
        )
    else:
        if application.missing is not None:
            raise AlreadyReturnedOnce("材料缺项已一次性告知，不能再次退回")
        application.status, application.missing = "returned", list(data.missing)
        payload = events.ApplicationReturned(
            **decision_fields(application), missing=list(data.missing), screened_on=today
        )
    await _record(
        session,
        application,
        payload,
        principal,
    )
    return application


async def resubmit(
    session: AsyncSession, *, application_id: str, data: Resubmission, principal: Principal
) -> Application:
    """The municipal platform passes on the completed materials; screening starts again."""
    require_role(principal, Role.MUNICIPAL)
    application = await visible_application(session, application_id, principal, lock=True)
    if application.status != "returned":
        raise WrongApplicationState(application.status, "补正材料")
    today = clock.today()
    application.status, application.materials = "received", list(data.materials)
    application.received_on, application.screened_on = today, None
    await _record(
        session,
        application,
        events.ApplicationResubmitted(**decision_fields(application), received_on=today),
        principal,
    )
    return application


async def _forwarded_for_owner(
    session: AsyncSession, application_id: str, principal: Principal, action: str
) -> Application:
    application = await visible_application(session, application_id, principal, lock=True)
    require_owner(application, principal)
    if application.status != "forwarded":
        raise WrongApplicationState(application.status, action)
    return application


async def approve(
    session: AsyncSession, *, application_id: str, data: ApprovalCreate, principal: Principal
) -> Application:
    """Approval lets the applicant's ``public`` client read the listing for the scenario until
    ``valid_until`` (Art. 24); a usage report falls due where the listing asks for one."""
    application = await _forwarded_for_owner(session, application_id, principal, "批准")
    today = clock.today()
    valid_until = data.valid_until or application.requested_until or today + DEFAULT_PERIOD
    problems = []
    if valid_until < today:
        problems.append(FieldProblem("valid_until", "must not be in the past"))
    report_due = data.usage_report_due_on
    listing = await session.get(Listing, application.listing_id)
    conditions = conditions_of(listing.conditions) if listing is not None else None
    if report_due is None and conditions is not None and conditions.feedback.usage_report_due_days:
        report_due = today + timedelta(days=conditions.feedback.usage_report_due_days)
    if report_due is not None and report_due < today:
        problems.append(FieldProblem("usage_report_due_on", "must not be in the past"))
    if problems:
        raise Invalid(errors=problems)
    application.status, application.decided_on = "approved", today
    application.valid_from, application.valid_until = today, valid_until
    application.usage_report_due_on = report_due
    assert application.review_due_on is not None
    await _record(
        session,
        application,
        events.ApplicationApproved(
            **decision_fields(application),
            scenario=application.scenario,
            valid_from=today,
            valid_until=valid_until,
            usage_report_due_on=report_due,
            decided_on=today,
            on_time=today <= application.review_due_on,
        ),
        principal,
    )
    return application


async def refuse(
    session: AsyncSession, *, application_id: str, data: Refusal, principal: Principal
) -> Application:
    """A refusal carries its written reasons (Art. 24)."""
    application = await _forwarded_for_owner(session, application_id, principal, "拒绝")
    today = clock.today()
    application.status, application.decided_on, application.reason = "refused", today, data.reason
    assert application.review_due_on is not None
    await _record(
        session,
        application,
        events.ApplicationRefused(
            **decision_fields(application),
            reason=data.reason,
            decided_on=today,
            on_time=today <= application.review_due_on,
        ),
        principal,
    )
    return application


async def file_usage_report(
    session: AsyncSession, *, application_id: str, data: UsageReportCreate, principal: Principal
) -> Application:
    """The applicant's own client, or the municipal platform on its behalf."""
    application = await visible_application(session, application_id, principal, lock=True)
    is_applicant = principal.has(Role.PUBLIC) and principal.client_id == application.client_id
    if not (is_applicant or principal.has(Role.MUNICIPAL)):
        raise Forbidden("只有申请人可以提交使用情况报告")
    if application.status != "approved":
        raise WrongApplicationState(application.status, "提交使用情况报告")
    today = clock.today()
    application.usage_report, application.usage_report_filed_on = data.report, today
    application.usage_report_overdue_on = None
    await _record(
        session,
        application,
        events.UsageReportFiled(
            **decision_fields(application), filed_on=today, due_on=application.usage_report_due_on
        ),
        principal,
    )
    return application
