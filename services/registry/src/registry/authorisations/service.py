"""Authorisations (Art. 27): granted by the bureau over published resources, for scenarios that
each pass a compliance and security-risk assessment before use, for a term."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.registry import AuthorisationGranted, ScenarioAssessed
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.errors import FieldProblem, Invalid
from pdp_kit.events.outbox import record_event
from pdp_kit.months import add_months
from pdp_kit.pagination import Page, PageParams, keyset_page
from registry import clock
from registry.authorisations.access import (
    WrongAuthorisationState,
    effective_status,
    to_public,
    visible_authorisation,
)
from registry.authorisations.models import Authorisation, Evaluation, ScenarioAssessment
from registry.authorisations.schemas import (
    AssessmentCreate,
    AssessmentPublic,
    AuthorisationCreate,
    AuthorisationPublic,
    EvaluationPublic,
)
from registry.ids import new_id
from registry.operators.models import Operator
from registry.resources.service import resources_by_id


async def grant(
    session: AsyncSession, *, data: AuthorisationCreate, principal: Principal, interval_months: int
) -> Authorisation:
    """Every problem at once (CONTRACT: 422 lists every field)."""
    require_role(principal, Role.BUREAU)
    today = clock.today()
    problems: list[FieldProblem] = []
    operator = await session.get(Operator, data.operator)
    if operator is None:
        problems.append(FieldProblem("operator", f"no operator {data.operator}"))
    elif operator.status != "active":
        problems.append(FieldProblem("operator", f"operator is {operator.status}"))
    known = await resources_by_id(session, data.resources)
    unpublished = [
        rid for rid in data.resources if rid not in known or known[rid].status != "published"
    ]
    if unpublished:
        problems.append(
            FieldProblem("resources", f"not published resources: {', '.join(unpublished)}")
        )
    if data.valid_until < data.valid_from:
        problems.append(FieldProblem("valid_until", "must not be before valid_from"))
    elif data.valid_until < today:
        problems.append(FieldProblem("valid_until", "must not be in the past"))
    if problems:
        raise Invalid("授权内容有误", errors=problems)
    authorisation = Authorisation(
        id=new_id(),
        operator=data.operator,
        resources=data.resources,
        scenarios=data.scenarios,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        security_environment=data.security_environment,
        granted_on=today,
        next_evaluation_on=add_months(max(today, data.valid_from), interval_months),
    )
    session.add(authorisation)
    await record_event(
        session,
        AuthorisationGranted(
            id=authorisation.id,
            operator=authorisation.operator,
            resources=authorisation.resources,
            scenarios=authorisation.scenarios,
            valid_from=authorisation.valid_from,
            valid_until=authorisation.valid_until,
            security_environment=authorisation.security_environment,
            next_evaluation_on=authorisation.next_evaluation_on,
        ),
        subject=authorisation.id,
        actor=principal.client_id,
    )
    await session.flush()
    return authorisation


async def get_authorisation(
    session: AsyncSession, *, authorisation_id: str, principal: Principal
) -> AuthorisationPublic:
    authorisation = await visible_authorisation(session, authorisation_id, principal)
    return to_public(authorisation, clock.today())


async def list_authorisations(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    operator: str | None,
    status: str | None,
) -> Page[AuthorisationPublic]:
    """An operator sees its own; the bureau, the data centre and the supervisors see all."""
    query = select(Authorisation)
    if not (principal.is_staff or principal.has(*SUPERVISORS)):
        require_role(principal, Role.OPERATOR)
        query = query.where(col(Authorisation.operator) == (principal.operator or ""))
    if operator is not None:
        query = query.where(col(Authorisation.operator) == operator)
    if status is not None:
        query = query.where(col(Authorisation.status) == status)
    today = clock.today()
    return await keyset_page(
        session,
        query,
        key=Authorisation.id,  # type: ignore[arg-type]
        page=page,
        to_public=lambda row: to_public(row, today),
        cursor_of=lambda row: row.id,
    )


async def assess_scenario(
    session: AsyncSession, *, authorisation_id: str, data: AssessmentCreate, principal: Principal
) -> Authorisation:
    """Art. 27: a planned scenario passes a compliance and security-risk assessment before use.
    A later assessment replaces the earlier result (a failed scenario may be reassessed)."""
    require_role(principal, Role.BUREAU)
    authorisation = await visible_authorisation(session, authorisation_id, principal, lock=True)
    today = clock.today()
    status = effective_status(authorisation, today)
    if status != "active":
        raise WrongAuthorisationState(status, "评估场景")
    if data.scenario not in authorisation.scenarios:
        raise Invalid(errors=[FieldProblem("scenario", "not a scenario of this authorisation")])
    session.add(
        ScenarioAssessment(
            id=new_id(),
            authorisation_id=authorisation.id,
            scenario=data.scenario,
            result=data.result.value,
            notes=data.notes,
            assessed_on=today,
            assessed_by=principal.client_id,
        )
    )
    authorisation.assessed = {**authorisation.assessed, data.scenario: data.result.value}
    await record_event(
        session,
        ScenarioAssessed(
            id=authorisation.id,
            operator=authorisation.operator,
            scenario=data.scenario,
            result=data.result.value,
            assessed_on=today,
        ),
        subject=authorisation.id,
        actor=principal.client_id,
    )
    await session.flush()
    return authorisation


async def list_assessments(
    session: AsyncSession, *, authorisation_id: str, principal: Principal, page: PageParams
) -> Page[AssessmentPublic]:
    """Every assessment of the authorisation's scenarios, oldest first."""
    await visible_authorisation(session, authorisation_id, principal)
    return await keyset_page(
        session,
        select(ScenarioAssessment).where(
            col(ScenarioAssessment.authorisation_id) == authorisation_id
        ),
        key=ScenarioAssessment.id,  # type: ignore[arg-type]
        page=page,
        to_public=lambda row: AssessmentPublic.model_validate(row.model_dump()),
        cursor_of=lambda row: row.id,
    )


async def list_evaluations(
    session: AsyncSession, *, authorisation_id: str, principal: Principal, page: PageParams
) -> Page[EvaluationPublic]:
    """Open and concluded evaluations, oldest first."""
    await visible_authorisation(session, authorisation_id, principal)
    return await keyset_page(
        session,
        select(Evaluation).where(col(Evaluation.authorisation_id) == authorisation_id),
        key=Evaluation.id,  # type: ignore[arg-type]
        page=page,
        to_public=lambda row: EvaluationPublic.model_validate(row.model_dump()),
        cursor_of=lambda row: row.id,
    )
