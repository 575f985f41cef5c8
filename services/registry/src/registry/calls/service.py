"""Operator data access (Art. 27): only the operator the authorisation was granted to, only its
resources, only for scenarios whose assessment passed, only while it is active and within its term.
Sensitive fields never leave (Art. 27: personal information is processed inside the security
environment). Every call — served, refused or failed — is published as a usage record for audit
(Art. 34)."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from pdp_contracts.registry import AuthorisationDataCalled
from pdp_contracts.usage import UsageBasis, UsageResult
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import utcnow
from pdp_kit.errors import BadRequest, Conflict, DomainError, FieldProblem, NotFound, Unavailable
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import MAX_LIMIT
from registry import clock
from registry.authorisations.access import WrongAuthorisationState, effective_status, is_operator
from registry.authorisations.models import Authorisation
from registry.authorisations.schemas import AuthorisationData
from registry.calls.catalog_client import CatalogRecords
from registry.resources.models import AuthorisableResource


class ScenarioNotAssessed(Conflict):
    code, title = "scenario-not-assessed", "应用场景未通过合规性和安全风险评估"


class ResourceNoLongerAvailable(Conflict):
    code, title = "resource-withdrawn", "数据资源已下线或正在更新"


class NothingReleasable(Conflict):
    code, title = "no-releasable-fields", "该资源的字段均为敏感字段，只能在安全环境内使用"


@dataclass(frozen=True)
class CallOutcome:
    """Either the data or the refusal; a refusal is answered without rolling back its record."""

    data: AuthorisationData | None = None
    error: DomainError | None = None


async def call_data(
    session: AsyncSession,
    *,
    authorisation_id: str,
    resource_id: str,
    scenario: str,
    principal: Principal,
    limit: int,
    cursor: str | None,
    catalog: CatalogRecords,
) -> CallOutcome:
    require_role(principal, Role.OPERATOR)  # a public client, a department, the bureau: 403
    if limit > MAX_LIMIT:
        raise BadRequest(errors=[FieldProblem("limit", f"must be at most {MAX_LIMIT}")])
    authorisation = await session.get(Authorisation, authorisation_id)
    if authorisation is None or not is_operator(principal, authorisation.operator):
        raise NotFound(f"授权 {authorisation_id} 不存在")  # another operator's: 404
    if resource_id not in authorisation.resources:
        raise NotFound(f"授权 {authorisation_id} 不含资源 {resource_id}")
    if scenario not in authorisation.scenarios:
        raise BadRequest(errors=[FieldProblem("scenario", "not a scenario of this authorisation")])
    resource = await session.get(AuthorisableResource, resource_id)
    refusal = _refusal(authorisation, resource, scenario)
    provider = resource.department if resource is not None else ""
    usage = _Usage(authorisation, resource_id, provider, scenario, principal)
    if refusal is not None:
        await usage.record(session, UsageResult.REFUSED, reason=refusal.detail)
        return CallOutcome(error=refusal)
    assert resource is not None
    fields = resource.releasable_fields()
    try:
        page = await catalog.page(resource_id, fields=fields, limit=limit, cursor=cursor)
    except Unavailable as exc:
        await usage.record(session, UsageResult.FAILED, reason=exc.detail)
        return CallOutcome(error=exc)
    authorisation.last_called_at = utcnow()
    await usage.record(session, UsageResult.OK, fields=fields, count=len(page.items))
    return CallOutcome(
        data=AuthorisationData(
            authorisation_id=authorisation.id,
            resource_id=resource_id,
            scenario=scenario,
            fields=fields,
            items=[{name: item.get(name) for name in fields} for item in page.items],
            next_cursor=page.next_cursor,
        )
    )


def _refusal(
    authorisation: Authorisation, resource: AuthorisableResource | None, scenario: str
) -> DomainError | None:
    """Checked at call time: a revoked or expired authorisation stops at once (Art. 27)."""
    status = effective_status(authorisation, clock.today())
    if status != "active":
        return WrongAuthorisationState(status, "访问数据")
    if authorisation.valid_from > clock.today():
        return WrongAuthorisationState("not_yet_valid", "访问数据（授权尚未生效）")
    if authorisation.assessed.get(scenario) != "pass":
        return ScenarioNotAssessed(f"场景「{scenario}」尚未通过评估，不能使用")
    if resource is None or resource.status != "published":
        return ResourceNoLongerAvailable()
    if not resource.releasable_fields():
        return NothingReleasable()
    return None


@dataclass(frozen=True)
class _Usage:
    authorisation: Authorisation
    resource_id: str
    provider: str
    scenario: str
    principal: Principal

    async def record(
        self,
        session: AsyncSession,
        result: UsageResult,
        *,
        fields: list[str] | None = None,
        count: int = 0,
        reason: str | None = None,
    ) -> None:
        await record_event(
            session,
            AuthorisationDataCalled(
                client_id=self.principal.client_id,
                operator=self.principal.operator,
                basis=UsageBasis.AUTHORISATION,
                basis_id=self.authorisation.id,
                resource_id=self.resource_id,
                provider=self.provider,
                purpose=self.scenario,
                fields=fields or [],
                record_count=count,
                result=result,
                reason=reason,
                called_at=utcnow(),
            ),
            subject=self.authorisation.id,
            actor=self.principal.client_id,
            department=self.provider or None,
        )
