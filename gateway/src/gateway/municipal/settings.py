"""Settings of the municipal adapters, mixed into :class:`gateway.settings.GatewaySettings`.

Read as ``PDP_GATEWAY_MUNICIPAL_*`` first, then the platform-wide ``PDP_MUNICIPAL_*``. With
``PDP_MUNICIPAL_URL`` unset the adapters are off: chaining requests still queue in the gateway's
database (nothing is lost) and go out once the municipal side is configured.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class MunicipalSettings(BaseModel):
    municipal_url: str | None = Field(
        default=None, description="Base URL of the municipal platforms (the simulator in dev)."
    )
    municipal_client_id: str | None = Field(
        default=None, description="The district's OAuth 2.0 client at the municipal side."
    )
    municipal_client_secret: str | None = Field(default=None, description="Its secret.")
    #: How often the worker pulls the feeds and sends what is due.
    municipal_poll_seconds: float = Field(default=1.0, gt=0)
    #: One call's deadline; a slower answer counts as a failure and is retried.
    municipal_timeout_seconds: float = Field(default=10.0, gt=0)
    #: Backoff after the n-th failure: base × 2^(n-1), at most the cap (± 10 % jitter).
    municipal_retry_base_seconds: float = Field(default=2.0, gt=0)
    municipal_retry_max_seconds: float = Field(default=900.0, gt=0)
    #: After this many failed pushes the catalog is told (receipt ``failed``); retries go on.
    municipal_report_failure_after: int = Field(default=3, ge=1)
    #: Rows sent per step of the worker loop, per adapter.
    municipal_batch_size: int = Field(default=50, ge=1)

    @property
    def municipal_enabled(self) -> bool:
        return all((self.municipal_url, self.municipal_client_id, self.municipal_client_secret))
