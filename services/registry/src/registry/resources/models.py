from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from registry.tables import RegistryTable


class AuthorisableResource(RegistryTable, table=True):
    """The published version of each catalogue resource, as the catalog's events announced it:
    an authorisation names published resources only (Art. 27), decided without calling the
    catalog (ARCHITECTURE: read models)."""

    __tablename__ = "authorisable_resource"

    id: str = Field(primary_key=True, max_length=40)
    version: int
    department: str = Field(max_length=32, index=True)
    name: str = Field(max_length=200)
    grade: str = Field(max_length=20)
    fields: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="published", max_length=20)  # published | superseded | withdrawn

    def releasable_fields(self) -> list[str]:
        """The fields an operator receives: sensitive ones (personal information, Art. 27) are
        processed only inside the security environment and never leave through the API."""
        return [str(f["name"]) for f in self.fields if not f.get("sensitive")]
