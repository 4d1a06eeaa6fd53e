"""The offline writer's template context of a deep dive: the plan in reader words, the
results of the cited cases that concern its KPIs, the cases with their lessons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dih_ai.corpus import split_sections
from dih_ai.deep_dive_models import DeepDivePlan, relevant_results
from dih_ai.i18n import money_range, t
from dih_ai.resources import labels
from dih_ai.vocab import Language
from dih_ai.writers import DeepDiveInput
from dih_ai.writers.wording import inert, inline, quote, result_text, sentence, source_view


def _sources(data: DeepDiveInput) -> list[dict[str, Any]]:
    """The cited cases, each with its lessons learned quoted."""
    sources = []
    for source in data.sources:
        view = source_view(source, data.language)
        lessons = dict(split_sections(source.study.body)).get("Lezioni apprese", "")
        view["lessons"] = quote(lessons) if lessons else ""
        sources.append(view)
    return sources


def _initiative(plan: DeepDivePlan, language: Language) -> dict[str, Any]:
    """The initiative in reader words, its dates and AI Act class."""
    i = plan.initiative
    end = plan.start + dt.timedelta(weeks=plan.total_weeks) if plan.start else None
    return {
        "i": {
            "title": inline(i.title),
            "horizon": t("horizons", i.horizon, language),
            "process_area": t("process_areas", i.process_area, language),
            "description": sentence(inline(i.description)),
            "why": inline(i.why or "").rstrip(". "),
            "effort": t("effort", i.effort, language),
            "cost": money_range(i.cost_eur, language),
        },
        "total_weeks": plan.total_weeks,
        "start": plan.start.isoformat() if plan.start else None,
        "end": end.isoformat() if end else None,
        "ai_act": {
            "label": t("ai_act", plan.ai_act.risk_class, language),
            "duties": plan.ai_act.duties,
            "raised_when": plan.ai_act.raised_when,
        }
        if plan.ai_act
        else None,
        "prerequisites": [inline(p) for p in plan.open_prerequisites],
        "funding": [f.model_dump() for f in plan.funding],
    }


def _work(plan: DeepDivePlan, language: Language) -> dict[str, Any]:
    """Phases, milestones, roles, data, infrastructure, risks and KPIs."""
    roles = {r.id: r.title for r in plan.roles}
    return {
        "phases": [
            {**p.model_dump(), "roles": [roles.get(r, r) for r in p.roles]} for p in plan.phases
        ],
        "milestones": plan.milestones,
        "roles": [
            {
                "title": r.title,
                "does": r.does,
                "phases": [p.title for p in plan.phases if p.id in r.phases],
            }
            for r in plan.roles
        ],
        "data_needed": plan.data_needed,
        "infrastructure": plan.infrastructure,
        "risks": [
            {
                "level": t("risk_levels", r.level, language),
                "risk": r.risk,
                "mitigation": r.mitigation,
            }
            for r in plan.risks
        ],
        "kpis": [
            {"name": inline(k.name), "baseline": inline(k.baseline), "target": inline(k.target)}
            for k in plan.kpis
        ],
    }


def deep_dive_context(data: DeepDiveInput) -> dict[str, Any]:
    """The deep-dive template context: the plan in reader words, the cited cases."""
    language = data.language
    plan = data.plan
    return {
        "label": labels()["offline_label"][language],
        "alias": data.company_alias,
        **_initiative(plan, language),
        **_work(plan, language),
        "results": [
            {"case_id": r.case_id, "text": inert(result_text(r, language))}
            for r in relevant_results(plan)
        ],
        "sources": _sources(data),
    }
