"""Deep Dive: one initiative of a roadmap draft expanded into an implementation plan.

The plan (phases and activities, roles, data and infrastructure, risks, milestones, KPIs with
the baseline to measure) is decided without a model, from the hub's playbooks in
`data/deep_dive.yaml`. A writer (offline templates or the model) then writes the sections over
that plan and the cases it cites, with the validation rules of a draft: citations resolve to
the given cases, figures attributed to a case are in it, the language holds.

- `models`: the plan and the `DeepDive` document (what writers read; imports no writer);
- `load`: the draft file, the initiative, the company check;
- `playbook`: the plan from `data/deep_dive.yaml`;
- `consistency`: systems already in place, durations against the cited cases, plan notes;
- `cases`: the cases the deep dive cites;
- `expand`: `prepare_deep_dive` and `deep_dive`, the entry point.

The names below load their module on first use, so that writers can import `models` without
loading the entry point (which imports the writers).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dih_ai.deep_dive.cases import MAX_CASES, choose_cases
    from dih_ai.deep_dive.expand import deep_dive, prepare_deep_dive
    from dih_ai.deep_dive.load import (
        MAX_DRAFT_BYTES,
        check_same_company,
        find_initiative,
        load_draft,
    )
    from dih_ai.deep_dive.models import (
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
    from dih_ai.deep_dive.playbook import GENERIC_BASELINE, make_deep_dive_plan, playbook_for
    from dih_ai.writers import DeepDiveInput, WrittenDeepDive

_EXPORTS: dict[str, str] = {
    "DEEP_DIVE_SECTION_IDS": "dih_ai.deep_dive.models",
    "AIActNote": "dih_ai.deep_dive.models",
    "CaseResult": "dih_ai.deep_dive.models",
    "DeepDive": "dih_ai.deep_dive.models",
    "DeepDivePlan": "dih_ai.deep_dive.models",
    "FundingOption": "dih_ai.deep_dive.models",
    "KPIPlan": "dih_ai.deep_dive.models",
    "Milestone": "dih_ai.deep_dive.models",
    "Phase": "dih_ai.deep_dive.models",
    "PlanNote": "dih_ai.deep_dive.models",
    "Risk": "dih_ai.deep_dive.models",
    "RiskLevel": "dih_ai.deep_dive.models",
    "Role": "dih_ai.deep_dive.models",
    "relevant_results": "dih_ai.deep_dive.models",
    "DeepDiveInput": "dih_ai.writers",
    "WrittenDeepDive": "dih_ai.writers",
    "MAX_DRAFT_BYTES": "dih_ai.deep_dive.load",
    "load_draft": "dih_ai.deep_dive.load",
    "find_initiative": "dih_ai.deep_dive.load",
    "check_same_company": "dih_ai.deep_dive.load",
    "GENERIC_BASELINE": "dih_ai.deep_dive.playbook",
    "playbook_for": "dih_ai.deep_dive.playbook",
    "make_deep_dive_plan": "dih_ai.deep_dive.playbook",
    "MAX_CASES": "dih_ai.deep_dive.cases",
    "choose_cases": "dih_ai.deep_dive.cases",
    "prepare_deep_dive": "dih_ai.deep_dive.expand",
    "deep_dive": "dih_ai.deep_dive.expand",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dih_ai.deep_dive' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
