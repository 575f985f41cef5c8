"""Public feedback on the open list and the owner's answers (Art. 25)."""

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from opening import clock
from opening.feedback.models import Feedback
from opening.feedback.schemas import AnswerCreate, FeedbackCreate, FeedbackPublic
from opening.ids import new_id
from opening.listings.models import Listing
from opening.listings.service import listing_or_404
from pdp_contracts.opening import FeedbackAnswered, FeedbackReceived
from pdp_kit.auth import Principal
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.db import get_for_update
from pdp_kit.errors import Conflict, Forbidden, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page


class AlreadyAnswered(Conflict):
    code, title = "feedback-answered", "该意见已答复"


def _reads_all(principal: Principal, department: str) -> bool:
    return principal.is_staff or principal.has(*SUPERVISORS) or principal.acts_for(department)


async def give_feedback(
    session: AsyncSession, *, listing_id: str, data: FeedbackCreate, principal: Principal
) -> Feedback:
    """Any authenticated caller may comment on a listing."""
    listing = await listing_or_404(session, listing_id)
    feedback = Feedback(
        id=new_id(),
        listing_id=listing.id,
        department=listing.department,
        client_id=principal.client_id,
        text=data.text,
    )
    session.add(feedback)
    await session.execute(
        update(Listing)
        .where(col(Listing.id) == listing.id)
        .values(feedback=col(Listing.feedback) + 1)
    )
    await record_event(
        session,
        FeedbackReceived(
            id=feedback.id,
            listing_id=listing.id,
            department=listing.department,
            client_id=principal.client_id,
        ),
        subject=feedback.id,
        actor=principal.client_id,
        department=listing.department,
    )
    await session.flush()
    return feedback


async def answer_feedback(
    session: AsyncSession, *, feedback_id: str, data: AnswerCreate, principal: Principal
) -> Feedback:
    """The owning department answers, once."""
    feedback = await get_for_update(session, Feedback, feedback_id)
    if feedback is None or not (
        _reads_all(principal, feedback.department) or principal.client_id == feedback.client_id
    ):
        raise NotFound(f"意见 {feedback_id} 不存在")
    if not principal.acts_for(feedback.department):
        raise Forbidden("只有开放清单所属部门可以答复")
    if feedback.answer is not None:
        raise AlreadyAnswered("该意见已答复")
    feedback.answer, feedback.answered_on = data.answer, clock.today()
    await record_event(
        session,
        FeedbackAnswered(
            id=feedback.id,
            listing_id=feedback.listing_id,
            department=feedback.department,
            answered_on=feedback.answered_on,
        ),
        subject=feedback.id,
        actor=principal.client_id,
        department=feedback.department,
    )
    await session.flush()
    return feedback


async def list_feedback(
    session: AsyncSession, *, listing_id: str, principal: Principal, page: PageParams
) -> Page[FeedbackPublic]:
    """The owner, the staff and the supervisors read all of a listing's feedback; anyone else
    its own."""
    listing = await listing_or_404(session, listing_id)
    query = select(Feedback).where(col(Feedback.listing_id) == listing.id)
    if not _reads_all(principal, listing.department):
        query = query.where(col(Feedback.client_id) == principal.client_id)
    return await keyset_page(
        session,
        query,
        key=Feedback.id,  # type: ignore[arg-type]
        page=page,
        to_public=FeedbackPublic.model_validate,
        cursor_of=lambda feedback: feedback.id,
    )
