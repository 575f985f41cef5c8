"""The system catalogue (系统目录): the business systems a department runs. Art. 6(2), 8, 9."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.access import ensure_owner_or_bureau, ensure_readable
from catalog.chain import life
from catalog.chain.requests import request_chain
from catalog.departments.service import require_department
from catalog.ids import new_id
from catalog.systems.models import System
from catalog.systems.schemas import SystemCreate, SystemPublic, SystemUpdate
from pdp_contracts.catalog import SystemCreated, SystemRetired, SystemUpdated
from pdp_kit.auth import Principal
from pdp_kit.db import get_for_update, insert_or_conflict
from pdp_kit.errors import Conflict, FieldProblem, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page


class SystemExists(Conflict):
    code, title = "system-exists", "系统编码已存在"


async def create_system(
    session: AsyncSession, *, department: str, data: SystemCreate, principal: Principal
) -> System:
    """The department itself, or the bureau, compiles its system catalogue (Art. 9)."""
    await require_department(session, department)
    ensure_owner_or_bureau(principal, department)
    exists = SystemExists(errors=[FieldProblem("code", f"{data.code} already exists")])
    if await find_system(session, department=department, code=data.code) is not None:
        raise exists
    system = System(id=new_id(), department=department, **data.model_dump())
    await insert_or_conflict(session, system, exists)  # a concurrent registration: 409
    await record_event(
        session,
        SystemCreated(
            id=system.id,
            department=department,
            code=system.code,
            name=system.name,
        ),
        subject=system.id,
        actor=principal.client_id,
        department=department,
    )
    await request_chain(session, system, actor=principal.client_id)
    return system


async def _locked(
    session: AsyncSession, *, department: str, code: str, principal: Principal
) -> System:
    system = await get_system(session, department=department, code=code, principal=principal)
    ensure_owner_or_bureau(principal, department)
    locked = await get_for_update(session, System, system.id)
    assert locked is not None
    return locked


async def update_system(
    session: AsyncSession, *, department: str, code: str, data: SystemUpdate, principal: Principal
) -> System:
    """Rename an active system (the department or the bureau, Art. 10)."""
    system = await _locked(session, department=department, code=code, principal=principal)
    life.require_active(system)
    system.name = data.name
    await life.changed(session, system, actor=principal.client_id)
    await record_event(
        session,
        SystemUpdated(
            id=system.id,
            department=department,
            code=system.code,
            name=system.name,
            version=system.version,
        ),
        subject=system.id,
        actor=principal.client_id,
        department=department,
    )
    return system


async def retire_system(
    session: AsyncSession, *, department: str, code: str, reason: str, principal: Principal
) -> System:
    """The system was decommissioned; it stays readable, and no resource may name it any more."""
    system = await _locked(session, department=department, code=code, principal=principal)
    await life.retire(session, system, actor=principal.client_id)
    await record_event(
        session,
        SystemRetired(
            id=system.id,
            department=department,
            code=system.code,
            reason=reason,
            version=system.version,
        ),
        subject=system.id,
        actor=principal.client_id,
        department=department,
    )
    return system


async def find_system(session: AsyncSession, *, department: str, code: str) -> System | None:
    system: System | None = await session.scalar(
        select(System).where(col(System.department) == department, col(System.code) == code)
    )
    return system


async def get_system(
    session: AsyncSession, *, department: str, code: str, principal: Principal
) -> System:
    await require_department(session, department)
    ensure_readable(principal, department)
    system = await find_system(session, department=department, code=code)
    if system is None:
        raise NotFound(f"系统 {code} 不存在")
    return system


async def list_systems(
    session: AsyncSession, *, department: str, page: PageParams, principal: Principal
) -> Page[SystemPublic]:
    """A department's catalogues are read by itself, the staff and supervisors only."""
    await require_department(session, department)
    ensure_readable(principal, department)
    return await keyset_page(
        session,
        select(System).where(col(System.department) == department),
        key=System.code,  # type: ignore[arg-type]
        page=page,
        to_public=SystemPublic.model_validate,
        cursor_of=lambda d: d.code,
    )
