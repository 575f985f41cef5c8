from datetime import datetime

from sqlmodel import Field

from gateway.tables import GatewayTable
from pdp_kit.db import UTCDateTime, utcnow


class ConsoleSession(GatewayTable, table=True):
    """A signed-in browser. The cookie holds a random token; the table only its SHA-256, so a
    leaked table opens no session."""

    __tablename__ = "console_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="staff_user.user_id", index=True, max_length=64)
    #: Sent back in every form (hidden field) or ``X-CSRF-Token`` header, and checked.
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: The absolute end, whatever the activity.
    expires_at: datetime = Field(sa_type=UTCDateTime)
