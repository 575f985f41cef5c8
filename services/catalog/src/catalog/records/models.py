from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field

from catalog.tables import CatalogTable
from pdp_kit.db import UTCDateTime, utcnow


class Record(CatalogTable, table=True):
    """An aggregated record of a resource (应归尽归, Art. 14), upserted by its key fields."""

    __tablename__ = "resource_record"

    resource_id: str = Field(foreign_key="resource.id", primary_key=True, max_length=32)
    record_key: str = Field(sa_column=Column(Text, primary_key=True))
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    filled: int = Field(description="fields with a value: the numerator of completeness")
    field_count: int = Field(
        default=0, description="fields of the version it was checked against: the denominator"
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IngestStats(CatalogTable, table=True):
    """Running counts of a resource's aggregation: validity and freshness (Art. 15)."""

    __tablename__ = "resource_ingest_stats"

    resource_id: str = Field(foreign_key="resource.id", primary_key=True, max_length=32)
    batches: int = 0
    accepted_total: int = 0
    rejected_total: int = 0
    last_ingested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
