from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_AUDIT_", extra="ignore")
    service_name = "audit"
