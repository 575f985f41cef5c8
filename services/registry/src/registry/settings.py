from pydantic import Field
from pydantic_settings import SettingsConfigDict

from pdp_kit.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_REGISTRY_", extra="ignore")
    service_name = "registry"

    evaluation_interval_months: int = Field(
        default=12,
        ge=1,
        le=60,
        description="How often each authorisation is evaluated (Art. 27's periodic evaluation): "
        "the sweep opens an evaluation this many calendar months after the last.",
    )
