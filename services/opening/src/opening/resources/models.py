from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from opening.tables import OpeningTable
from pdp_kit.db import UTCDateTime


class OpenableResource(OpeningTable, table=True):
    """The published version of each catalogue resource, as the catalog's events announced it
    (open and share types, fields with their sensitivity and format): opening lists and masks
    without calling the catalog (ARCHITECTURE: read models)."""

    __tablename__ = "openable_resource"

    id: str = Field(primary_key=True, max_length=40)
    version: int
    department: str = Field(max_length=32, index=True)
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    share_type: str = Field(max_length=20)
    open_type: str = Field(max_length=20)
    update_frequency: str = Field(max_length=20)
    fields: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="published", max_length=20)  # published | superseded | withdrawn
    published_at: datetime = Field(sa_type=UTCDateTime)
    last_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def field_names(self) -> list[str]:
        return [str(f["name"]) for f in self.fields]

    def sensitive_fields(self) -> list[str]:
        return [str(f["name"]) for f in self.fields if f.get("sensitive")]
