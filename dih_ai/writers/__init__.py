"""Section writers. Each takes a `WriterInput` (plan, numbered sources) and returns sections.

The offline writer renders templates; the model writer (LangChain over ChatOpenAI) asks a
model. Both return the same `WrittenDraft`, which the pipeline validates.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from dih_ai.corpus import CaseStudy
from dih_ai.draft import Initiative, Section, Usage
from dih_ai.plan import Plan
from dih_ai.retrieval import RetrievedCase


class Source(BaseModel):
    """A retrieved case offered to the writer as a numbered source."""

    number: int
    case: RetrievedCase
    study: CaseStudy


class WriterInput(BaseModel):
    """Everything a writer sees. Company name and VAT are already replaced by an alias."""

    company_alias: str
    sector: str
    subsector: str | None
    size_band: str
    employees: int | None
    language: str
    plan: Plan
    sources: list[Source]
    technologies: dict[str, int] = Field(default_factory=dict)
    data_levels: dict[str, int] = Field(default_factory=dict)
    cyber: dict[str, float] = Field(default_factory=dict)
    goals: list[str] = Field(default_factory=list)
    notes: str | None = None
    stage: str | None = None
    region: str | None = None


class WrittenDraft(BaseModel):
    """A writer's output: sections in order, initiatives (with citations), usage."""

    sections: list[Section]
    initiatives: list[Initiative]
    usage: Usage = Field(default_factory=Usage)
    model: str | None = None
    prompt_version: str
    warnings: list[str] = Field(default_factory=list)
    notes_for_consultant: list[str] = Field(default_factory=list)


def sources_by_use_case(sources: list[Source]) -> dict[str, list[Source]]:
    """The sources grouped by the AI use cases their case covers, best first."""
    out: dict[str, list[Source]] = {}
    for source in sources:
        for use_case in source.study.ai_use_cases:
            out.setdefault(use_case, []).append(source)
    return out


def cited_initiatives(data: WriterInput, per_initiative: int = 3) -> list[Initiative]:
    """The plan's initiatives, each citing the retrieved cases of its use case, with KPI
    targets grounded in those cases where they measure the same KPI."""
    from dih_ai.plan import grounded_kpis

    grouped = sources_by_use_case(data.sources)
    out = []
    for item in data.plan.initiatives:
        cases = [s.study for s in grouped.get(item.use_case or "", [])][:per_initiative]
        out.append(
            item.model_copy(
                update={
                    "citations": [c.id for c in cases],
                    "kpis": grounded_kpis(item, cases, data.language),
                }
            )
        )
    return out


class Writer(Protocol):
    """Anything that turns a `WriterInput` into a `WrittenDraft`."""

    backend: str

    def write(self, data: WriterInput) -> WrittenDraft:
        """Write the AI sections."""
        ...
