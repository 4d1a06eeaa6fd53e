"""Settings: the one reader of the environment (`DIH_AI_*`, the usual `OPENAI_*` /
`AZURE_OPENAI_*` names, `TIKTOKEN_CACHE_DIR`). The model writer's choices and limits, and the
runtime's folders, index, dates and switches; every variable is in docs/configuration.md.

Code that needs a value asks `current()` (the environment as it is now) or takes a
`Settings` passed in; nothing else reads `os.environ`.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from dih_ai.errors import Problem, SettingError

StructuredMethod = Literal["auto", "json_schema", "function_calling", "json_mode"]
ENV_PREFIXES = ("DIH_AI_", "OPENAI_", "AZURE_OPENAI_", "TIKTOKEN_")


class Settings(BaseSettings):
    """Which writer, which model and endpoint, the limits of a draft, and where the runtime
    keeps and finds things. Empty variables count as unset."""

    model_config = SettingsConfigDict(
        env_prefix="DIH_AI_",
        env_file=None,
        extra="ignore",
        populate_by_name=True,
        env_ignore_empty=True,
    )

    # -- the writer -----------------------------------------------------------------------
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
        default=None,
        validation_alias=AliasChoices("DIH_AI_API_KEY", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"),
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
    allow_tracing: bool = Field(
        default=False, description="let LangSmith trace the model calls (off: nothing is sent)"
    )
    batch_poll_s: float = Field(
        default=30.0, ge=0, description="seconds between polls of an OpenAI Batch API batch"
    )

    # -- the runtime ----------------------------------------------------------------------
    cache_dir: Path | None = Field(
        default=None, description="the cache folder (default: the platform's user cache)"
    )
    data_dir: Path | None = Field(
        default=None, description="the hub's data files, each replacing the bundled one"
    )
    templates_dir: Path | None = Field(
        default=None, description="the hub's templates (offline/, html/), each replacing one"
    )
    index_dir: Path | None = Field(
        default=None, description="the embedded index folder (default: <cache>/index)"
    )
    chroma_url: str | None = Field(
        default=None, description="a Chroma server for the commands (`--chroma-url`)"
    )
    index_lease_s: float | None = Field(
        default=None, ge=0, description="a Chroma server's index lease, taken over after it"
    )
    index_retry_s: float | None = Field(
        default=None, ge=0, description="how long transient index errors are retried"
    )
    embed_threads: int | None = Field(default=None, description="the embedder's threads")
    as_of: dt.date | None = Field(default=None, description="the drafting date (default today)")
    branding: Path | None = Field(default=None, description="the hub's branding YAML")
    tiktoken_cache_dir: Path | None = Field(
        default=None,
        validation_alias="TIKTOKEN_CACHE_DIR",
        description="tiktoken's own cache folder; when unset, dih_ai seeds one offline",
    )

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


def settings(**values: Any) -> Settings:
    """The settings from the environment, with `values` (by field name) taking precedence;
    a value a setting cannot take is a `SettingError` naming its variable."""
    try:
        return Settings(**values)
    except ValidationError as error:
        raise SettingError([_problem(e, values) for e in error.errors()]) from None


def current() -> Settings:
    """The settings the environment gives now (read again whenever a variable changed).
    Shared: read it, never modify it (`model_copy(update=...)` makes a changed copy)."""
    names = sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIXES))
    return _from_environment(tuple(names))


@functools.lru_cache(maxsize=8)
def _from_environment(_: tuple[tuple[str, str], ...]) -> Settings:
    return settings()


def variable(field: str) -> str:
    """The environment variable of a field: the first of its names that is set, else the
    first name (`DIH_AI_<FIELD>`)."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        names = [str(n) for n in alias.choices]
    else:
        names = [alias] if isinstance(alias, str) else [f"DIH_AI_{field.upper()}"]
    return next((n for n in names if n in os.environ), names[0])


_EXPECTED = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "bool_parsing": "true or false (1 or 0)",
    "date_parsing": "a date YYYY-MM-DD",
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_from_datetime_inexact": "a date YYYY-MM-DD",
}


def _problem(error: Any, values: dict[str, Any]) -> Problem:
    """One line for one invalid setting: its variable (or argument), what it expected."""
    field = str(error["loc"][0]) if error["loc"] else ""
    where = field if field in values else variable(field) if field else "settings"
    ctx, kind = error.get("ctx") or {}, error["type"]
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}"
    elif kind == "literal_error":
        message = f"expected one of {ctx.get('expected')}"
    elif kind == "greater_than_equal":
        message = f"expected a number of at least {ctx.get('ge')}"
    elif kind == "greater_than":
        message = f"expected a number above {ctx.get('gt')}"
    else:
        message = str(error["msg"])
    got = "" if field == "api_key" else f", got {error.get('input')!r}"
    return Problem(where, "", f"{message}{got}")
