from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_AUDIT_", extra="ignore")
    service_name = "audit"

    checkpoint_key_file: Path | None = Field(
        default=None,
        description="PEM Ed25519 key the chain checkpoints are signed with; "
        "<data_dir>/audit-checkpoint-key.pem (created in dev and test) when unset.",
    )
    checkpoint_key: SecretStr | None = Field(
        default=None, description="The checkpoint key as PEM text, instead of a file (prod)."
    )
    purge_database_url: str | None = Field(
        default=None,
        description="Connection the retention sweep purges and keeps partitions with: a role "
        "that may DELETE and owns the network-log partitions. The service's own URL when unset.",
    )
    report_reminder_days: int = Field(
        default=90,
        ge=1,
        description="Days after a grant's first data call without a usage report before the "
        "sweep reminds the holder (Art. 34).",
    )

    @property
    def resolved_checkpoint_key_file(self) -> Path:
        return self.checkpoint_key_file or self.data_dir / "audit-checkpoint-key.pem"

    def insecure_defaults(self) -> list[str]:
        problems = super().insecure_defaults()
        if self.checkpoint_key is None and not self.resolved_checkpoint_key_file.exists():
            problems.append("PDP_AUDIT_CHECKPOINT_KEY (or _FILE) is needed outside dev and test")
        return problems
