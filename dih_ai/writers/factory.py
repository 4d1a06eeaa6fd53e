"""The writer the settings ask for: the model writer when one is configured, else the offline
one (see docs/writer.md)."""

from __future__ import annotations

from dih_ai.config import Settings, current
from dih_ai.writers import Writer


def make_writer(settings: Settings | None = None) -> Writer:
    """The writer the settings ask for: the model writer, or the offline one."""
    # Both load on demand: LangChain and the OpenAI client only when a model writes, the
    # templates only when they do.
    from dih_ai.writers.offline import OfflineWriter

    settings = settings or current()
    if settings.resolved_backend() == "openai":
        from dih_ai.writers.llm import LLMWriter

        return LLMWriter(settings)
    return OfflineWriter()
