"""Who may see and act on an authorisation: the bureau and the data centre, the supervisors (read),
and the operator it was granted to; anyone else is told it does not exist (404)."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from pdp_kit.auth import Principal, Role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.db import get_for_update
from pdp_kit.errors import Conflict, NotFound
from registry.authorisations.models import Authorisation
from registry.authorisations.schemas import AuthorisationPublic, ScenarioState

STATUS_NAMES = {"active": "有效", "revoked": "已终止", "expired": "已到期"}


class WrongAuthorisationState(Conflict):
    code, title = "authorisation-state", "授权当前状态不允许此操作"

    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"授权状态为 {status}（{STATUS_NAMES.get(status, status)}），不能{action}")


def is_operator(principal: Principal, operator: str) -> bool:
    """An operator client acts for its own operator id only (DOMAIN: object-level rule)."""
    return principal.has(Role.OPERATOR) and principal.operator == operator


def may_see(authorisation: Authorisation, principal: Principal) -> bool:
    return (
        principal.is_staff
        or principal.has(*SUPERVISORS)
        or is_operator(principal, authorisation.operator)
    )


async def visible_authorisation(
    session: AsyncSession, authorisation_id: str, principal: Principal, *, lock: bool = False
) -> Authorisation:
    authorisation = (
        await get_for_update(session, Authorisation, authorisation_id)
        if lock
        else await session.get(Authorisation, authorisation_id)
    )
    if authorisation is None or not may_see(authorisation, principal):
        raise NotFound(f"授权 {authorisation_id} 不存在")
    return authorisation


def effective_status(authorisation: Authorisation, today: date) -> str:
    """An active authorisation past its term is expired at once, before the sweep records it."""
    if authorisation.status == "active" and authorisation.valid_until < today:
        return "expired"
    return authorisation.status


def to_public(authorisation: Authorisation, today: date) -> AuthorisationPublic:
    return AuthorisationPublic(
        id=authorisation.id,
        operator=authorisation.operator,
        resources=authorisation.resources,
        scenarios=[
            ScenarioState(name=name, assessment=authorisation.assessed.get(name, "pending"))
            for name in authorisation.scenarios
        ],
        valid_from=authorisation.valid_from,
        valid_until=authorisation.valid_until,
        security_environment=authorisation.security_environment,
        status=effective_status(authorisation, today),
        granted_on=authorisation.granted_on,
        next_evaluation_on=authorisation.next_evaluation_on,
        ended_on=authorisation.ended_on,
        end_cause=authorisation.end_cause,
        end_reason=authorisation.end_reason,
        last_called_at=authorisation.last_called_at,
    )
