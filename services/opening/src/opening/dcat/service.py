"""The open list as DCAT-AP JSON-LD for the municipal open-data platform (Art. 22, 24).

``dct:accessRights`` on the EU access-right table: ``PUBLIC`` for unconditional opening,
``RESTRICTED`` for conditional, ``NON_PUBLIC`` for a listing that is not open. A conditional
listing's conditions travel as an ODRL offer on its distributions (``odrl:hasPolicy``): the allowed
scenarios as a purpose constraint of the ``use`` permission, the forbidden ones as prohibitions,
the feedback duties (cite the source, file a usage report) as duties, and the rest in the
platform's own ``pdp:`` terms, which a harvester that does not know them ignores.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from opening.departments.models import Department
from opening.listings.models import Listing
from opening.listings.schemas import Conditions, conditions_of
from pdp_kit import dcat
from pdp_kit.pagination import PageParams, encode_cursor

ODRL = "http://www.w3.org/ns/odrl/2/"
CONTEXT = {**dcat.CONTEXT, "odrl": ODRL, "pdp": "urn:pdp:opening#"}
KEYWORDS = {"unconditional": "无条件开放", "conditional": "有条件开放", "not_open": "不予开放"}
RIGHTS = {"unconditional": "PUBLIC", "conditional": "RESTRICTED", "not_open": "NON_PUBLIC"}


def policy(base: str, listing: Listing, conditions: Conditions) -> dict[str, Any]:
    constraints = [
        {
            "@type": "odrl:Constraint",
            "odrl:leftOperand": {"@id": ODRL + "purpose"},
            "odrl:operator": {"@id": ODRL + "isAnyOf"},
            "odrl:rightOperand": [dcat.zh(s) for s in conditions.allowed_scenarios],
        }
    ]
    duties: list[dict[str, Any]] = []
    if conditions.feedback.cite_source:
        duties.append({"@type": "odrl:Duty", "odrl:action": {"@id": ODRL + "attribute"}})
    if conditions.feedback.usage_report_due_days:
        duties.append({"@type": "odrl:Duty", "odrl:action": {"@id": ODRL + "inform"}})
    permission: dict[str, Any] = {
        "@type": "odrl:Permission",
        "odrl:target": {"@id": f"{base}/api/opening/listings/{listing.id}"},
        "odrl:action": {"@id": ODRL + "use"},
        "odrl:duty": duties,
    }
    if conditions.allowed_scenarios:
        permission["odrl:constraint"] = constraints
    return {
        "@id": f"{base}/api/opening/listings/{listing.id}#policy",
        "@type": ["odrl:Policy", "odrl:Offer"],
        "odrl:permission": permission,
        "odrl:prohibition": [
            {
                "@type": "odrl:Prohibition",
                "odrl:action": {"@id": ODRL + "use"},
                "odrl:constraint": {
                    "@type": "odrl:Constraint",
                    "odrl:leftOperand": {"@id": ODRL + "purpose"},
                    "odrl:operator": {"@id": ODRL + "eq"},
                    "odrl:rightOperand": dcat.zh(scenario),
                },
            }
            for scenario in conditions.forbidden_scenarios
        ],
        "pdp:securityRequirements": [dcat.zh(s) for s in conditions.security_requirements],
        "pdp:technicalRequirements": [dcat.zh(s) for s in conditions.technical_requirements],
        "pdp:creditRequirements": [str(c) for c in conditions.credit_requirements],
    }


def distributions(base: str, listing: Listing) -> list[dict[str, Any]]:
    conditions = conditions_of(listing.conditions)
    url = f"{base}/api/opening/listings/{listing.id}"
    how = "经市公共数据开放平台申请获批后调用" if conditions else "公众应用直接调用"
    shapes = [
        ("api", "开放数据接口", f"{url}/data", dcat.JSON_FORMAT),
        ("csv", "CSV 下载", f"{url}/download?format=csv", dcat.CSV_FORMAT),
        ("json", "JSON 下载", f"{url}/download?format=json", dcat.JSON_FORMAT),
    ]
    out = []
    for key, title, access, file_format in shapes:
        item: dict[str, Any] = {
            "@id": f"{url}#{key}",
            "@type": "dcat:Distribution",
            "dct:title": dcat.zh(title),
            "dct:description": dcat.zh(f"脱敏后的开放数据，{how}"),
            "dcat:accessURL": {"@id": access},
            "dct:format": file_format,
            "dcatap:availability": dcat.STABLE,
        }
        if conditions is not None:
            item["odrl:hasPolicy"] = policy(base, listing, conditions)
        out.append(item)
    return out


def dataset(base: str, listing: Listing, publisher: str) -> dict[str, Any]:
    department = f"{base}/api/opening/departments/{listing.department}"
    entry: dict[str, Any] = {
        "@id": f"{base}/api/opening/listings/{listing.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": listing.id,
        "dct:title": dcat.zh(listing.name),
        "dct:description": dcat.zh(listing.description or listing.name),
        "dct:publisher": dcat.agent(department, publisher),
        "dcat:contactPoint": dcat.contact(f"{department}#contact", publisher),
        "dcat:distribution": distributions(base, listing),
        "dcat:theme": dcat.THEME,
        "dcat:keyword": [dcat.zh(listing.name), dcat.zh(KEYWORDS[listing.open_type])],
        "dct:spatial": dcat.place(f"{base}/api/opening/dcat.jsonld#changning"),
        "dct:issued": dcat.when(listing.created_at),
        "dct:modified": dcat.when(listing.created_at),
        "dct:accessRights": dcat.typed(
            dcat.ACCESS_RIGHT + RIGHTS[listing.open_type], "dct:RightsStatement"
        ),
        "dct:accrualPeriodicity": dcat.frequency(listing.update_frequency),
        "pdp:catalogueEntry": {"@id": f"{base}/api/catalog/resources/{listing.resource_id}"},
        "pdp:openType": listing.open_type,
        "pdp:desensitisation": {n: e["action"] for n, e in listing.desensitisation.items()},
    }
    return entry


async def open_list(session: AsyncSession, *, base: str, page: PageParams) -> dict[str, Any]:
    """One page of the active open list; ``hydra:view`` links the next page."""
    query: Any = (
        select(Listing, col(Department.name))
        .join(Department, col(Department.code) == col(Listing.department), isouter=True)
        .where(col(Listing.status) == "active")
        .order_by(col(Listing.id))
        .limit(page.limit + 1)
    )
    if page.after is not None:
        query = query.where(col(Listing.id) > str(page.after))
    rows = (await session.execute(query)).all()
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": f"{base}/api/opening/dcat.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": dcat.zh("长宁区公共数据开放清单"),
        "dct:description": dcat.zh("长宁区各部门公共数据开放清单（无条件开放、有条件开放）"),
        "dct:publisher": dcat.agent(f"{base}/api/opening/dcat.jsonld#publisher", "长宁区数据局"),
        "dct:language": dcat.LANGUAGE,
        "dct:license": dcat.METADATA_LICENCE,
        "dct:spatial": dcat.place(f"{base}/api/opening/dcat.jsonld#changning"),
        "dcat:themeTaxonomy": dcat.THEME_TAXONOMY,
        "foaf:homepage": {"@id": f"{base}/api/opening/docs", "@type": "foaf:Document"},
        "dcat:dataset": [
            dataset(base, listing, name or listing.department) for listing, name in rows
        ],
    }
    if rows:
        moments = [listing.created_at for listing, _ in rows]
        document["dct:issued"], document["dct:modified"] = (
            dcat.when(min(moments)),
            dcat.when(max(moments)),
        )
    if more:
        cursor = encode_cursor(rows[-1][0].id)
        document["hydra:view"] = {
            "@type": "hydra:PartialCollectionView",
            "hydra:next": {
                "@id": f"{base}/api/opening/dcat.jsonld?limit={page.limit}&cursor={cursor}"
            },
        }
    return document
