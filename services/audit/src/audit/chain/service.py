"""Integrity of the audit records (Art. 32): the chains, their check, their signed checkpoints."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from audit.chain.appender import Chain
from audit.chain.keys import signing_key
from audit.chain.metrics import integrity_metrics
from audit.chain.models import ChainCheckpoint, ChainHead
from audit.chain.signing import checkpoint_message
from audit.chain.verify import verify_chain
from audit.context import settings_of
from audit.journal.service import chain as journal_chain
from audit.netlogs.service import chain as netlog_chain
from audit.reports.service import chain as reports_chain
from audit.usage.service import chain as usage_chain
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import utcnow

CHAINS: tuple[Chain, ...] = (journal_chain, usage_chain, reports_chain, netlog_chain)
READERS = (Role.BUREAU, Role.CYBERSPACE, Role.ASSESSOR)


class BadLink(BaseModel):
    kind: str = Field(description="记录类别：journal / usage / reports / netlog")
    position: int = Field(description="链上第一个不符的位置")


class IntegrityReport(BaseModel):
    ok: bool
    checked: int = Field(description="核验的记录数")
    first_bad: BadLink | None = None


async def check_integrity(session: AsyncSession, *, principal: Principal) -> IntegrityReport:
    require_role(principal, *READERS)
    return await verify_all(session)


async def verify_all(session: AsyncSession) -> IntegrityReport:
    """Check every chain; the result is also the ``pdp_audit_integrity_*`` metrics."""
    report = await _verify_all(session)
    integrity_metrics().record(report.ok)
    return report


async def verify_integrity(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Sweep: check every chain once a day, so the metrics (and their alert) stay current."""
    report = await verify_all(session)
    bad = report.first_bad
    return {"ok": report.ok, "first_bad": f"{bad.kind}@{bad.position}" if bad else None}


async def _verify_all(session: AsyncSession) -> IntegrityReport:
    key = signing_key(settings_of(session))
    checked = 0
    for chain in CHAINS:
        finding = await verify_chain(session, chain, key)
        checked += finding.checked
        if finding.first_bad is not None:
            return IntegrityReport(
                ok=False,
                checked=checked,
                first_bad=BadLink(kind=chain.kind, position=finding.first_bad),
            )
    return IntegrityReport(ok=True, checked=checked)


async def write_checkpoints(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Sweep: sign each chain head that moved since its last checkpoint (Art. 32)."""
    key = signing_key(settings_of(session))
    written: dict[str, int] = {}
    for head in await session.scalars(select(ChainHead).order_by(col(ChainHead.kind))):
        last = await session.scalar(
            select(ChainCheckpoint)
            .where(col(ChainCheckpoint.kind) == head.kind)
            .order_by(col(ChainCheckpoint.position).desc())
            .limit(1)
        )
        if head.position == 0 or (last is not None and last.position == head.position):
            continue
        checkpoint = ChainCheckpoint(
            kind=head.kind,
            position=head.position,
            hash=head.hash,
            signed_at=utcnow(),
            key_id=key.key_id,
            signature="",
        )
        checkpoint.signature = key.sign(checkpoint_message(checkpoint))
        session.add(checkpoint)
        written[head.kind] = head.position
    return {"checkpoints": written}
