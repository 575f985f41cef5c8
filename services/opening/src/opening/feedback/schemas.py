from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


class FeedbackCreate(BaseModel):
    text: str = Field(min_length=1, max_length=4000, description="意见建议")

    _blank = field_validator("text")(_not_blank)


class AnswerCreate(BaseModel):
    answer: str = Field(min_length=1, max_length=4000, description="答复")

    _blank = field_validator("answer")(_not_blank)


class FeedbackPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    listing_id: str
    department: str
    client_id: str
    text: str
    answer: str | None
    answered_on: date | None
    created_at: datetime
