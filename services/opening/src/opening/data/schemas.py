from typing import Any

from pydantic import BaseModel, Field

from opening.listings.models import Listing


class OpenDataPage(BaseModel):
    listing_id: str
    resource_id: str
    fields: list[str] = Field(description="随数据输出的字段（drop 的字段不在其中）")
    masked: dict[str, str] = Field(description="脱敏字段及其规则")
    citation: str = Field(description="使用时须注明的数据来源")
    items: list[dict[str, Any]]
    next_cursor: str | None = None


def citation(listing: Listing) -> str:
    """The source a user must cite (Art. 23 feedback duties)."""
    return (
        f"数据来源：上海市长宁区公共数据开放（{listing.name}，"
        f"提供部门 {listing.department}，清单编号 {listing.id}）"
    )
