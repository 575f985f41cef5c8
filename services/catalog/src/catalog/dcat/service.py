"""The published catalogue as DCAT-AP JSON-LD, so any DCAT harvester can read it (Art. 7, 11).

Access rights (``dct:accessRights``) use the EU access-right authority table
(http://publications.europa.eu/resource/authority/access-right/):

==========================  ================  ===========================================
open type                   share type        dct:accessRights
==========================  ================  ===========================================
``unconditional``           shared            ``PUBLIC``: anyone may use it
``conditional``             shared            ``RESTRICTED``: under the listed conditions
``not_open``                shared            ``NON_PUBLIC``: only government departments,
                                              through a share request (Art. 16–19)
any                         ``not_shared``    ``NON_PUBLIC``: not even shared (Art. 16)
==========================  ================  ===========================================

The share and open types themselves, the grade and the important flag are also given in the
platform's own ``pdp:`` terms, which a harvester that does not know them ignores.
Update frequencies map to the EU frequency table (``CONT``, ``DAILY`` … ``NEVER`` for static).
"""

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.dcat.vocabulary import (
    ACCESS_RIGHT,
    CONTEXT,
    FREQUENCY,
    LANGUAGE,
    METADATA_LICENCE,
    THEME,
    THEME_TAXONOMY,
    agent,
    contact,
    distribution,
    place,
    typed,
    when,
    zh,
)
from catalog.departments.models import Department
from catalog.resources.models import Resource, ResourceVersion
from pdp_kit.dcat import FREQUENCIES
from pdp_kit.pagination import PageParams, encode_cursor


def access_rights(share_type: str, open_type: str) -> str:
    if share_type == "not_shared" or open_type == "not_open":
        return ACCESS_RIGHT + "NON_PUBLIC"
    return ACCESS_RIGHT + ("PUBLIC" if open_type == "unconditional" else "RESTRICTED")


def dataset(
    base: str, resource: Resource, version: ResourceVersion, publisher: str
) -> dict[str, Any]:
    assert version.published_at is not None
    rights = access_rights(version.share_type, version.open_type)
    entry: dict[str, Any] = {
        "@id": f"{base}/api/catalog/resources/{resource.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": resource.id,
        "dct:title": zh(version.name),
        "dct:description": zh(version.description or version.name),
        "dct:publisher": agent(f"{base}/api/catalog/departments/{resource.department}", publisher),
        "dcat:contactPoint": contact(base, resource.department, publisher),
        "dcat:distribution": distribution(base, resource.id, _how(rights)),
        "dcat:theme": THEME,
        "dct:spatial": place(base),
        "dct:issued": when(version.published_at),
        "dct:modified": when(version.published_at),
        "dct:accessRights": typed(rights, "dct:RightsStatement"),
        "dct:accrualPeriodicity": typed(
            FREQUENCY + FREQUENCIES[version.update_frequency], "dct:Frequency"
        ),
        "owl:versionInfo": str(version.version),
        "dcat:keyword": [zh(f["title"]) for f in version.fields],
        "pdp:shareType": version.share_type,
        "pdp:openType": version.open_type,
        "pdp:grade": version.grade,
        "pdp:important": version.important,
    }
    if version.level is not None:
        entry["pdp:level"] = version.level
    if version.share_basis:
        entry["pdp:shareBasis"] = zh(version.share_basis)
    if version.chain_tx_id:
        entry["pdp:chainTransaction"] = version.chain_tx_id
    return entry


def _how(rights: str) -> str:
    if rights.endswith("NON_PUBLIC"):
        return "政务部门通过共享申请获取（不予开放）"
    return "政务部门通过共享申请获取；公众通过开放平台获取"


async def catalogue(session: AsyncSession, *, base: str, page: PageParams) -> dict[str, Any]:
    """One page of the published catalogue; ``hydra:view`` links the next page."""
    query: Any = (
        select(Resource, ResourceVersion, col(Department.name))
        .join(
            ResourceVersion,
            and_(
                col(ResourceVersion.resource_id) == col(Resource.id),
                col(ResourceVersion.version) == col(Resource.published_version),
            ),
        )
        .join(Department, col(Department.code) == col(Resource.department))
        .where(col(Resource.withdrawn_at).is_(None))
        .order_by(col(Resource.id))
        .limit(page.limit + 1)
    )
    if page.after is not None:
        query = query.where(col(Resource.id) > str(page.after))
    rows = (await session.execute(query)).all()
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": f"{base}/api/catalog/dcat.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": zh("长宁区公共数据资源目录"),
        "dct:description": zh("长宁区大数据资源平台已发布的公共数据资源目录"),
        "dct:publisher": agent(f"{base}/api/catalog/dcat.jsonld#publisher", "长宁区数据局"),
        "dct:language": LANGUAGE,
        "dct:license": METADATA_LICENCE,
        "dct:spatial": place(base),
        "dcat:themeTaxonomy": THEME_TAXONOMY,
        "foaf:homepage": {"@id": f"{base}/api/catalog/docs", "@type": "foaf:Document"},
        "dcat:dataset": [dataset(base, r, v, name) for r, v, name in rows],
    }
    first, last = await _published_span(session)
    if first is not None and last is not None:
        document["dct:issued"], document["dct:modified"] = when(first), when(last)
    if more:
        cursor = encode_cursor(rows[-1][0].id)
        next_page = f"{base}/api/catalog/dcat.jsonld?limit={page.limit}&cursor={cursor}"
        document["hydra:view"] = {
            "@type": "hydra:PartialCollectionView",
            "hydra:next": {"@id": next_page},
        }
    return document


async def _published_span(session: AsyncSession) -> tuple[Any, Any]:
    """When the catalogue first published an entry, and when it last did."""
    span = (
        await session.execute(
            select(
                func.min(col(ResourceVersion.published_at)),
                func.max(col(ResourceVersion.published_at)),
            )
        )
    ).one()
    return span[0], span[1]
