"""The deep dive's data: the plan decided without a model, the document written over it, and
which results of the cited cases concern the plan's KPIs.

Writers read these models (their input, `dih_ai.writers.DeepDiveInput`, carries the plan);
nothing here imports a writer, the pipeline or a document format. They sit beside `draft.py`
rather than in `deep_dive/`: a writer importing `dih_ai.deep_dive.models` would load the
package `dih_ai.deep_dive`, which then hides the function `dih_ai.deep_dive` (the package is
an attribute of `dih_ai` of the same name); `dih_ai.deep_dive` re-exports them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dih_ai.draft import Citation, Document, GeneratedBy, Initiative, Section, Usage
from dih_ai.lexical import tokenize
from dih_ai.resources import load_data

DEEP_DIVE_SECTION_IDS: tuple[str, ...] = (
    "objective",
    "phases",
    "resources",
    "risks",
    "kpis",
    "reference_cases",
)
RiskLevel = Literal["high", "medium", "low"]


class Phase(BaseModel):
    """One phase of the implementation, in weeks from the start (week 0)."""

    id: str
    title: str
    start_week: int
    end_week: int
    activities: list[str]
    roles: list[str] = Field(description="role ids, see `roles`")
    deliverable: str


class Role(BaseModel):
    """Who is involved, what they do, in which phases."""

    id: str
    title: str
    does: str
    phases: list[str]


class Risk(BaseModel):
    """A risk of the initiative and how to contain it."""

    level: RiskLevel
    risk: str
    mitigation: str


class Milestone(BaseModel):
    """The end of a phase: what is delivered, when."""

    week: int
    date: dt.date | None = None
    title: str
    phase: str


class KPIPlan(BaseModel):
    """A KPI, how to measure its baseline before the work starts, and the target."""

    name: str
    baseline: str = Field(description="how and over what period to measure the baseline")
    target: str


class CaseResult(BaseModel):
    """A result a cited case reports: reference figures, not the company's target."""

    case_id: str
    kpi: str
    baseline: float | None = None
    value: float
    unit: str = ""


class FundingOption(BaseModel):
    """A funding entry the draft proposed for the initiative, checked on the start date."""

    id: str
    name: str
    intensity: str
    valid_to: dt.date | None = Field(default=None, description="closing date, if any")
    open_at_start: bool = Field(description="open on the start date (today without one)")
    status_at_start: Literal["open", "announced", "closed"] = "open"


class AIActNote(BaseModel):
    """The AI Act class of the initiative's use case, what raises it, the duties."""

    risk_class: str
    raised_when: str
    duties: str


class PlanNote(BaseModel):
    """A reason the plan gives for itself, shown at the top of one section."""

    kind: Literal["duration", "systems_in_place", "micro_firm"]
    section: str = Field(description="the id of the section that shows it")
    text: str = Field(description="Markdown; may cite cases as [case-id]")
    cases: list[str] = Field(default_factory=list, description="the cases the text cites")


class DeepDivePlan(BaseModel):
    """Everything decided without a model: the writer words it, never changes it."""

    initiative: Initiative
    start: dt.date | None = None
    total_weeks: int
    phases: list[Phase]
    roles: list[Role]
    data_needed: list[str]
    infrastructure: list[str]
    risks: list[Risk]
    milestones: list[Milestone]
    kpis: list[KPIPlan]
    case_results: list[CaseResult]
    funding: list[FundingOption]
    ai_act: AIActNote | None = None
    open_prerequisites: list[str] = Field(
        default_factory=list, description="enabling initiatives to finish first (failed gates)"
    )
    systems_in_place: dict[str, str] = Field(
        default_factory=dict,
        description="systems the company already has (sensors, erp) and where that was read: "
        "draft, notes or assessment",
    )
    notes: list[PlanNote] = Field(
        default_factory=list,
        description="the plan's reasons (systems reused, a duration shorter than the cited "
        "cases'), each shown at the top of its section",
    )


class DeepDive(Document, BaseModel):
    """One initiative's implementation plan, with its written sections and cited cases."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    kind: Literal["deep_dive"] = "deep_dive"
    company_id: str
    company_name: str | None = Field(
        default=None, description="shown in the documents' titles; never sent to a model"
    )
    language: Literal["it", "en"]
    initiative_id: str
    generated_by: GeneratedBy
    plan: DeepDivePlan
    sections: list[Section]
    citations: list[Citation]
    usage: Usage = Field(default_factory=Usage)
    warnings: list[str] = Field(default_factory=list)
    notes_for_consultant: list[str] = Field(
        default_factory=list,
        description="conflicts the model saw between the plan and the company's goals or "
        "notes; for the consultant, never changing the plan",
    )

    @model_validator(mode="after")
    def _check_contract(self) -> DeepDive:
        ids = tuple(s.id for s in self.sections)
        if ids != DEEP_DIVE_SECTION_IDS:
            raise ValueError(f"sections must be {list(DEEP_DIVE_SECTION_IDS)} in order, got {ids}")
        self._check_citations({cid for s in self.sections for cid in s.citations})
        return self


def _words(text: str) -> set[str]:
    return {w for w in tokenize(text) if len(w) >= 3}


def _italian_kpi_names(initiative: Initiative) -> list[str]:
    """The catalogue's Italian names of the initiative's KPIs (the corpus is Italian)."""
    catalogue = load_data("use_cases.yaml")
    if initiative.use_case:
        kpis = catalogue["use_cases"][initiative.use_case]["kpis"]
        return [str(k["name"]["it"] if "name" in k else k["it"]) for k in kpis]
    enabler = catalogue["enablers"].get(initiative.id.replace("-", "_"))
    return [str(k["name"]["it"]) for k in enabler["kpis"]] if enabler else []


def relevant_results(plan: DeepDivePlan) -> list[CaseResult]:
    """The case results whose KPI shares a word with one of the plan's KPIs, matched in the
    plan's language and in Italian, the corpus's."""
    names = [k.name for k in plan.kpis] + _italian_kpi_names(plan.initiative)
    kpi_words = set().union(*(_words(n) for n in names)) if names else set()
    return [r for r in plan.case_results if _words(r.kpi) & kpi_words]
