"""The roadmap draft, as promised in docs/formats.md ("Roadmap draft"): pydantic models whose
`model_dump(mode="json")` is the JSON other tools read."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dih_ai._version import __version__
from dih_ai.analysis import Readiness
from dih_ai.resources import labels
from dih_ai.vocab import SECTION_IDS, AIActRisk, Effort, Horizon, Language, ProcessArea, UseCase


class KPI(BaseModel):
    """A KPI, its value today when the assessment measures it, and its target."""

    name: str
    target: str
    baseline: str | None = Field(default=None, description="the value today, when known")


class Initiative(BaseModel):
    """One initiative of the roadmap, on a horizon."""

    id: str
    title: str
    horizon: Horizon
    process_area: ProcessArea
    use_case: UseCase | None
    description: str
    prerequisites: list[str] = Field(default_factory=list)
    kpis: list[KPI] = Field(default_factory=list)
    ai_act_risk: AIActRisk
    effort: Effort
    funding: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    why: str | None = Field(default=None, description="why the planner chose it (for consultants)")
    cost_eur: tuple[int, int] | None = None
    funding_estimate_eur: tuple[int, int] | None = Field(
        default=None, description="estimated grants and tax/loan benefits of its funding, EUR"
    )


class Section(BaseModel):
    """One AI section of the roadmap, in Markdown, with the cases it cites."""

    id: str
    title: str
    markdown: str
    citations: list[str] = Field(default_factory=list)


class Citation(BaseModel):
    """A case study the draft cites."""

    id: str
    title: str
    path: str


class GeneratedBy(BaseModel):
    """What made the draft."""

    backend: str
    model: str | None = None
    prompt_version: str
    library_version: str
    corpus_hash: str | None = None
    label: str | None = Field(default=None, description="shown to readers, e.g. offline writer")
    as_of: dt.date | None = Field(default=None, description="the drafting date")
    knowledge_as_of: dt.date | None = Field(
        default=None, description="oldest check date of the dated facts the draft used"
    )


def made_by(
    backend: str,
    model: str | None,
    prompt_version: str,
    language: Language,
    corpus_hash: str | None,
    *,
    as_of: dt.date | None = None,
    knowledge_as_of: dt.date | None = None,
) -> GeneratedBy:
    """What made a document; the offline writer's label for readers when it was that."""
    label = labels()["offline_label"][language] if backend == "offline" else None
    return GeneratedBy(
        backend=backend,
        model=model,
        prompt_version=prompt_version,
        library_version=__version__,
        corpus_hash=corpus_hash,
        label=label,
        as_of=as_of,
        knowledge_as_of=knowledge_as_of,
    )


class Usage(BaseModel):
    """Tokens, calls and cost spent on the draft."""

    prompt_tokens: int = 0
    cached_tokens: int = Field(
        default=0, description="prompt tokens served from the provider's cache"
    )
    completion_tokens: int = 0
    llm_calls: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        """Both spendings together (the cost rounded to a millionth of a dollar)."""
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            llm_calls=self.llm_calls + other.llm_calls,
            cost_usd=round(self.cost_usd + other.cost_usd, 6),
        )


class Document:
    """What drafts and deep dives share (a mixin of their models): lookups, the citation rule,
    JSON, and their displays in notebooks."""

    if TYPE_CHECKING:  # fields of the models that use it; no annotations pydantic would see
        sections: list[Section]
        citations: list[Citation]

        def model_dump(self, **kwargs: Any) -> dict[str, Any]: ...

    def _check_citations(self, used: set[str]) -> None:
        unknown = sorted(used - {c.id for c in self.citations})
        if unknown:
            raise ValueError(f"citations not listed in the top-level citations: {unknown}")

    def section(self, section_id: str) -> Section:
        """The section with this id."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON object of docs/formats.md."""
        return self.model_dump(mode="json")

    def _repr_markdown_(self) -> str:
        from dih_ai.render import to_markdown

        return to_markdown(self)  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        from dih_ai.documents import to_html

        return to_html(self)  # type: ignore[arg-type]


class RoadmapDraft(Document, BaseModel):
    """The drafted AI sections of one company's roadmap."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    company_id: str
    company_name: str | None = Field(
        default=None, description="shown in the documents' titles; never sent to a model"
    )
    language: Language
    generated_by: GeneratedBy
    readiness: Readiness
    sections: list[Section]
    initiatives: list[Initiative]
    citations: list[Citation]
    usage: Usage = Field(default_factory=Usage)
    warnings: list[str] = Field(default_factory=list)
    notes_for_consultant: list[str] = Field(
        default_factory=list,
        description="conflicts the model saw between the plan and the company's goals or "
        "notes; for the consultant, never changing the plan",
    )

    @model_validator(mode="after")
    def _check_contract(self) -> RoadmapDraft:
        ids = [s.id for s in self.sections]
        if ids != list(SECTION_IDS):
            raise ValueError(f"sections must be {list(SECTION_IDS)} in order, got {ids}")
        used = {cid for s in self.sections for cid in s.citations}
        self._check_citations(used | {cid for i in self.initiatives for cid in i.citations})
        return self
