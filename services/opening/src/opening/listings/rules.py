"""What a listing must satisfy (Art. 21, 22): checked in full, every problem listed at once."""

from opening.listings.masking import Action
from opening.listings.schemas import ListingCreate, ProfileEntry
from opening.resources.models import OpenableResource
from pdp_kit.errors import FieldProblem

WIDER = {"not_open": 0, "conditional": 1, "unconditional": 2}


def listing_problems(
    data: ListingCreate, resource: OpenableResource, profile: dict[str, ProfileEntry]
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


def basis_of(data: ListingCreate, resource: OpenableResource) -> str:
    if resource.open_type != "not_open":
        return "open"
    return "consent" if data.consent is not None else "desensitised"
