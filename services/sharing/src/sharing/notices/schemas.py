from datetime import date

from pydantic import BaseModel, ConfigDict


class NoticePublic(BaseModel):
    """书面告知: number, date, sender, recipient, text."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    number: str
    request_id: str
    kind: str
    issued_on: date
    sender: str
    recipient: str
    text: str
