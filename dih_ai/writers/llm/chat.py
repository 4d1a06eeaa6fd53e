"""The LangChain chat model for the settings (OpenAI, Azure OpenAI, any OpenAI-compatible
server), and the tracing guard."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from pydantic import SecretStr

from dih_ai.config import Settings
from dih_ai.errors import ConfigError


@contextlib.contextmanager
def tracing(settings: Settings) -> Iterator[None]:
    """Assessment data goes to the configured model endpoint only: LangSmith traces none of
    the calls made inside this block, whatever the environment says, unless the settings
    allow it (DIH_AI_ALLOW_TRACING=1). The process's environment is left as it is."""
    if settings.allow_tracing:
        yield
        return
    from langsmith.run_helpers import tracing_context

    with tracing_context(enabled=False):
        yield


def chat_model(settings: Settings) -> Any:
    """The LangChain chat model for the settings: Azure OpenAI, or ChatOpenAI (any base URL)."""
    common: dict[str, Any] = {
        "temperature": settings.temperature,
        "max_retries": settings.max_retries,
        "timeout": settings.timeout_s,
        "max_tokens": settings.max_output_tokens,
    }
    if settings.seed is not None:
        common["seed"] = settings.seed
    key = settings.api_key
    if settings.azure_endpoint:
        from langchain_openai import AzureChatOpenAI

        if not key:
            raise ConfigError(
                "Azure OpenAI needs an API key (DIH_AI_API_KEY or AZURE_OPENAI_API_KEY)"
            )
        return AzureChatOpenAI(
            azure_endpoint=settings.azure_endpoint,
            azure_deployment=settings.azure_deployment or settings.model,
            api_version=settings.api_version,
            api_key=key,
            **common,
        )
    from langchain_openai import ChatOpenAI

    if not key and not settings.base_url:
        raise ConfigError(
            "the model writer needs OPENAI_API_KEY or a base URL "
            "(DIH_AI_BASE_URL) of an OpenAI-compatible server"
        )
    if settings.base_url:
        # many OpenAI-compatible servers (llama.cpp, older vLLM) only read `max_tokens`
        common["extra_body"] = {"max_tokens": settings.max_output_tokens}
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=key or SecretStr("not-needed"),
        **common,
    )
