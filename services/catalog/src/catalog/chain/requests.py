"""Chain requests for the duty and system catalogues (Art. 9, 11): each create, update and
retirement is pushed to the municipal catalogue chain by the gateway's adapter, which answers
with a receipt shown on the entry."""

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.departments.models import Department
from catalog.duties.models import Duty
from catalog.systems.models import System
from pdp_contracts.catalog import DutyChainRequested, SystemChainRequested
from pdp_kit.db import utcnow
from pdp_kit.events.outbox import record_event


async def request_chain(session: AsyncSession, entry: Duty | System, *, actor: str | None) -> None:
    """Mark the entry's chain receipt pending and publish its chain request."""
    now = utcnow()
    entry.chain_status, entry.chain_tx_id, entry.chain_reason = "pending", None, None
    entry.chain_updated_at = now
    department = await session.get(Department, entry.department)
    common = {
        "id": entry.id,
        "version": entry.version,
        "department": entry.department,
        "department_name": department.name if department else entry.department,
        "code": entry.code,
        "name": entry.name,
        "status": entry.status,
        "changed_at": entry.updated_at or entry.created_at,
    }
    payload = (
        DutyChainRequested(**common, legal_basis=entry.legal_basis)
        if isinstance(entry, Duty)
        else SystemChainRequested(**common)
    )
    await record_event(session, payload, subject=entry.id, actor=actor, department=entry.department)
    await session.flush()
