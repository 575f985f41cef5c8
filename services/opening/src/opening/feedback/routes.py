from fastapi import APIRouter, status

from opening.feedback import service
from opening.feedback.schemas import AnswerCreate, FeedbackCreate, FeedbackPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(tags=["feedback"])


@router.post(
    "/listings/{listing_id}/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackPublic,
)
async def give_feedback(
    listing_id: str, data: FeedbackCreate, session: SessionDep, principal: CurrentPrincipal
) -> FeedbackPublic:
    """Feedback on a listing from any authenticated caller, for the owner to answer (Art. 25)."""
    feedback = await service.give_feedback(
        session, listing_id=listing_id, data=data, principal=principal
    )
    return FeedbackPublic.model_validate(feedback)


@router.get("/listings/{listing_id}/feedback", response_model=Page[FeedbackPublic])
async def list_feedback(
    listing_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[FeedbackPublic]:
    """All of it for the owner, the bureau, the data centre and supervisors; your own otherwise."""
    return await service.list_feedback(
        session, listing_id=listing_id, principal=principal, page=page
    )


@router.post("/feedback/{feedback_id}/answer", response_model=FeedbackPublic)
async def answer_feedback(
    feedback_id: str, data: AnswerCreate, session: SessionDep, principal: CurrentPrincipal
) -> FeedbackPublic:
    """The owning department answers a feedback once (a second answer is 409)."""
    feedback = await service.answer_feedback(
        session, feedback_id=feedback_id, data=data, principal=principal
    )
    return FeedbackPublic.model_validate(feedback)
