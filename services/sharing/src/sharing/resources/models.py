from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from sharing.tables import SharingTable


class SharedResource(SharingTable, table=True):
    """The published version of each catalogue resource, as the catalog's events announced it
    (share type and basis, grade, fields with their sensitivity): sharing decides without calling
    the catalog (ARCHITECTURE: read models)."""

    __tablename__ = "shared_resource"

    id: str = Field(primary_key=True, max_length=40)
    version: int
    department: str = Field(max_length=32, index=True)
    name: str = Field(max_length=200)
    share_type: str = Field(max_length=20)
    share_basis: str | None = Field(default=None, max_length=500)
    grade: str = Field(max_length=20)
    level: int | None = None
    important: bool = False
    fields: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="published", max_length=20)  # published | superseded | withdrawn

    def field_names(self) -> list[str]:
        return [str(f["name"]) for f in self.fields]
