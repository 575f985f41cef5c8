"""Operators (被授权运营主体, Art. 27): recorded by the bureau, disqualified when they no longer
meet the conditions of operation (every authorisation they hold is revoked with them)."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.registry import OperatorDisqualified, OperatorRegistered
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.db import get_for_update, insert_or_conflict
from pdp_kit.errors import Conflict, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page
from registry import clock
from registry.authorisations.access import is_operator
from registry.authorisations.lifecycle import expire, revoke
from registry.authorisations.models import Authorisation
from registry.ids import new_id
from registry.operators.models import Operator
from registry.operators.schemas import Disqualification, OperatorCreate, OperatorPublic


class OperatorExists(Conflict):
    code, title = "operator-exists", "该统一社会信用代码的运营主体已登记"


class OperatorDisqualifiedAlready(Conflict):
    code, title = "operator-state", "运营主体已不再符合运营条件"


def _public(operator: Operator) -> OperatorPublic:
    return OperatorPublic.model_validate(operator.model_dump())


def _may_see(operator: Operator, principal: Principal) -> bool:
    return principal.is_staff or principal.has(*SUPERVISORS) or is_operator(principal, operator.id)


async def create_operator(
    session: AsyncSession, *, data: OperatorCreate, principal: Principal
) -> OperatorPublic:
    """The bureau records the operator; it then creates the operator's gateway client with
    ``operator`` set to the returned ``id``."""
    require_role(principal, Role.BUREAU)
    operator = Operator(
        id=new_id(),
        name=data.name,
        credit_code=data.credit_code,
        contacts=[c.model_dump(mode="json") for c in data.contacts],
        qualifications=[q.model_dump(mode="json") for q in data.qualifications],
    )
    await insert_or_conflict(session, operator, OperatorExists(f"{data.credit_code} 已登记"))
    await record_event(
        session,
        OperatorRegistered(id=operator.id, name=operator.name, credit_code=operator.credit_code),
        subject=operator.id,
        actor=principal.client_id,
    )
    return _public(operator)


async def get_operator(
    session: AsyncSession, *, operator_id: str, principal: Principal
) -> OperatorPublic:
    operator = await session.get(Operator, operator_id)
    if operator is None or not _may_see(operator, principal):
        raise NotFound(f"运营主体 {operator_id} 不存在")
    return _public(operator)


async def list_operators(
    session: AsyncSession, *, principal: Principal, page: PageParams
) -> Page[OperatorPublic]:
    """The bureau, the data centre and the supervisors see every operator; an operator itself."""
    query = select(Operator)
    if not (principal.is_staff or principal.has(*SUPERVISORS)):
        require_role(principal, Role.OPERATOR)
        query = query.where(col(Operator.id) == (principal.operator or ""))
    return await keyset_page(
        session,
        query,
        key=Operator.id,  # type: ignore[arg-type]
        page=page,
        to_public=_public,
        cursor_of=lambda row: row.id,
    )


async def disqualify(
    session: AsyncSession, *, operator_id: str, data: Disqualification, principal: Principal
) -> OperatorPublic:
    """Lost eligibility (Art. 27): every active authorisation of the operator is revoked."""
    require_role(principal, Role.BUREAU)
    operator = await get_for_update(session, Operator, operator_id)
    if operator is None:
        raise NotFound(f"运营主体 {operator_id} 不存在")
    if operator.status != "active":
        raise OperatorDisqualifiedAlready()
    operator.status, operator.disqualified_reason = "disqualified", data.reason
    live = (
        await session.scalars(
            select(Authorisation)
            .where(
                col(Authorisation.operator) == operator.id,
                col(Authorisation.status) == "active",
            )
            .order_by(col(Authorisation.id))
            .with_for_update()
        )
    ).all()
    today = clock.today()
    for authorisation in live:
        if authorisation.valid_until < today:  # its term ended first: expired, not revoked
            await expire(session, authorisation, as_of=today)
            continue
        await revoke(
            session,
            authorisation,
            cause="lost_eligibility",
            reason=data.reason,
            actor=principal.client_id,
        )
    await record_event(
        session,
        OperatorDisqualified(
            id=operator.id,
            reason=data.reason,
            authorisations=[a.id for a in live if a.status == "revoked"],
        ),
        subject=operator.id,
        actor=principal.client_id,
    )
    await session.flush()
    return _public(operator)
