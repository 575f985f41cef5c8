"""Aggregation risk (Art. 19): shared data that identifies people only once combined.

The rule, in two parts:

1. **Identity fields.** A field is classified by its declared ``format`` first, then by its name
   and title:

   - ``resident_id``: format ``resident_id``, a title containing 身份证, or a name among
     ``resident_id``, ``id_number``, ``id_no``, ``sfzh``;
   - ``phone``: format ``phone``, a title containing 电话 or 手机, or a name among ``phone``,
     ``mobile``, ``tel``, ``telephone``;
   - ``name`` (a person's name): a title containing 姓名, or a name among ``full_name``,
     ``person_name``, ``xm``, ``xingming``; a 名称 (an organisation's name) is not one;
   - ``address``: a title containing 地址, 住址 or 住所, or a name containing ``address``.

   Fields *identify people* when a ``name`` meets a ``resident_id``, ``phone`` or ``address``.
   A request is at risk when the fields it asks for, together with the fields of the requester's
   live grants (active or suspended) on other resources, identify people while the request's own
   fields do not: the identity comes from combining resources.

2. **Combined grade.** Grades are ranked general level 1–4 (a general resource without a level
   counts as level 1), then important, then core. The combination of identifying resources is
   graded **one step above the highest of them**: two general level-2 resources combine to general
   level 3, a level-4 one to important, an important one to core. So it is always higher than
   each resource alone, which is what the warning tells the provider and the bureau.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

ID_NAMES = {"resident_id", "id_number", "id_no", "sfzh"}
PHONE_NAMES = {"phone", "mobile", "tel", "telephone"}
PERSON_NAMES = {"full_name", "person_name", "xm", "xingming"}
IDENTIFIERS = ("resident_id", "phone", "address")


def identity_kind(field: dict[str, Any]) -> str | None:
    name = str(field.get("name", "")).lower()
    title = str(field.get("title", ""))
    form = field.get("format")
    if form == "resident_id" or "身份证" in title or name in ID_NAMES:
        return "resident_id"
    if form == "phone" or "电话" in title or "手机" in title or name in PHONE_NAMES:
        return "phone"
    if "姓名" in title or name in PERSON_NAMES:
        return "name"
    if any(word in title for word in ("地址", "住址", "住所")) or "address" in name:
        return "address"
    return None


def identifies(kinds: Iterable[str]) -> list[str]:
    """The identity kinds that together identify people, or [] when they do not."""
    present = set(kinds)
    if "name" not in present or not present.intersection(IDENTIFIERS):
        return []
    return ["name", *(kind for kind in IDENTIFIERS if kind in present)]


def rank(grade: str, level: int | None) -> int:
    if grade == "core":
        return 6
    if grade == "important":
        return 5
    return min(max(level or 1, 1), 4)


def grade_of(rank_: int) -> tuple[str, int | None]:
    if rank_ >= 6:
        return "core", None
    if rank_ == 5:
        return "important", None
    return "general", rank_


@dataclass(frozen=True)
class Holding:
    """Fields someone holds (or asks for) of one resource."""

    grant_id: str | None
    resource_id: str
    grade: str
    level: int | None
    kinds: frozenset[str]


def holding(
    grant_id: str | None,
    resource_id: str,
    grade: str,
    level: int | None,
    specs: Sequence[dict[str, Any]],
    fields: Iterable[str],
) -> Holding:
    wanted = set(fields)
    kinds = {identity_kind(spec) for spec in specs if spec.get("name") in wanted}
    return Holding(grant_id, resource_id, grade, level, frozenset(k for k in kinds if k))


@dataclass(frozen=True)
class Risk:
    grants: list[str]
    resources: list[str]
    identifies: list[str]
    combined_grade: str
    combined_level: int | None


def aggregation_risk(asked: Holding, held: Sequence[Holding]) -> Risk | None:
    if identifies(asked.kinds):
        return None  # the resource itself identifies people: its own grade already says so
    others = [h for h in held if h.resource_id != asked.resource_id and h.kinds]
    combined = identifies(asked.kinds.union(*(h.kinds for h in others)))
    if not combined:
        return None
    involved = [h for h in others if h.kinds.intersection(combined)]
    top = max(rank(h.grade, h.level) for h in [asked, *involved])
    grade, level = grade_of(top + 1)
    return Risk(
        grants=sorted({h.grant_id for h in involved if h.grant_id}),
        resources=sorted({asked.resource_id, *(h.resource_id for h in involved)}),
        identifies=combined,
        combined_grade=grade,
        combined_level=level,
    )
