"""Registrations (Art. 28): a department registers the resources it provides with the data
centre (or the data centre with it); an operator registers the products and services it made under
an authorisation, from the authorisation's resources only. The data centre completes each one."""

from sqlalchemy import false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.registry import RegistrationCompleted, RegistrationFiled
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.calendar_store import load_calendar
from pdp_kit.db import get_for_update
from pdp_kit.errors import Conflict, FieldProblem, Forbidden, Invalid, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page
from registry import clock
from registry.authorisations.access import (
    WrongAuthorisationState,
    effective_status,
    is_operator,
    visible_authorisation,
)
from registry.ids import new_id
from registry.registrations.deadlines import REGISTRATION_WORKING_DAYS
from registry.registrations.models import Registration
from registry.registrations.schemas import Kind, RegistrationCreate, RegistrationPublic
from registry.resources.service import resources_by_id


class RegistrationAlreadyCompleted(Conflict):
    code, title = "registration-state", "登记已完成"


def _public(registration: Registration) -> RegistrationPublic:
    return RegistrationPublic.model_validate(registration.model_dump())


def _may_see(registration: Registration, principal: Principal) -> bool:
    return (
        principal.is_staff
        or principal.has(*SUPERVISORS)
        or (registration.department is not None and principal.acts_for(registration.department))
        or (registration.operator is not None and is_operator(principal, registration.operator))
    )


async def _operator_scope(
    session: AsyncSession, data: RegistrationCreate, principal: Principal
) -> tuple[str, list[str]]:
    """The operator's own active authorisation (another operator's: 404), and the resources the
    product was made from, inside it (outside: 422)."""
    if data.authorisation is None:
        raise Invalid(errors=[FieldProblem("authorisation", "an operator names its authorisation")])
    authorisation = await visible_authorisation(session, data.authorisation, principal)
    status = effective_status(authorisation, clock.today())
    if status != "active":
        raise WrongAuthorisationState(status, "登记")
    resources = authorisation.resources if data.resources is None else data.resources
    outside = [rid for rid in resources if rid not in authorisation.resources]
    if outside or not resources:
        message = f"outside the authorisation: {', '.join(outside)}" if outside else "empty"
        raise Invalid(errors=[FieldProblem("resources", message)])
    return authorisation.id, list(dict.fromkeys(resources))


async def _department_scope(
    session: AsyncSession, data: RegistrationCreate, department: str
) -> list[str]:
    """A department registers published resources of its own (Art. 28, 登记主体)."""
    problems: list[FieldProblem] = []
    if data.kind is not Kind.RESOURCE:
        problems.append(FieldProblem("kind", "a department registers resources"))
    if data.authorisation is not None:
        problems.append(FieldProblem("authorisation", "only an operator names an authorisation"))
    resources = list(dict.fromkeys(data.resources or []))
    known = await resources_by_id(session, resources)
    foreign = [
        rid
        for rid in resources
        if rid not in known
        or known[rid].department != department
        or known[rid].status == "withdrawn"
    ]
    if not resources:
        problems.append(FieldProblem("resources", "name the resources provided"))
    elif foreign:
        problems.append(
            FieldProblem("resources", f"not published resources of {department}: {foreign}")
        )
    if problems:
        raise Invalid(errors=problems)
    return resources


def _registering_department(data: RegistrationCreate, principal: Principal) -> str:
    """A department registers for itself; the data centre registers with a department, naming it
    (Art. 28: 会同区数据发展中心)."""
    if principal.has(Role.DEPARTMENT):
        if data.department not in (None, principal.department):
            raise Forbidden("只能登记本部门提供的数据资源")
        return principal.department or ""
    if data.department is None:
        raise Invalid(errors=[FieldProblem("department", "the data centre names the department")])
    return data.department


async def file_registration(
    session: AsyncSession, *, data: RegistrationCreate, principal: Principal
) -> RegistrationPublic:
    require_role(principal, Role.OPERATOR, Role.DEPARTMENT, Role.DATACENTER)
    today = clock.today()
    if data.delivered_on > today:
        raise Invalid(errors=[FieldProblem("delivered_on", "must not be in the future")])
    department = operator = authorisation = None
    if principal.has(Role.OPERATOR) and principal.operator:
        operator = principal.operator
        authorisation, resources = await _operator_scope(session, data, principal)
    else:
        department = _registering_department(data, principal)
        resources = await _department_scope(session, data, department)
    calendar = await load_calendar(session)
    deadline = calendar.add_working_days(data.delivered_on, REGISTRATION_WORKING_DAYS)
    registration = Registration(
        id=new_id(),
        kind=data.kind.value,
        subject=data.subject,
        department=department,
        operator=operator,
        authorisation=authorisation,
        resources=resources,
        delivered_on=data.delivered_on,
        received_on=today,
        due_on=deadline.due_on,
        provisional=deadline.provisional,
        late=today > deadline.due_on,
    )
    session.add(registration)
    await record_event(
        session,
        RegistrationFiled.model_validate(registration.model_dump()),
        subject=registration.id,
        actor=principal.client_id,
        department=department,
    )
    await session.flush()
    return _public(registration)


async def get_registration(
    session: AsyncSession, *, registration_id: str, principal: Principal
) -> RegistrationPublic:
    registration = await session.get(Registration, registration_id)
    if registration is None or not _may_see(registration, principal):
        raise NotFound(f"登记 {registration_id} 不存在")
    return _public(registration)


async def list_registrations(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    kind: str | None,
    status: str | None,
    authorisation: str | None,
) -> Page[RegistrationPublic]:
    """A department or an operator sees its own; staff and supervisors see all."""
    query = select(Registration)
    if not (principal.is_staff or principal.has(*SUPERVISORS)):
        require_role(principal, Role.OPERATOR, Role.DEPARTMENT)
        own = [
            col(column) == value
            for column, value in (
                (Registration.department, principal.department),
                (Registration.operator, principal.operator),
            )
            if value
        ]
        query = query.where(or_(false(), *own))
    for column, value in (
        (Registration.kind, kind),
        (Registration.status, status),
        (Registration.authorisation, authorisation),
    ):
        if value is not None:
            query = query.where(col(column) == value)
    return await keyset_page(
        session,
        query,
        key=Registration.id,  # type: ignore[arg-type]
        page=page,
        to_public=_public,
        cursor_of=lambda row: row.id,
    )


async def complete(
    session: AsyncSession, *, registration_id: str, principal: Principal
) -> RegistrationPublic:
    """The data centre (or the bureau) completes the registration with its registrant."""
    require_role(principal, Role.DATACENTER, Role.BUREAU)
    registration = await get_for_update(session, Registration, registration_id)
    if registration is None:
        raise NotFound(f"登记 {registration_id} 不存在")
    if registration.status != "submitted":
        raise RegistrationAlreadyCompleted()
    today = clock.today()
    registration.status, registration.completed_on = "completed", today
    await record_event(
        session,
        RegistrationCompleted(
            id=registration.id,
            department=registration.department,
            operator=registration.operator,
            completed_on=today,
            on_time=registration.received_on <= registration.due_on,
        ),
        subject=registration.id,
        actor=principal.client_id,
        department=registration.department,
    )
    await session.flush()
    return _public(registration)
