"""The plan: which use cases, which initiatives on which horizon, sized to the firm, with
which funding and which AI Act duties, on the drafting date. Deterministic and explained:
every initiative says which goal, note or score put it there.

Order of choice: the company's stated goals, then the consultant's notes (read as data),
then its subsector and technologies. Horizons follow readiness and effort, never rank.
Inputs: the assessment, its readiness analysis and the data files (`use_cases.yaml`,
`funding.yaml`, `ai_act.yaml`, `readiness.yaml`).

One job per module: `models` (the plan and its parts), `use_cases` (which use cases),
`enablers` (foundations, gate enablers, AI literacy), `horizons` (earliest horizon, starts
per period, placement reasons), `initiatives` (use cases as initiatives), `costs` (sizing,
funding, budget), `kpis` (KPI targets, grounded KPIs, DMA targets), `ai_act` (milestones,
duties, worker conditions) and `planner` (`make_plan`). Every public name is importable from
`dih_ai.plan`."""

from __future__ import annotations

from dih_ai.funding import FundingEntry
from dih_ai.i18n import localised
from dih_ai.knowledge import as_date
from dih_ai.plan.ai_act import ai_act_milestones
from dih_ai.plan.costs import USE_CASE_FUNDING_KINDS, budget
from dih_ai.plan.enablers import DATA_ENABLERS, FOUNDATIONS
from dih_ai.plan.horizons import HORIZONS, MATURE_BANDS, STARTS_PER_HORIZON
from dih_ai.plan.initiatives import MACHINE_DATA_USE_CASES, MANAGEMENT_DATA_USE_CASES
from dih_ai.plan.kpis import dma_targets, grounded_kpis, same_unit
from dih_ai.plan.models import AIActMilestone, BudgetRow, Milestone, Plan, UseCaseChoice
from dih_ai.plan.planner import NEXT_STAGE, check_dates, goal_coverage, make_plan
from dih_ai.plan.use_cases import (
    MAX_USE_CASES,
    NOT_ASKED,
    SENSOR_NOTES,
    choose_use_cases,
    sensor_notes,
)

__all__ = [
    "DATA_ENABLERS",
    "FOUNDATIONS",
    "HORIZONS",
    "MACHINE_DATA_USE_CASES",
    "MANAGEMENT_DATA_USE_CASES",
    "MATURE_BANDS",
    "MAX_USE_CASES",
    "NEXT_STAGE",
    "NOT_ASKED",
    "SENSOR_NOTES",
    "STARTS_PER_HORIZON",
    "USE_CASE_FUNDING_KINDS",
    "AIActMilestone",
    "BudgetRow",
    "FundingEntry",
    "Milestone",
    "Plan",
    "UseCaseChoice",
    "ai_act_milestones",
    "as_date",
    "budget",
    "check_dates",
    "choose_use_cases",
    "dma_targets",
    "goal_coverage",
    "grounded_kpis",
    "localised",
    "make_plan",
    "same_unit",
    "sensor_notes",
]
