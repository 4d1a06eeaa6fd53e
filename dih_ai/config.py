"""Configuration of the model writer, from arguments, environment (`DIH_AI_*`, and the usual
`OPENAI_*` / `AZURE_OPENAI_*` names) or a `.env` file. Nothing here is needed offline."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

StructuredMethod = Literal["auto", "json_schema", "function_calling", "json_mode"]


class Settings(BaseSettings):
    """Which writer, which model and endpoint, and the limits of a draft."""

    model_config = SettingsConfigDict(
        env_prefix="DIH_AI_", env_file=None, extra="ignore", populate_by_name=True
    )

    backend: Literal["auto", "offline", "openai"] = Field(
        default="auto",
        description="auto: a model when an API key, base URL or Azure endpoint is set, "
        "else the offline writer",
    )
    model: str = Field(
        default="gpt-4o-mini", validation_alias=AliasChoices("DIH_AI_MODEL", "OPENAI_MODEL")
    )
    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DIH_AI_BASE_URL", "OPENAI_BASE_URL")
    )
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DIH_AI_API_KEY", "OPENAI_API_KEY")
    )
    azure_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DIH_AI_AZURE_ENDPOINT", "AZURE_OPENAI_ENDPOINT"),
    )
    azure_deployment: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DIH_AI_AZURE_DEPLOYMENT", "AZURE_OPENAI_DEPLOYMENT"),
    )
    api_version: str = Field(
        default="2024-10-21",
        validation_alias=AliasChoices("DIH_AI_API_VERSION", "OPENAI_API_VERSION"),
    )
    structured_output: StructuredMethod = "auto"
    temperature: float = 0.0
    seed: int | None = 7
    timeout_s: float = Field(default=120.0, gt=0)
    max_retries: int = Field(default=4, ge=0, description="transport retries (429, 5xx, timeouts)")
    repair_attempts: int = Field(default=2, ge=0, description="re-asks after an invalid answer")
    max_output_tokens: int = Field(default=1200, ge=64)
    max_prompt_tokens_per_call: int = Field(default=16_000, ge=500)
    max_tokens_per_draft: int = Field(default=200_000, ge=1000)
    max_concurrent_calls: int = Field(
        default=16, ge=1, description="model calls in flight at once, shared by a whole batch"
    )
    cache: bool = True

    def resolved_backend(self) -> Literal["offline", "openai"]:
        """The backend `auto` stands for."""
        if self.backend != "auto":
            return self.backend
        configured = self.api_key or self.base_url or self.azure_endpoint
        return "openai" if configured else "offline"

    def resolved_method(self) -> Literal["json_schema", "function_calling", "json_mode"]:
        """Structured-output method: json_schema on OpenAI and Azure, function calling on
        other OpenAI-compatible servers (many reject json_schema)."""
        if self.structured_output != "auto":
            return self.structured_output
        return "function_calling" if self.base_url else "json_schema"
