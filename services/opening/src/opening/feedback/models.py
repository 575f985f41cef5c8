from datetime import date, datetime

from sqlmodel import Field

from opening.tables import OpeningTable
from pdp_kit.db import UTCDateTime, utcnow


class Feedback(OpeningTable, table=True):
    """Public feedback on a listing, answered by its owner (Art. 25)."""

    __tablename__ = "feedback"

    id: str = Field(primary_key=True, max_length=40)
    listing_id: str = Field(max_length=40, index=True)
    department: str = Field(max_length=32, index=True)
    client_id: str = Field(max_length=120, index=True)
    text: str = Field(max_length=4000)
    answer: str | None = Field(default=None, max_length=4000)
    answered_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
