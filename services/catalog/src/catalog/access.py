"""Who may read and change a department's catalogue objects (DOMAIN: object-level rule)."""

from pdp_kit.auth import Principal, Role, require_department_or, visible_to


def ensure_readable(principal: Principal, department: str) -> None:
    """Another department's catalogue objects are 404: it may not know they exist."""
    visible_to(principal, department)


def ensure_owner_or_bureau(principal: Principal, department: str) -> None:
    """Own department or the bureau (duties, systems, changes: CONTRACT "who")."""
    ensure_readable(principal, department)
    require_department_or(principal, department, Role.BUREAU)


def ensure_owner(principal: Principal, department: str) -> None:
    """Own department only (resources, records: CONTRACT "who")."""
    ensure_readable(principal, department)
    require_department_or(principal, department)
