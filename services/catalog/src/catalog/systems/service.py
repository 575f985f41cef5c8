"""The system catalogue (系统目录): the business systems a department runs. Art. 6(2), 8, 9."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.access import ensure_owner_or_bureau, ensure_readable
from catalog.departments.service import require_department
from catalog.ids import new_id
from catalog.systems.models import System
from catalog.systems.schemas import SystemCreate, SystemPublic
from pdp_contracts.catalog import SystemCreated
from pdp_kit.auth import Principal
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
    if await find_system(session, department=department, code=data.code) is not None:
        raise SystemExists(errors=[FieldProblem("code", f"{data.code} already exists")])
    system = System(id=new_id(), department=department, **data.model_dump())
    session.add(system)
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
    await session.flush()
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
