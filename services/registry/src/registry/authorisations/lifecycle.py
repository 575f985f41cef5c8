"""Evaluation and exit (Art. 27): periodic evaluations, and the end of an authorisation — revoked
after a failed evaluation, a serious breach or lost eligibility, or expired at the end of its term.
Either way its data access stops at once (the next call is 409), the products and services made
under it are marked, and the end is published."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.registry import (
    AuthorisationEvaluated,
    AuthorisationExpired,
    AuthorisationRevoked,
    AuthorisedResourceWithdrawn,
    EvaluationOpened,
    RegistrationMarked,
)
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.events.outbox import record_event
from pdp_kit.months import add_months
from registry import clock
from registry.authorisations.access import (
    WrongAuthorisationState,
    effective_status,
    visible_authorisation,
)
from registry.authorisations.models import Authorisation, Evaluation
from registry.authorisations.schemas import EvaluationCreate, Result, Revocation
from registry.ids import new_id
from registry.registrations.models import Registration


async def _mark_products(
    session: AsyncSession, authorisation: Authorisation, *, cause: str, on: date, actor: str | None
) -> list[str]:
    rows = (
        await session.scalars(
            select(Registration)
            .where(
                col(Registration.authorisation) == authorisation.id,
                col(Registration.marked).is_(None),
            )
            .order_by(col(Registration.id))
            .with_for_update()
        )
    ).all()
    for registration in rows:
        registration.marked, registration.marked_on = cause, on
        await record_event(
            session,
            RegistrationMarked(
                id=registration.id,
                operator=registration.operator,
                authorisation=authorisation.id,
                cause=cause,
            ),
            subject=registration.id,
            actor=actor,
        )
    return [row.id for row in rows]


async def revoke(
    session: AsyncSession,
    authorisation: Authorisation,
    *,
    cause: str,
    reason: str,
    actor: str | None,
) -> None:
    """The caller holds the row (``get_for_update``) and has checked it is active."""
    today = clock.today()
    authorisation.status, authorisation.ended_on = "revoked", today
    authorisation.end_cause, authorisation.end_reason = cause, reason
    products = await _mark_products(session, authorisation, cause=cause, on=today, actor=actor)
    await record_event(
        session,
        AuthorisationRevoked(
            id=authorisation.id,
            operator=authorisation.operator,
            cause=cause,
            reason=reason,
            revoked_on=today,
            resources=authorisation.resources,
            products=products,
        ),
        subject=authorisation.id,
        actor=actor,
    )
    await session.flush()


async def expire(session: AsyncSession, authorisation: Authorisation, *, as_of: date) -> None:
    authorisation.status, authorisation.ended_on = "expired", as_of
    authorisation.end_cause, authorisation.end_reason = "expired", "授权期限届满"
    products = await _mark_products(session, authorisation, cause="expired", on=as_of, actor=None)
    await record_event(
        session,
        AuthorisationExpired(
            id=authorisation.id,
            operator=authorisation.operator,
            valid_until=authorisation.valid_until,
            resources=authorisation.resources,
            products=products,
        ),
        subject=authorisation.id,
    )
    await session.flush()


async def revoke_by_bureau(
    session: AsyncSession, *, authorisation_id: str, data: Revocation, principal: Principal
) -> Authorisation:
    """A serious breach of the authorisation agreement or lost eligibility (Art. 27)."""
    require_role(principal, Role.BUREAU)
    authorisation = await visible_authorisation(session, authorisation_id, principal, lock=True)
    status = effective_status(authorisation, clock.today())
    if status != "active":
        raise WrongAuthorisationState(status, "终止")
    cause, actor = data.cause.value, principal.client_id
    await revoke(session, authorisation, cause=cause, reason=data.reason, actor=actor)
    return authorisation


async def evaluate(
    session: AsyncSession,
    *,
    authorisation_id: str,
    data: EvaluationCreate,
    principal: Principal,
    interval_months: int,
) -> Evaluation:
    """The bureau concludes the open evaluation (or records one when none was opened): a pass
    sets the next one ``interval_months`` later, a fail revokes the authorisation."""
    require_role(principal, Role.BUREAU)
    authorisation = await visible_authorisation(session, authorisation_id, principal, lock=True)
    today = clock.today()
    status = effective_status(authorisation, today)
    if status != "active":
        raise WrongAuthorisationState(status, "评估")
    evaluation = await _open_evaluation(session, authorisation.id)
    if evaluation is None:
        evaluation = Evaluation(
            id=new_id(), authorisation_id=authorisation.id, due_on=today, opened_on=today
        )
        session.add(evaluation)
    passed = data.result is Result.PASS
    evaluation.status = "passed" if passed else "failed"
    evaluation.result, evaluation.reason = data.result.value, data.reason
    evaluation.evaluated_on, evaluation.evaluated_by = today, principal.client_id
    next_on = add_months(today, interval_months) if passed else None
    if next_on is not None:
        authorisation.next_evaluation_on = next_on
    await record_event(
        session,
        AuthorisationEvaluated(
            id=authorisation.id,
            operator=authorisation.operator,
            evaluation_id=evaluation.id,
            result=data.result.value,
            reason=data.reason,
            evaluated_on=today,
            next_evaluation_on=next_on,
        ),
        subject=authorisation.id,
        actor=principal.client_id,
    )
    if not passed:
        await revoke(
            session,
            authorisation,
            cause="evaluation_failed",
            reason=data.reason,
            actor=principal.client_id,
        )
    await session.flush()
    return evaluation


async def _open_evaluation(session: AsyncSession, authorisation_id: str) -> Evaluation | None:
    found = await session.scalars(
        select(Evaluation).where(
            col(Evaluation.authorisation_id) == authorisation_id,
            col(Evaluation.status) == "open",
        )
    )
    return found.first()


async def authorisation_clocks(session: AsyncSession, as_of: date) -> dict[str, int]:
    """The sweep: authorisations past their term expire; an evaluation is opened once when one is
    due (none open already). Idempotent for an ``as_of`` date."""
    live = (
        await session.scalars(
            select(Authorisation)
            .where(col(Authorisation.status) == "active")
            .order_by(col(Authorisation.id))
            .with_for_update()
        )
    ).all()
    expired = opened = 0
    for authorisation in live:
        if authorisation.valid_until < as_of:
            await expire(session, authorisation, as_of=as_of)
            expired += 1
        elif authorisation.next_evaluation_on <= as_of and (
            await _open_evaluation(session, authorisation.id) is None
        ):
            evaluation = Evaluation(
                id=new_id(),
                authorisation_id=authorisation.id,
                due_on=authorisation.next_evaluation_on,
                opened_on=as_of,
            )
            session.add(evaluation)
            await record_event(
                session,
                EvaluationOpened(
                    id=authorisation.id,
                    operator=authorisation.operator,
                    evaluation_id=evaluation.id,
                    due_on=evaluation.due_on,
                ),
                subject=authorisation.id,
            )
            opened += 1
    await session.flush()
    return {"expired": expired, "evaluations_opened": opened}


async def withdraw_resource(session: AsyncSession, *, resource_id: str, reason: str) -> int:
    """The catalog withdrew ``resource_id`` (Art. 9): each active authorisation naming it says so
    once; data calls on it are refused from now on (the read model says withdrawn)."""
    live = (
        await session.scalars(
            select(Authorisation)
            .where(col(Authorisation.status) == "active")
            .order_by(col(Authorisation.id))
        )
    ).all()
    named = [a for a in live if resource_id in a.resources]
    for authorisation in named:
        await record_event(
            session,
            AuthorisedResourceWithdrawn(
                id=authorisation.id,
                operator=authorisation.operator,
                resource_id=resource_id,
                reason=reason,
            ),
            subject=authorisation.id,
        )
    return len(named)
