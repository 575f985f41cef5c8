"""Objection tickets (异议核实工单, Art. 6(8)): anyone entitled to a published resource's data
files one; the owning department verifies, corrects (Art. 6(6)) and answers."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog import clock
from catalog.grants.service import holds_active_grant
from catalog.ids import new_id
from catalog.objections.models import Objection
from catalog.objections.schemas import ObjectionAnswer, ObjectionCreate, ObjectionPublic
from catalog.records.service import published_version
from catalog.resources.service import find_resource
from pdp_contracts.catalog import ObjectionAnswered, ObjectionFiled
from pdp_kit.auth import SUPERVISORS, Principal, Role, require_department_or, require_role
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.errors import Conflict, FieldProblem, Forbidden, Invalid, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page
from pdp_kit.settings import internal_client_id

#: Who may object to a resource's data (Art. 6, 14): its owner, the data centre, a department
#: holding an active grant on it (sharing's grant events, Art. 19, 20), and the services that
#: licence it to outsiders (opening, registry), which check the licence and file for its holder.
FILERS = (Role.DEPARTMENT, Role.DATACENTER, Role.SERVICE)
LICENSING_SERVICES = frozenset(internal_client_id(s) for s in ("opening", "registry"))


class ObjectionAlreadyAnswered(Conflict):
    code, title = "objection-answered", "异议工单已答复"


async def file_objection(
    session: AsyncSession, *, resource_id: str, data: ObjectionCreate, principal: Principal
) -> Objection:
    require_role(principal, *FILERS)
    resource = await find_resource(session, resource_id, principal)
    await _require_entitled(session, principal, resource_id=resource.id, owner=resource.department)
    version = await published_version(session, resource)
    known = {f["name"] for f in version.fields}
    problems = [
        FieldProblem(f"fields.{i}", f"{name} is not a field of the resource")
        for i, name in enumerate(data.fields)
        if name not in known
    ]
    problems += [
        FieldProblem(f"record.{name}", "is not a field of the resource")
        for name in (data.record or {})
        if name not in known
    ]
    if problems:
        raise Invalid(errors=problems)
    objection = Objection(
        id=new_id(),
        resource_id=resource.id,
        department=resource.department,
        version=version.version,
        filed_by=principal.client_id,
        filer_department=principal.department if principal.has(Role.DEPARTMENT) else None,
        description=data.description,
        fields=data.fields,
        record=data.record,
    )
    session.add(objection)
    await record_event(
        session,
        ObjectionFiled(
            id=objection.id,
            resource_id=resource.id,
            department=resource.department,
            filed_by=objection.filed_by,
            filer_department=objection.filer_department,
        ),
        subject=objection.id,
        actor=principal.client_id,
        department=resource.department,
    )
    await session.flush()
    return objection


async def _require_entitled(
    session: AsyncSession, principal: Principal, *, resource_id: str, owner: str
) -> None:
    """403 unless the caller may object (Art. 6, 14): see :data:`FILERS`."""
    if principal.acts_for(owner) or principal.has(Role.DATACENTER):
        return
    if principal.has(Role.SERVICE) and principal.client_id in LICENSING_SERVICES:
        return
    if (
        principal.has(Role.DEPARTMENT)
        and principal.department is not None
        and await holds_active_grant(
            session, resource_id=resource_id, department=principal.department, today=clock.today()
        )
    ):
        return
    raise Forbidden("仅资源所属部门、数据中心或持有该资源有效共享授权的部门可提出异议")


def _may_read(objection: Objection, principal: Principal) -> bool:
    return (
        principal.may_read_department(objection.department)
        or principal.client_id == objection.filed_by
        or (
            objection.filer_department is not None
            and principal.acts_for(objection.filer_department)
        )
    )


async def get_objection(
    session: AsyncSession, *, objection_id: str, principal: Principal
) -> Objection:
    """The filer, the owning department, the staff and supervisors; others get 404."""
    objection = await session.get(Objection, objection_id)
    if objection is None or not _may_read(objection, principal):
        raise NotFound(f"异议工单 {objection_id} 不存在")
    return objection


async def list_objections(
    session: AsyncSession, *, resource_id: str, page: PageParams, principal: Principal
) -> Page[ObjectionPublic]:
    resource = await find_resource(session, resource_id, principal)
    require_department_or(
        principal, resource.department, Role.BUREAU, Role.DATACENTER, *SUPERVISORS
    )
    return await keyset_page(
        session,
        select(Objection).where(col(Objection.resource_id) == resource.id),
        key=Objection.id,  # type: ignore[arg-type]
        page=page,
        to_public=ObjectionPublic.model_validate,
        cursor_of=lambda o: o.id,
    )


async def answer_objection(
    session: AsyncSession, *, objection_id: str, data: ObjectionAnswer, principal: Principal
) -> Objection:
    """Only the owning department answers (Art. 6(8): 受理…并作处理反馈), once."""
    objection = await get_objection(session, objection_id=objection_id, principal=principal)
    require_department_or(principal, objection.department)  # the filer sees it, but gets 403
    objection = await get_for_update(session, Objection, objection.id) or objection
    if objection.status != "open":
        raise ObjectionAlreadyAnswered(errors=[FieldProblem("status", f"is {objection.status}")])
    objection.status, objection.outcome, objection.answer = "answered", data.outcome, data.answer
    objection.answered_by, objection.answered_at = principal.client_id, utcnow()
    await record_event(
        session,
        ObjectionAnswered(
            id=objection.id,
            resource_id=objection.resource_id,
            department=objection.department,
            outcome=data.outcome,
        ),
        subject=objection.id,
        actor=principal.client_id,
        department=objection.department,
    )
    await session.flush()
    return objection
