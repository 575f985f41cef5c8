from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from pdp_kit.db import UTCDateTime, utcnow
from registry.tables import RegistryTable


class Registration(RegistryTable, table=True):
    """A registration with the data centre (Art. 28): a department's resources it provides, or an
    operator's product or service made under an authorisation.

    The first registration is due ``due_on``, 20 working days after ``delivered_on`` (the day the
    resources were provided or the product or service delivered); ``late`` when it was filed after.
    ``status``: ``submitted`` until the data centre ``completed`` it; the sweep flags a submitted
    one overdue once (``overdue_flagged_on``). ``marked`` names why the authorisation it was made
    under ended (its revocation cause, or ``expired``).
    """

    __tablename__ = "registration"

    id: str = Field(primary_key=True, max_length=40)
    kind: str = Field(max_length=20)  # resource | product | service
    subject: str = Field(max_length=200)
    department: str | None = Field(default=None, max_length=32, index=True)
    operator: str | None = Field(default=None, max_length=40, index=True)
    authorisation: str | None = Field(default=None, max_length=40, index=True)
    resources: list[str] = Field(sa_column=Column(JSON, nullable=False))
    delivered_on: date
    received_on: date
    due_on: date
    provisional: bool = False
    late: bool = False
    status: str = Field(default="submitted", max_length=20, index=True)
    completed_on: date | None = None
    overdue_flagged_on: date | None = None
    marked: str | None = Field(default=None, max_length=40)
    marked_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
