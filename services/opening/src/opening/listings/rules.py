"""What a listing must satisfy (Art. 21, 22): checked in full, every problem listed at once."""

from typing import Any

from opening.listings.masking import Action
from opening.listings.schemas import ListingAdjustment, ProfileEntry
from opening.resources.models import OpenableResource
from pdp_kit.errors import FieldProblem, Invalid

WIDER = {"not_open": 0, "conditional": 1, "unconditional": 2}


def listing_problems(
    data: ListingAdjustment, resource: OpenableResource, profile: dict[str, ProfileEntry]
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    known = set(resource.field_names())
    for name in profile:
        if name not in known:
            problems.append(FieldProblem(f"desensitisation.{name}", "not a field of the resource"))
    for name in resource.sensitive_fields():
        entry = profile.get(name)
        if entry is None or entry.action is Action.KEEP:
            # Art. 22: no personal identifier leaves unmasked, whatever else is recorded.
            problems.append(
                FieldProblem(
                    f"desensitisation.{name}", "a sensitive field must be masked or dropped"
                )
            )
    leaving = [n for n in resource.field_names() if profile.get(n, _KEEP).action is not Action.DROP]
    if not leaving:
        problems.append(FieldProblem("desensitisation", "every field is dropped: nothing to open"))
    open_type = str(data.open_type)
    if open_type == "conditional" and data.conditions is None:
        problems.append(FieldProblem("conditions", "a conditional listing states its conditions"))
    if open_type != "conditional" and data.conditions is not None:
        problems.append(FieldProblem("conditions", "only a conditional listing has conditions"))
    if resource.open_type != "not_open" and WIDER[open_type] > WIDER[resource.open_type]:
        problems.append(
            FieldProblem("open_type", f"the catalogue opens it {resource.open_type} only")
        )
    if resource.open_type == "not_open" and open_type != "not_open" and data.consent is None:
        # Art. 21: not_open data is opened only desensitised or with the rights holder's consent.
        desensitised = [n for n, e in profile.items() if e.action is not Action.KEEP]
        if not resource.sensitive_fields() or not desensitised:
            problems.append(
                FieldProblem(
                    "consent",
                    "a not_open resource needs desensitised fields or the rights holder's consent",
                )
            )
    return problems


_KEEP = ProfileEntry(action=Action.KEEP)


def basis_of(data: ListingAdjustment, resource: OpenableResource) -> str:
    if resource.open_type != "not_open":
        return "open"
    return "consent" if data.consent is not None else "desensitised"


def checked_terms(data: ListingAdjustment, resource: OpenableResource) -> dict[str, Any]:
    """The listing's terms as stored, once every rule holds (422 listing every problem)."""
    if resource.share_type == "not_shared":
        # DOMAIN: what a law forbids sharing with departments it forbids giving to the public.
        raise Invalid(
            "不予共享的资源不能列入开放清单",
            errors=[FieldProblem("resource_id", "a not_shared resource cannot be opened")],
        )
    profile = data.profile()
    problems = listing_problems(data, resource, profile)
    if problems:
        raise Invalid("开放清单条目未通过校验", errors=problems)
    return {
        "open_type": str(data.open_type),
        "update_frequency": str(data.update_frequency),
        "desensitisation": {
            name: entry.model_dump(mode="json", exclude_none=True)
            for name, entry in profile.items()
        },
        "conditions": data.conditions.model_dump(mode="json") if data.conditions else None,
        "consent": data.consent.model_dump(mode="json") if data.consent else None,
        "basis": basis_of(data, resource),
    }
