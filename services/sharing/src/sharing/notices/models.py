from datetime import date, datetime

from sqlmodel import Field

from pdp_kit.db import UTCDateTime, utcnow
from sharing.tables import SharingTable


class Notice(SharingTable, table=True):
    """A formal written notice (书面告知) between the two sides of a request (Art. 18): the one
    materials notice, an extension, a refusal. Both sides list and read them."""

    __tablename__ = "notice"

    id: str = Field(primary_key=True, max_length=40)
    number: str = Field(max_length=40, unique=True)
    request_id: str = Field(max_length=40, index=True)
    kind: str = Field(max_length=24)  # materials | extension | rejection
    issued_on: date
    sender: str = Field(max_length=32)
    recipient: str = Field(max_length=32)
    text: str = Field(max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
