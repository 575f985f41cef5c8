from datetime import date, datetime

from sqlmodel import Field

from catalog.tables import CatalogTable
from pdp_kit.db import UTCDateTime


class HeldGrant(CatalogTable, table=True):
    """Read model of sharing's grants (Art. 19, 20): who holds which resource's data, so a holder
    may file an objection on it (Art. 6(8)). Fed only by ``pdp.sharing.events``."""

    __tablename__ = "held_grant"

    id: str = Field(primary_key=True, max_length=40, description="sharing's grant id")
    resource_id: str = Field(max_length=40, index=True)
    holder: str = Field(max_length=32, index=True, description="the holding department")
    status: str = Field(default="active", max_length=16, description="active/suspended/terminated")
    valid_until: date
    changed_at: datetime = Field(sa_type=UTCDateTime, description="time of the last event applied")
