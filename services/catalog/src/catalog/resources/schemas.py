"""API shapes of the data-resource catalogue (CONTRACT: Catalog, Shared vocabularies)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictBool

from catalog.chain.schemas import ChainState
from catalog.departments.schemas import CODE_PATTERN
from pdp_contracts.catalog import (
    FieldFormat,
    FieldType,
    Grade,
    OpenType,
    ShareType,
    UpdateFrequency,
)

FIELD_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
ResourceStatus = Literal["draft", "in_review", "published", "rejected", "superseded", "withdrawn"]


class FieldSpec(BaseModel):
    """One field of the resource: `{name, title, type, format?, sensitive, key?}`."""

    name: str = Field(pattern=FIELD_NAME_PATTERN, description="字段名（小写英文、数字、下划线）")
    title: str = Field(min_length=1, max_length=100, description="字段中文名称")
    type: FieldType
    format: FieldFormat | None = Field(default=None, description="校验的格式（仅 string 字段）")
    sensitive: StrictBool = Field(description="是否敏感字段")
    key: StrictBool = Field(default=False, description="记录标识字段（归集时按其更新）")
    required: StrictBool = Field(default=False, description="必填字段（标识字段总是必填）")


class ResourceContent(BaseModel):
    """The elements of a catalogue entry (Art. 9); a revision carries all of them again."""

    name: str = Field(min_length=1, max_length=200, description="资源名称")
    description: str = Field(default="", max_length=4000, description="资源摘要")
    duty: str = Field(min_length=1, max_length=32, description="本部门职责目录中的职责编码")
    system: str = Field(min_length=1, max_length=32, description="本部门系统目录中的来源系统编码")
    share_type: ShareType
    share_basis: str | None = Field(
        default=None, max_length=2000, description="不予共享的法律、法规或国务院决定依据（Art. 16）"
    )
    open_type: OpenType
    grade: Grade
    level: int | None = Field(
        default=None, ge=1, le=4, strict=True, description="一般数据的级别 1–4"
    )
    important: StrictBool = Field(description="是否列入重要数据目录")
    update_frequency: UpdateFrequency
    fields: list[FieldSpec] = Field(min_length=1, max_length=500)


class ResourceCreate(ResourceContent):
    department: str = Field(max_length=32, description="编目部门编码")
    code: str = Field(max_length=32, pattern=CODE_PATTERN, description="资源编码（部门内唯一）")


class ShareRequestPointer(BaseModel):
    method: Literal["POST"] = "POST"
    path: str = "/api/sharing/requests"
    resource_id: str


class Duplicate(BaseModel):
    """Another department's published resource with the same or largely the same fields (Art. 12):
    request it through sharing instead of collecting it again."""

    id: str
    department: str
    code: str
    name: str
    share_type: ShareType
    similarity: float
    share_request: ShareRequestPointer


class ResourcePublic(ResourceContent):
    """One version of a resource: the latest for its department and the staff, the published one
    for everyone else."""

    id: str
    department: str
    code: str
    version: int
    status: ResourceStatus
    latest_version: int
    published_version: int | None
    created_at: datetime
    submitted_at: datetime | None = None
    review_due_on: date | None = None
    provisional: bool | None = Field(default=None, description="审核期限所在年度日历尚未公布")
    review_overdue_on: date | None = Field(default=None, description="数据局审核逾期的标记日")
    published_at: datetime | None = None
    rejected_reason: str | None = None
    superseded_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None
    duplicates: list[Duplicate] = []
    chain: ChainState | None = None
    score: int | None = Field(default=None, description="检索相关度（仅 ?q= 检索结果）")


class RejectBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="退回理由")


class WithdrawBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="下线理由")
