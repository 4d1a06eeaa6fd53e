"""Deep Dive: one initiative of a roadmap draft expanded into an implementation plan.

The plan (phases and activities, roles, data and infrastructure, risks, milestones, KPIs with
the baseline to measure) is decided without a model, from the hub's playbooks in
`data/deep_dive.yaml`. A writer (offline templates or the model) then writes the sections over
that plan and the cases it cites, with the validation rules of a draft: citations resolve to
the given cases, figures attributed to a case are in it, the language holds.

- `dih_ai.deep_dive_models` (beside `draft.py`): the plan and the `DeepDive` document, what
  writers read;
- `load`: the draft file, the initiative, the company check;
- `playbook`: the plan from `data/deep_dive.yaml`;
- `consistency`: systems already in place, durations against the cited cases, plan notes;
- `cases`: the cases the deep dive cites;
- `expand`: `prepare_deep_dive` and `deep_dive`, the entry point.

Only the entry point's users import this package (the writers import the models), so that
`from dih_ai import deep_dive` stays the function.
"""

from __future__ import annotations

from dih_ai.deep_dive.cases import MAX_CASES, choose_cases
from dih_ai.deep_dive.expand import deep_dive, prepare_deep_dive
from dih_ai.deep_dive.load import (
    MAX_DRAFT_BYTES,
    check_language,
    check_same_company,
    find_initiative,
    load_draft,
)
from dih_ai.deep_dive.playbook import GENERIC_BASELINE, make_deep_dive_plan, playbook_for
from dih_ai.deep_dive_models import (
    DEEP_DIVE_SECTION_IDS,
    AIActNote,
    CaseResult,
    DeepDive,
    DeepDivePlan,
    FundingOption,
    KPIPlan,
    Milestone,
    Phase,
    PlanNote,
    Risk,
    RiskLevel,
    Role,
    relevant_results,
)
from dih_ai.writers import DeepDiveInput, WrittenDeepDive

__all__ = [
    "DEEP_DIVE_SECTION_IDS",
    "GENERIC_BASELINE",
    "MAX_CASES",
    "MAX_DRAFT_BYTES",
    "AIActNote",
    "CaseResult",
    "DeepDive",
    "DeepDiveInput",
    "DeepDivePlan",
    "FundingOption",
    "KPIPlan",
    "Milestone",
    "Phase",
    "PlanNote",
    "Risk",
    "RiskLevel",
    "Role",
    "WrittenDeepDive",
    "check_language",
    "check_same_company",
    "choose_cases",
    "deep_dive",
    "find_initiative",
    "load_draft",
    "make_deep_dive_plan",
    "playbook_for",
    "prepare_deep_dive",
    "relevant_results",
]
