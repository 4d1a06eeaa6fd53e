"""The plan's models: the chosen use cases, the AI Act milestones, the budget rows and the
plan itself."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from dih_ai.analysis import Readiness
from dih_ai.draft import Initiative
from dih_ai.funding import FundingEntry
from dih_ai.matching import GoalCoverage


class UseCaseChoice(BaseModel):
    """A use case the planner chose, with its score and the reasons."""

    use_case: str
    title: str
    score: float
    reasons: list[str]
    blocked_by: list[str] = Field(default_factory=list, description="failed gates it requires")
    from_goal: bool = Field(default=False, description="a stated company goal points to it")
    priority: int = Field(default=0, description="the first goal asking for it (0 = first)")
    query: str


class AIActMilestone(BaseModel):
    """An AI Act milestone, applying already or upcoming on the drafting date."""

    id: str
    date: dt.date
    text: str
    applies: bool
    topic: str = ""


Milestone = AIActMilestone  # the former name, kept for importers (deprecated)


class BudgetRow(BaseModel):
    """Costs, estimated funding and net cost of one horizon (or the total)."""

    horizon: str
    cost: tuple[int, int]
    funding: tuple[int, int]
    net: tuple[int, int]


class Plan(BaseModel):
    """Everything the writer needs that is decided without a model."""

    company_id: str
    language: str
    assessment_date: dt.date
    as_of: dt.date = Field(default_factory=dt.date.today, description="the drafting date")
    knowledge_as_of: dt.date | None = None
    stage: str = "T0"
    next_stage: str = "T1"
    readiness: Readiness
    use_cases: list[UseCaseChoice]
    initiatives: list[Initiative]
    funding: list[FundingEntry]
    funding_watch: list[FundingEntry] = Field(default_factory=list)
    ai_act: list[AIActMilestone]
    class_duties: dict[str, str]
    worker_conditions: list[str] = Field(default_factory=list)
    staff_note: str | None = Field(
        default=None, description="a note sentence asking to rank, reward or evaluate staff"
    )
    goals: list[GoalCoverage] = Field(default_factory=list)
    note_facts: list[str] = Field(default_factory=list, description="note sentences used")
    budget: list[BudgetRow] = Field(default_factory=list)
    dma_targets: dict[str, tuple[float, float]] = Field(default_factory=dict)
