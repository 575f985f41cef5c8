from datetime import datetime

from pydantic import BaseModel, Field


class Freshness(BaseModel):
    last_ingested_at: datetime | None
    window_hours: int | None = Field(description="按更新频率允许的最长间隔；static 为空")
    fresh: bool


class ResourceQuality(BaseModel):
    """Art. 15: volume, quality and updating of aggregated data."""

    resource_id: str
    department: str
    version: int | None
    update_frequency: str | None
    volume: int = Field(description="归集的记录数")
    completeness: float | None = Field(description="有值的字段占全部字段的比例")
    validity: float | None = Field(description="通过校验的记录占推送记录的比例")
    accepted_total: int
    rejected_total: int
    batches: int
    freshness: Freshness


class DepartmentQuality(BaseModel):
    rank: int
    department: str
    name: str
    resources: int = Field(description="已发布的资源数")
    aggregated: int = Field(description="已归集数据的资源数")
    fresh: int = Field(description="数据按更新频率保持更新的资源数")
    volume: int
    completeness: float | None
    validity: float | None
    score: float = Field(description="归集率、完整性、有效性、及时率的平均值")


class DepartmentRanking(BaseModel):
    items: list[DepartmentQuality]
