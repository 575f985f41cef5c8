"""Which event moves which clock of the 时限看板: event type -> handlers, merged into the
gateway's one table (``gateway.subscriptions``)."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.clocks.handlers import audit as on_audit
from gateway.clocks.handlers import catalog as on_catalog
from gateway.clocks.handlers import opening as on_opening
from gateway.clocks.handlers import registry as on_registry
from gateway.clocks.handlers import sharing as on_sharing
from pdp_contracts import audit, catalog, opening, registry, sharing
from pdp_kit.events.consumer import Handler

clock_handlers: dict[str, Sequence[Handler]] = {
    # catalog: who the departments are
    catalog.DepartmentCreated.event_type: [on_catalog.when_department_created_keep_its_name],
    # catalog: resource reviews
    catalog.ResourceSubmitted.event_type: [
        on_catalog.when_resource_submitted_start_the_review_clock
    ],
    catalog.ResourceReviewOverdue.event_type: [on_catalog.when_resource_review_overdue_flag_it],
    catalog.ResourceDeadlineRecomputed.event_type: [
        on_catalog.when_resource_deadline_recomputed_move_it
    ],
    catalog.ResourcePublished.event_type: [on_catalog.when_resource_reviewed_close_the_clock],
    catalog.ResourceRejected.event_type: [on_catalog.when_resource_reviewed_close_the_clock],
    catalog.ResourceWithdrawn.event_type: [on_catalog.when_resource_reviewed_close_the_clock],
    # catalog: change obligations
    catalog.ChangeOpened.event_type: [on_catalog.when_change_opened_start_the_clock],
    catalog.ChangeReopened.event_type: [on_catalog.when_change_reopened_start_the_clock_again],
    catalog.ChangeExtensionRequested.event_type: [
        on_catalog.when_change_extension_requested_mark_it
    ],
    catalog.ChangeExtended.event_type: [on_catalog.when_change_extended_move_it],
    catalog.ChangeExtensionRefused.event_type: [on_catalog.when_change_extension_refused_unmark_it],
    catalog.ChangeOverdue.event_type: [on_catalog.when_change_overdue_flag_it],
    catalog.ChangeOverdueCleared.event_type: [on_catalog.when_change_overdue_cleared_lift_it],
    catalog.ChangeDeadlineRecomputed.event_type: [
        on_catalog.when_change_deadline_recomputed_move_it
    ],
    catalog.ChangeClosed.event_type: [on_catalog.when_change_closed_close_the_clock],
    # sharing: replies to share requests
    sharing.RequestSubmitted.event_type: [
        on_sharing.when_share_request_submitted_start_the_reply_clock
    ],
    sharing.MaterialsRequested.event_type: [
        on_sharing.when_materials_requested_stop_the_reply_clock
    ],
    sharing.MaterialsResubmitted.event_type: [
        on_sharing.when_materials_resubmitted_restart_the_reply_clock
    ],
    sharing.ExtensionRequested.event_type: [on_sharing.when_reply_extension_requested_mark_it],
    sharing.ReplyExtended.event_type: [on_sharing.when_reply_extended_move_it],
    sharing.ReplyDeadlineRecomputed.event_type: [on_sharing.when_reply_deadline_recomputed_move_it],
    sharing.ReplyOverdue.event_type: [on_sharing.when_reply_overdue_flag_it],
    sharing.RequestApproved.event_type: [on_sharing.when_share_request_decided_close_the_clock],
    sharing.RequestRejected.event_type: [on_sharing.when_share_request_decided_close_the_clock],
    # opening: application reviews and usage reports
    opening.ApplicationForwarded.event_type: [
        on_opening.when_application_forwarded_start_the_review_clock
    ],
    opening.ReviewOverdue.event_type: [on_opening.when_application_review_overdue_flag_it],
    opening.ReviewDeadlineRecomputed.event_type: [
        on_opening.when_review_deadline_recomputed_move_it
    ],
    opening.ApplicationApproved.event_type: [
        on_opening.when_application_decided_close_the_review_clock,
        on_opening.when_application_approved_start_the_usage_report_clock,
    ],
    opening.ApplicationRefused.event_type: [
        on_opening.when_application_decided_close_the_review_clock
    ],
    opening.ApplicationReturned.event_type: [
        on_opening.when_application_decided_close_the_review_clock
    ],
    opening.UsageReportOverdue.event_type: [on_opening.when_usage_report_overdue_flag_it],
    opening.UsageReportFiled.event_type: [on_opening.when_usage_report_filed_close_the_clock],
    # registry: registrations and evaluations
    registry.RegistrationFiled.event_type: [on_registry.when_registration_filed_start_the_clock],
    registry.RegistrationOverdue.event_type: [on_registry.when_registration_overdue_flag_it],
    registry.RegistrationDeadlineRecomputed.event_type: [
        on_registry.when_registration_deadline_recomputed_move_it
    ],
    registry.RegistrationCompleted.event_type: [
        on_registry.when_registration_completed_close_the_clock
    ],
    registry.EvaluationOpened.event_type: [on_registry.when_evaluation_opened_start_the_clock],
    registry.AuthorisationEvaluated.event_type: [
        on_registry.when_authorisation_evaluated_close_the_clock
    ],
    # audit: rectification orders
    audit.RectificationOrdered.event_type: [on_audit.when_rectification_ordered_start_the_clock],
    audit.RectificationOverdue.event_type: [on_audit.when_rectification_overdue_flag_it],
    audit.RectificationClosed.event_type: [on_audit.when_rectification_closed_close_the_clock],
}
