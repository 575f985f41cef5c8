"""The duty catalogue (职责目录): what a department is legally charged with. Art. 6(2), 9."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.access import ensure_owner_or_bureau, ensure_readable
from catalog.departments.service import require_department
from catalog.duties.models import Duty
from catalog.duties.schemas import DutyCreate, DutyPublic
from catalog.ids import new_id
from pdp_contracts.catalog import DutyCreated
from pdp_kit.auth import Principal
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
    if await find_duty(session, department=department, code=data.code) is not None:
        raise DutyExists(errors=[FieldProblem("code", f"{data.code} already exists")])
    duty = Duty(id=new_id(), department=department, **data.model_dump())
    session.add(duty)
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
    await session.flush()
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
