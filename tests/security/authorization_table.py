"""CONTRACT.md's "who" column, per operation: the roles that may succeed when they aim at
department D001's objects while holding another department's token (department = D002).
``department`` here therefore means "a department acting on another's object or list"; lists
that a department may read are checked separately for D001's private ids.

An operation allowed to nobody here is one whose legitimate callers are the owner (D001 itself),
the requester, the holder or a named platform service: none of the matrix's callers."""

from __future__ import annotations


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


NOBODY = roles()
#: The bureau and the data centre run the platform; cyberspace and the assessor supervise it
#: (DOMAIN "Who acts", Art. 34): they read every department's objects.
READERS = roles("bureau", "datacenter", "cyberspace", "assessor")
EVERYONE = roles(
    "bureau",
    "datacenter",
    "department",
    "cyberspace",
    "assessor",
    "operator",
    "municipal",
    "public",
    "ops",
    "service",
)

ALLOWED: dict[str, frozenset[str]] = {
    # A department gets its own card only (the test checks D001 is absent from D002's answer).
    "GET /api/audit/scorecards": roles("bureau", "cyberspace", "assessor", "department"),
    "GET /api/audit/scorecards/export.csv": roles("bureau", "cyberspace", "assessor", "department"),
    "POST /api/audit/admin/sweep": roles("bureau"),
    "GET /api/audit/events": roles("assessor", "bureau", "cyberspace"),
    "GET /api/audit/holds": roles("assessor", "bureau", "cyberspace"),
    "POST /api/audit/holds": roles("bureau"),
    "DELETE /api/audit/holds/{hold_id}": NOBODY,
    "GET /api/audit/integrity": roles("assessor", "bureau", "cyberspace"),
    "GET /api/audit/netlogs": roles("bureau", "cyberspace", "ops"),
    "GET /api/audit/notices": roles("assessor", "bureau", "cyberspace", "department"),
    "POST /api/audit/notices": roles("bureau"),
    "GET /api/audit/notices/export.csv": roles("assessor", "bureau", "cyberspace", "department"),
    "GET /api/audit/notices/{notice_id}": NOBODY,
    "GET /api/audit/rectification-orders": roles("assessor", "bureau", "cyberspace", "department"),
    "POST /api/audit/rectification-orders": NOBODY,
    "GET /api/audit/rectification-orders/export.csv": roles(
        "assessor", "bureau", "cyberspace", "department"
    ),
    "GET /api/audit/rectification-orders/{order_id}": NOBODY,
    "POST /api/audit/rectification-orders/{order_id}/close": NOBODY,
    "GET /api/audit/usage-records": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "department", "operator"
    ),
    "GET /api/audit/usage-records/export.csv": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "department", "operator"
    ),
    "GET /api/audit/usage-reports": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "department"
    ),
    "POST /api/audit/usage-reports": NOBODY,
    "POST /api/catalog/admin/sweep": roles("bureau"),
    "GET /api/catalog/calendar/working-days": EVERYONE,
    "GET /api/catalog/calendar/{year}": EVERYONE,
    "PUT /api/catalog/calendar/{year}": NOBODY,
    "GET /api/catalog/changes": EVERYONE,
    "POST /api/catalog/changes": roles("bureau"),
    "GET /api/catalog/changes/{change_id}": READERS,
    "POST /api/catalog/changes/{change_id}/complete": NOBODY,
    "POST /api/catalog/changes/{change_id}/extension": NOBODY,
    "POST /api/catalog/changes/{change_id}/extension/approve": NOBODY,
    "POST /api/catalog/changes/{change_id}/extension/refuse": NOBODY,
    "GET /api/catalog/dcat.jsonld": EVERYONE,
    "GET /api/catalog/departments": EVERYONE,
    "POST /api/catalog/departments": roles("bureau"),
    "GET /api/catalog/departments/{code}": EVERYONE,
    "GET /api/catalog/departments/{department}/duties": READERS,
    "POST /api/catalog/departments/{department}/duties": roles("bureau"),
    "GET /api/catalog/departments/{department}/duties/{code}": READERS,
    "PUT /api/catalog/departments/{department}/duties/{code}": roles("bureau"),
    "POST /api/catalog/departments/{department}/duties/{code}/retire": NOBODY,
    "GET /api/catalog/departments/{department}/systems": READERS,
    "POST /api/catalog/departments/{department}/systems": roles("bureau"),
    "GET /api/catalog/departments/{department}/systems/{code}": READERS,
    "PUT /api/catalog/departments/{department}/systems/{code}": roles("bureau"),
    "POST /api/catalog/departments/{department}/systems/{code}/retire": NOBODY,
    "POST /api/catalog/departments/{department}/{catalogue}/{code}/chain/retry": NOBODY,
    "POST /api/catalog/internal/handback/resources/{resource_id}/records": NOBODY,
    "GET /api/catalog/internal/resources/{resource_id}/records": NOBODY,
    "GET /api/catalog/objections/{objection_id}": NOBODY,
    "POST /api/catalog/objections/{objection_id}/answer": NOBODY,
    "POST /api/catalog/projects": roles("bureau"),
    "GET /api/catalog/projects/{project_id}": NOBODY,
    "GET /api/catalog/projects/{project_id}/acceptance": NOBODY,
    "GET /api/catalog/quality/departments": READERS,
    "GET /api/catalog/resources": EVERYONE,
    "POST /api/catalog/resources": NOBODY,
    "GET /api/catalog/resources/{resource_id}": READERS,
    "POST /api/catalog/resources/{resource_id}/chain/retry": NOBODY,
    "PUT /api/catalog/resources/{resource_id}/draft": NOBODY,
    "GET /api/catalog/resources/{resource_id}/objections": READERS,
    "POST /api/catalog/resources/{resource_id}/objections": NOBODY,
    "POST /api/catalog/resources/{resource_id}/publish": NOBODY,
    "GET /api/catalog/resources/{resource_id}/quality": roles("bureau", "datacenter"),
    "POST /api/catalog/resources/{resource_id}/records": NOBODY,
    "POST /api/catalog/resources/{resource_id}/reject": NOBODY,
    "POST /api/catalog/resources/{resource_id}/submit": NOBODY,
    "GET /api/catalog/resources/{resource_id}/versions": READERS,
    "POST /api/catalog/resources/{resource_id}/versions": NOBODY,
    "GET /api/catalog/resources/{resource_id}/versions/{version}": READERS,
    "POST /api/catalog/resources/{resource_id}/withdraw": NOBODY,
    "POST /api/opening/admin/sweep": roles("bureau"),
    "GET /api/opening/applications": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "department", "municipal", "public"
    ),
    "POST /api/opening/applications": NOBODY,
    # The municipal platform reads the applications it pushed.
    "GET /api/opening/applications/{application_id}": READERS | roles("municipal"),
    "POST /api/opening/applications/{application_id}/approve": NOBODY,
    "POST /api/opening/applications/{application_id}/materials": NOBODY,
    "POST /api/opening/applications/{application_id}/reject": NOBODY,
    "POST /api/opening/applications/{application_id}/screen": NOBODY,
    "POST /api/opening/applications/{application_id}/usage-reports": NOBODY,
    "GET /api/opening/dcat.jsonld": EVERYONE,
    "GET /api/opening/demands": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "department"
    ),
    "POST /api/opening/demands": NOBODY,
    "GET /api/opening/departments": EVERYONE,
    "POST /api/opening/feedback/{feedback_id}/answer": NOBODY,
    "GET /api/opening/listings": EVERYONE,
    "POST /api/opening/listings": NOBODY,
    "GET /api/opening/listings/{listing_id}": EVERYONE,
    "PUT /api/opening/listings/{listing_id}": NOBODY,
    "GET /api/opening/listings/{listing_id}/data": NOBODY,
    "GET /api/opening/listings/{listing_id}/download": NOBODY,
    "GET /api/opening/listings/{listing_id}/feedback": EVERYONE,
    "POST /api/opening/listings/{listing_id}/feedback": EVERYONE,
    "GET /api/opening/listings/{listing_id}/figures": READERS,
    "POST /api/opening/listings/{listing_id}/static": NOBODY,
    "POST /api/registry/admin/sweep": roles("bureau"),
    "GET /api/registry/application-scenarios": EVERYONE,
    "POST /api/registry/application-scenarios": NOBODY,
    "GET /api/registry/application-scenarios/{scenario_id}": NOBODY,
    "PATCH /api/registry/application-scenarios/{scenario_id}": NOBODY,
    "GET /api/registry/authorisations": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "operator"
    ),
    "POST /api/registry/authorisations": NOBODY,
    "GET /api/registry/authorisations/{authorisation_id}": NOBODY,
    "GET /api/registry/authorisations/{authorisation_id}/assessments": NOBODY,
    "POST /api/registry/authorisations/{authorisation_id}/assessments": NOBODY,
    "GET /api/registry/authorisations/{authorisation_id}/evaluations": NOBODY,
    "POST /api/registry/authorisations/{authorisation_id}/evaluations": NOBODY,
    "GET /api/registry/authorisations/{authorisation_id}/resources/{resource_id}/data": NOBODY,
    "POST /api/registry/authorisations/{authorisation_id}/revoke": NOBODY,
    "GET /api/registry/operators": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "operator"
    ),
    "POST /api/registry/operators": NOBODY,
    "GET /api/registry/operators/{operator_id}": NOBODY,
    "POST /api/registry/operators/{operator_id}/disqualify": NOBODY,
    "GET /api/registry/registrations": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "department", "operator"
    ),
    "POST /api/registry/registrations": NOBODY,
    "GET /api/registry/registrations/{registration_id}": READERS,
    "POST /api/registry/registrations/{registration_id}/complete": roles("datacenter"),
    "POST /api/sharing/admin/sweep": roles("bureau"),
    "GET /api/sharing/departments": EVERYONE,
    "GET /api/sharing/grants": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "department"
    ),
    "GET /api/sharing/grants/{grant_id}": READERS,
    "GET /api/sharing/grants/{grant_id}/data": NOBODY,
    "POST /api/sharing/grants/{grant_id}/justification": NOBODY,
    "POST /api/sharing/grants/{grant_id}/reinstate": NOBODY,
    "POST /api/sharing/grants/{grant_id}/suspend": NOBODY,
    "POST /api/sharing/grants/{grant_id}/terminate": NOBODY,
    "GET /api/sharing/notices/{notice_id}": NOBODY,
    "GET /api/sharing/requests": roles(
        "assessor", "bureau", "cyberspace", "datacenter", "department"
    ),
    "POST /api/sharing/requests": NOBODY,
    "GET /api/sharing/requests/{request_id}": READERS,
    "POST /api/sharing/requests/{request_id}/approve": NOBODY,
    "POST /api/sharing/requests/{request_id}/extension": NOBODY,
    "POST /api/sharing/requests/{request_id}/extension/approve": NOBODY,
    "POST /api/sharing/requests/{request_id}/materials": NOBODY,
    "POST /api/sharing/requests/{request_id}/materials-notice": NOBODY,
    "GET /api/sharing/requests/{request_id}/notices": READERS,
    "POST /api/sharing/requests/{request_id}/reject": NOBODY,
}
