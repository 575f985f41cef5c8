from enum import StrEnum

from pydantic import BaseModel, Field


class ScenarioField(StrEnum):
    """The fields of Art. 29: 政务服务, 城市治理 (城市运行), 民生服务, 政府管理,
    产业发展 (实体经济)."""

    GOVERNMENT_SERVICES = "政务服务"
    CITY_GOVERNANCE = "城市治理"
    PUBLIC_SERVICES = "民生服务"
    GOVERNMENT_MANAGEMENT = "政府管理"
    INDUSTRY = "产业发展"
    OTHER = "其他"


class ScenarioStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    RETIRED = "retired"


class ApplicationScenarioCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    field: ScenarioField
    description: str = Field(default="", max_length=4000)
    resources: list[str] = Field(default_factory=list)
    departments: list[str] = Field(default_factory=list)
    operators: list[str] = Field(default_factory=list)
    status: ScenarioStatus = ScenarioStatus.PLANNED


class ApplicationScenarioUpdate(BaseModel):
    """Only what is sent changes."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    field: ScenarioField | None = None
    description: str | None = Field(default=None, max_length=4000)
    resources: list[str] | None = None
    departments: list[str] | None = None
    operators: list[str] | None = None
    status: ScenarioStatus | None = None


class ApplicationScenarioSummary(BaseModel):
    """What every authenticated caller reads (the public summary)."""

    id: str
    title: str
    field: str
    description: str
    status: str


class ApplicationScenarioPublic(ApplicationScenarioSummary):
    """The bureau's, the data centre's and the supervisors' full view."""

    resources: list[str]
    departments: list[str]
    operators: list[str]
