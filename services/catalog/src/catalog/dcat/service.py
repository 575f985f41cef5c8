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

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.departments.models import Department
from catalog.resources.models import Resource, ResourceVersion
from pdp_kit.pagination import PageParams, encode_cursor

ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCIES = {
    "realtime": "CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "yearly": "ANNUAL",
    "static": "NEVER",
}
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "pdp": "urn:pdp:catalog#",
}


def access_rights(share_type: str, open_type: str) -> str:
    if share_type == "not_shared" or open_type == "not_open":
        return ACCESS_RIGHT + "NON_PUBLIC"
    return ACCESS_RIGHT + ("PUBLIC" if open_type == "unconditional" else "RESTRICTED")


def _zh(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "zh"}


def dataset(
    base: str, resource: Resource, version: ResourceVersion, publisher: str
) -> dict[str, Any]:
    assert version.published_at is not None
    entry: dict[str, Any] = {
        "@id": f"{base}/api/catalog/resources/{resource.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": resource.id,
        "dct:title": _zh(version.name),
        "dct:description": _zh(version.description or version.name),
        "dct:publisher": {
            "@id": f"{base}/api/catalog/departments/{resource.department}",
            "@type": "foaf:Agent",
            "foaf:name": _zh(publisher),
        },
        "dct:issued": {"@value": version.published_at.isoformat(), "@type": "xsd:dateTime"},
        "dct:accessRights": {"@id": access_rights(version.share_type, version.open_type)},
        "dct:accrualPeriodicity": {"@id": FREQUENCY + FREQUENCIES[version.update_frequency]},
        "owl:versionInfo": str(version.version),
        "dcat:keyword": [_zh(f["title"]) for f in version.fields],
        "pdp:shareType": version.share_type,
        "pdp:openType": version.open_type,
        "pdp:grade": version.grade,
        "pdp:important": version.important,
    }
    if version.level is not None:
        entry["pdp:level"] = version.level
    if version.share_basis:
        entry["pdp:shareBasis"] = _zh(version.share_basis)
    if version.chain_tx_id:
        entry["pdp:chainTransaction"] = version.chain_tx_id
    return entry


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
        "dct:title": _zh("长宁区公共数据资源目录"),
        "dct:description": _zh("长宁区大数据资源平台已发布的公共数据资源目录"),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": _zh("长宁区数据局")},
        "dcat:dataset": [dataset(base, r, v, name) for r, v, name in rows],
    }
    if more:
        cursor = encode_cursor(rows[-1][0].id)
        next_page = f"{base}/api/catalog/dcat.jsonld?limit={page.limit}&cursor={cursor}"
        document["hydra:view"] = {
            "@type": "hydra:PartialCollectionView",
            "hydra:next": {"@id": next_page},
        }
    return document
