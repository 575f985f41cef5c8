from datetime import datetime

from sqlmodel import Field

from catalog.departments.schemas import DepartmentBase
from catalog.tables import CatalogTable
from pdp_kit.db import UTCDateTime, utcnow


class Department(DepartmentBase, CatalogTable, table=True):
    """A party organ, agency or public institution that keeps a catalogue (Art. 9)."""

    __tablename__ = "department"

    code: str = Field(primary_key=True, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
