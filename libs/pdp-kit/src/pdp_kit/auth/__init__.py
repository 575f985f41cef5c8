"""Authentication and authorisation helpers shared by every service."""

from pdp_kit.auth.dependencies import CurrentPrincipal, current_principal
from pdp_kit.auth.principal import (
    STAFF,
    SUPERVISORS,
    Principal,
    Role,
    require_department_or,
    require_role,
    require_service,
    visible_to,
)
from pdp_kit.auth.tokens import TokenIssuer, TokenVerifier

__all__ = [
    "STAFF",
    "SUPERVISORS",
    "CurrentPrincipal",
    "Principal",
    "Role",
    "TokenIssuer",
    "TokenVerifier",
    "current_principal",
    "require_department_or",
    "require_role",
    "require_service",
    "visible_to",
]
