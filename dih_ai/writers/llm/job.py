"""What the model writer works on: a document to write section by section (a roadmap draft or
a deep dive), the answer the model must return, and the shared limit on calls in flight."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from dih_ai.deep_dive_models import DEEP_DIVE_SECTION_IDS
from dih_ai.draft import Section
from dih_ai.resources import labels
from dih_ai.vocab import SECTION_IDS, Language
from dih_ai.writers import DeepDiveInput, Source, WriterInput
from dih_ai.writers.llm.blocks import PromptBlocks
from dih_ai.writers.offline import OfflineWriter
from dih_ai.writers.prompts import PromptSet, load_prompts

SUMMARY_SECTIONS = ("ai_summary",)  # written last, with the openings of the others in view


class SectionAnswer(BaseModel):
    """One section as the model must return it."""

    markdown: str = Field(description="The section text in Markdown, citing sources as [n].")
    citations: list[int] = Field(
        default_factory=list, description="The numbers of the sources cited in the text."
    )
    notes_for_consultant: list[str] = Field(
        default_factory=list,
        description="Conflicts between the plan and the company's goals or the consultant's "
        "notes, one short sentence each; empty when there is none.",
    )


@dataclass(frozen=True)
class Reply:
    """One model answer to a section's request: the parsed answer (None when unusable), the
    raw text, and why it is unusable. A reply obtained outside the writer's own calls (the
    Batch API) is passed in as a section's first attempt."""

    parsed: SectionAnswer | None
    raw: str
    error: str | None = None


Prefilled = Reply  # its former name, kept for importers


@dataclass(frozen=True)
class SectionJob:
    """One document to write section by section: a roadmap draft or a deep dive."""

    language: Language
    prompts: PromptSet
    section_ids: tuple[str, ...]
    titles: dict[str, str]
    blocks: PromptBlocks
    sources: list[Source]
    fallback: Callable[[str], Section]  # the offline text of a section
    last: tuple[str, ...] = ()  # written after the others, with their openings in view

    @classmethod
    def roadmap(cls, data: WriterInput, fallback: OfflineWriter) -> SectionJob:
        """The AI sections of a roadmap draft."""
        return cls(
            language=data.language,
            prompts=load_prompts(data.language),
            section_ids=SECTION_IDS,
            titles={k: v[data.language] for k, v in labels()["sections"].items()},
            blocks=PromptBlocks.of(data),
            sources=list(data.sources),
            fallback=lambda section_id: fallback.section(data, section_id),
            last=SUMMARY_SECTIONS,
        )

    @classmethod
    def deep_dive(cls, data: DeepDiveInput, fallback: OfflineWriter) -> SectionJob:
        """The sections of a deep dive on one initiative."""
        return cls(
            language=data.language,
            prompts=load_prompts(data.language, kind="deep_dive"),
            section_ids=DEEP_DIVE_SECTION_IDS,
            titles={k: v[data.language] for k, v in labels()["deep_dive_sections"].items()},
            blocks=PromptBlocks.deep_dive(data),
            sources=list(data.sources),
            fallback=lambda section_id: fallback.deep_dive_section(data, section_id),
        )

    @property
    def first(self) -> str:
        """The section written alone first: its answer puts the shared prefix in the
        provider's prompt cache before the others are sent together."""
        return next(s for s in self.section_ids if s not in self.last)


class CallLimiter:
    """At most `limit` model calls in flight; one limiter serves a writer and every draft of a
    batch that shares it, so a whole batch stays within the provider's rate limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0

    def __enter__(self) -> CallLimiter:
        self._slots.acquire()
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.in_flight -= 1
        self._slots.release()
