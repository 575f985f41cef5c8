"""Reply deadlines (Art. 18): 1 working day for an unconditional resource, 10 for a conditional
one, counted from the day after receipt (or resubmission) on the official calendar, plus an
approved extension of at most 10 working days."""

from pdp_kit.calendar import Deadline, WorkingCalendar
from sharing.requests.models import ShareRequest

UNCONDITIONAL_DAYS = 1
CONDITIONAL_DAYS = 10
MAX_EXTENSION_DAYS = 10


def reply_days(share_type: str) -> int:
    return CONDITIONAL_DAYS if share_type == "conditional" else UNCONDITIONAL_DAYS


def reply_deadline(calendar: WorkingCalendar, request: ShareRequest) -> Deadline:
    """From the last receipt, then the extension once the bureau approved it."""
    deadline = calendar.add_working_days(request.received_on, reply_days(request.share_type))
    if request.extension_status == "approved" and request.extension_days:
        extended = calendar.add_working_days(deadline.due_on, request.extension_days)
        return Deadline(extended.due_on, deadline.provisional or extended.provisional)
    return deadline
