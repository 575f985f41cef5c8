from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field

from catalog.tables import CatalogTable
from pdp_kit.db import UTCDateTime, utcnow


class Resource(CatalogTable, table=True):
    """A data resource of a department's catalogue (数据目录, Art. 9); its content is versioned."""

    __tablename__ = "resource"
    __table_args__ = (UniqueConstraint("department", "code", name="uq_resource_department_code"),)

    id: str = Field(primary_key=True, max_length=32)
    department: str = Field(foreign_key="department.code", max_length=32, index=True)
    code: str = Field(max_length=32)
    latest_version: int = 1
    status: str = Field(max_length=16, description="status of the latest version")
    published_version: int | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_reason: str | None = Field(default=None, max_length=2000)


class ResourceVersion(CatalogTable, table=True):
    """Every version is kept and stays readable: draft → in_review → published (→ superseded)
    or rejected with reasons. Art. 9, 10."""

    __tablename__ = "resource_version"

    resource_id: str = Field(foreign_key="resource.id", primary_key=True, max_length=32)
    version: int = Field(primary_key=True)
    status: str = Field(max_length=16)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    duty: str = Field(max_length=32)
    system: str = Field(max_length=32)
    share_type: str = Field(max_length=16)
    share_basis: str | None = Field(default=None, max_length=2000)
    open_type: str = Field(max_length=16)
    grade: str = Field(max_length=16)
    level: int | None = None
    important: bool = False
    update_frequency: str = Field(max_length=16)
    fields: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    duplicates: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_on: date | None = None
    review_due_on: date | None = None
    review_due_provisional: bool | None = None
    review_overdue_on: date | None = Field(
        default=None, description="the day the sweep flagged the bureau's review late (Art. 10)"
    )
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejected_reason: str | None = Field(default=None, max_length=2000)
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    chain_status: str | None = Field(default=None, max_length=16)
    chain_tx_id: str | None = Field(default=None, max_length=200)
    chain_reason: str | None = Field(default=None, max_length=2000)
    chain_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FieldKey(CatalogTable, table=True):
    """The published fields of each resource, normalised, for "one data, one source" (Art. 12)."""

    __tablename__ = "resource_field_key"

    resource_id: str = Field(foreign_key="resource.id", primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=1, description="n: field name, t: field title")
    key: str = Field(primary_key=True, max_length=100, index=True)
    department: str = Field(max_length=32)


class SearchToken(CatalogTable, table=True):
    """Character bigrams of a published resource's name, field titles and description, with a
    weight (name 4, field titles 2, description 1, summed): Chinese has no spaces (Art. 7)."""

    __tablename__ = "resource_search_token"
    __table_args__ = (
        #: A token's postings best first, ties by id: what the ranking reads (search.py).
        Index("ix_resource_search_token_rank", "token", text("weight DESC"), "resource_id"),
        #: A resource's postings of some tokens, from this index alone (scoring a resource).
        Index("ix_resource_search_token_resource", "resource_id", "token", "weight"),
    )

    token: str = Field(primary_key=True, max_length=64)
    resource_id: str = Field(foreign_key="resource.id", primary_key=True, max_length=32)
    weight: int


class SearchTokenStat(CatalogTable, table=True):
    """How many published resources hold a search token, by weight (1 to 7: name 4, field title
    2, description 1, summed): what the ranking reads to tell rare tokens from common ones and to
    bound a score (search.py). Kept in the same transaction as the tokens."""

    __tablename__ = "resource_search_token_stat"

    token: str = Field(primary_key=True, max_length=64)
    weight_1: int = 0
    weight_2: int = 0
    weight_3: int = 0
    weight_4: int = 0
    weight_5: int = 0
    weight_6: int = 0
    weight_7: int = 0
