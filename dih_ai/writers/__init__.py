"""Section writers. Each takes a `WriterInput` (plan, numbered sources) and returns sections;
a `DeepDiveInput` (one initiative's plan, its cited cases) likewise for a deep dive.

The offline writer renders templates; the model writer (LangChain over ChatOpenAI) asks a
model. Both return the same `WrittenDraft` / `WrittenDeepDive`, which the pipeline and the
deep dive validate. `factory.make_writer` picks one from the settings.

Writers depend on models (`draft.py`, `plan.py`, `deep_dive_models.py`), never on the
pipeline or the deep dive's entry point.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from dih_ai.corpus import CaseStudy
from dih_ai.deep_dive_models import DeepDivePlan
from dih_ai.draft import Initiative, Section, Usage
from dih_ai.plan import Plan
from dih_ai.retrieval import RetrievedCase
from dih_ai.vocab import Language


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
    language: Language
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


class DeepDiveInput(BaseModel):
    """What a deep-dive writer sees: the plan and the numbered cases. No company identity."""

    company_alias: str
    language: Literal["it", "en"]
    profile: dict[str, Any] = Field(default_factory=dict, description="sector, size, goals")
    notes: str | None = None
    plan: DeepDivePlan
    sources: list[Source]


class WrittenDeepDive(BaseModel):
    """A writer's deep-dive output."""

    sections: list[Section]
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
        goals = [g.goal for g in data.plan.goals if item.id in g.initiatives]
        out.append(
            item.model_copy(
                update={
                    "citations": [c.id for c in cases],
                    "kpis": grounded_kpis(item, cases, data.language, goals),
                }
            )
        )
    return out


class Writer(Protocol):
    """Anything that turns a `WriterInput` into a `WrittenDraft` and a `DeepDiveInput` into a
    `WrittenDeepDive` (the offline and the model writer do both)."""

    backend: str

    def write(self, data: WriterInput) -> WrittenDraft:
        """Write the AI sections."""
        ...

    def write_deep_dive(self, data: DeepDiveInput) -> WrittenDeepDive:
        """Write the deep-dive sections."""
        ...
