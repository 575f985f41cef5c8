"""The duty catalogue (职责目录): what a department is legally charged with. Art. 6(2), 9."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.access import ensure_owner_or_bureau, ensure_readable
from catalog.chain import life
from catalog.chain.requests import request_chain
from catalog.departments.service import require_department
from catalog.duties.models import Duty
from catalog.duties.schemas import DutyCreate, DutyPublic, DutyUpdate
from catalog.ids import new_id
from pdp_contracts.catalog import DutyCreated, DutyRetired, DutyUpdated
from pdp_kit.auth import Principal
from pdp_kit.db import get_for_update, insert_or_conflict
from pdp_kit.errors import Conflict, FieldProblem, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page


class DutyExists(Conflict):
    code, title = "duty-exists", "职责编码已存在"


async def create_duty(
    session: AsyncSession, *, department: str, data: DutyCreate, principal: Principal
) -> Duty:
    """The department itself, or the bureau, compiles its duty catalogue (Art. 9)."""
    await require_department(session, department)
    ensure_owner_or_bureau(principal, department)
    exists = DutyExists(errors=[FieldProblem("code", f"{data.code} already exists")])
    if await find_duty(session, department=department, code=data.code) is not None:
        raise exists
    duty = Duty(id=new_id(), department=department, **data.model_dump())
    await insert_or_conflict(session, duty, exists)  # a concurrent registration: 409
    await record_event(
        session,
        DutyCreated(
            id=duty.id,
            department=department,
            code=duty.code,
            name=duty.name,
            legal_basis=duty.legal_basis,
        ),
        subject=duty.id,
        actor=principal.client_id,
        department=department,
    )
    await request_chain(session, duty, actor=principal.client_id)
    return duty


async def _locked(
    session: AsyncSession, *, department: str, code: str, principal: Principal
) -> Duty:
    duty = await get_duty(session, department=department, code=code, principal=principal)
    ensure_owner_or_bureau(principal, department)
    locked = await get_for_update(session, Duty, duty.id)
    assert locked is not None
    return locked


async def update_duty(
    session: AsyncSession, *, department: str, code: str, data: DutyUpdate, principal: Principal
) -> Duty:
    """Correct an active duty's name or legal basis (the department or the bureau, Art. 10)."""
    duty = await _locked(session, department=department, code=code, principal=principal)
    life.require_active(duty)
    duty.name, duty.legal_basis = data.name, data.legal_basis
    await life.changed(session, duty, actor=principal.client_id)
    await record_event(
        session,
        DutyUpdated(
            id=duty.id,
            department=department,
            code=duty.code,
            name=duty.name,
            legal_basis=duty.legal_basis,
            version=duty.version,
        ),
        subject=duty.id,
        actor=principal.client_id,
        department=department,
    )
    return duty


async def retire_duty(
    session: AsyncSession, *, department: str, code: str, reason: str, principal: Principal
) -> Duty:
    """The duty ended (职责调整); it stays readable, and no resource may name it any more."""
    duty = await _locked(session, department=department, code=code, principal=principal)
    await life.retire(session, duty, actor=principal.client_id)
    await record_event(
        session,
        DutyRetired(
            id=duty.id, department=department, code=duty.code, reason=reason, version=duty.version
        ),
        subject=duty.id,
        actor=principal.client_id,
        department=department,
    )
    return duty


async def find_duty(session: AsyncSession, *, department: str, code: str) -> Duty | None:
    duty: Duty | None = await session.scalar(
        select(Duty).where(col(Duty.department) == department, col(Duty.code) == code)
    )
    return duty


async def get_duty(
    session: AsyncSession, *, department: str, code: str, principal: Principal
) -> Duty:
    await require_department(session, department)
    ensure_readable(principal, department)
    duty = await find_duty(session, department=department, code=code)
    if duty is None:
        raise NotFound(f"职责 {code} 不存在")
    return duty


async def list_duties(
    session: AsyncSession, *, department: str, page: PageParams, principal: Principal
) -> Page[DutyPublic]:
    """A department's catalogues are read by itself, the staff and supervisors only."""
    await require_department(session, department)
    ensure_readable(principal, department)
    return await keyset_page(
        session,
        select(Duty).where(col(Duty.department) == department),
        key=Duty.code,  # type: ignore[arg-type]
        page=page,
        to_public=DutyPublic.model_validate,
        cursor_of=lambda d: d.code,
    )
