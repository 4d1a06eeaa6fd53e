"""The offline writer's template context of a roadmap draft: every figure the templates show,
computed here from the writer input (plan, numbered sources, company profile)."""

from __future__ import annotations

import re
from typing import Any

from dih_ai.analysis import label
from dih_ai.draft import Initiative
from dih_ai.i18n import date, money_range, number, phrase, t
from dih_ai.matching import quote
from dih_ai.resources import labels, load_data
from dih_ai.text import lower_first
from dih_ai.vocab import Language
from dih_ai.writers import WriterInput, cited_initiatives, sources_by_use_case
from dih_ai.writers.wording import band_label, case_ref, inline, sector_words, source_view

PERSONAL_DATA_USE_CASES = {"genai_customer_service", "recruiting_hr", "knowledge_assistant"}


def _milestones(data: WriterInput, initiatives: list[Initiative]) -> list[dict[str, Any]]:
    """AI Act milestones with the company's initiatives each one concerns."""
    catalogue = load_data("use_cases.yaml")["use_cases"]
    topics: dict[str, list[str]] = {}
    for i in initiatives:
        spec = catalogue.get(i.use_case or "", {})
        ai_class = i.ai_act_risk
        if ai_class == "limited":
            topics.setdefault("transparency", []).append(i.title)
        if spec.get("touches_staff"):
            topics.setdefault("high_risk_annex_iii", []).append(i.title)
            topics.setdefault("prohibited", []).append(i.title)
        if re.search(
            r"Allegato I\b(?!I)", spec.get("ai_act", {}).get("raised_when", {}).get("it", "")
        ):
            topics.setdefault("high_risk_annex_i", []).append(i.title)
    topics["literacy"] = [i.title for i in initiatives if i.id == "ai-literacy"]
    return [
        {
            "date": date(m.date, data.language),
            "text": m.text,
            "applies": m.applies,
            "concerns": list(dict.fromkeys(topics.get(m.topic, []))),
        }
        for m in data.plan.ai_act
    ]


def _funding_view(data: WriterInput, initiatives: list[Initiative]) -> dict[str, Any]:
    language = data.language
    plan = data.plan
    by_id = {f.id: f for f in plan.funding}
    rows = []
    for i in initiatives:
        used_measures = [by_id[f] for f in i.funding if f in by_id]
        estimate = i.funding_estimate_eur
        net = (
            (i.cost_eur[0] - estimate[0], i.cost_eur[1] - estimate[1])
            if (i.cost_eur and estimate)
            else i.cost_eur
        )
        rows.append(
            {
                "title": i.title,
                "horizon": t("horizon_short", i.horizon, language),
                "measures": [m.name for m in used_measures],
                "intensity": [m.intensity for m in used_measures],
                "cost": money_range(i.cost_eur, language),
                "estimate": money_range(estimate, language) if estimate and estimate[1] else "-",
                "net": money_range(net, language),
            }
        )
    used = {f for i in initiatives for f in i.funding}
    measures = []
    for f in plan.funding:
        if f.id not in used:
            continue
        measures.append(
            {
                "name": f.name,
                "issuer": f.issuer,
                "covers": f.covers,
                "intensity": f.intensity,
                "status": f.status,
                "closes": date(f.valid_to, language) if f.valid_to else None,
                "closing_soon": f.closing_soon,
                "condition": f.condition,
                "checked_on": date(f.checked_on, language),
                "used_by": [i.title for i in initiatives if f.id in i.funding],
            }
        )
    budget = [
        {
            "horizon": t("horizon_short", b.horizon, language),
            "total": b.horizon == "total",
            "cost": money_range(b.cost, language),
            "funding": money_range(b.funding, language),
            "net": money_range(b.net, language),
        }
        for b in plan.budget
    ]
    watch = [{"name": f.name, "note": f.note} for f in plan.funding_watch]
    return {"rows": rows, "measures": measures, "budget": budget, "watch": watch}


def _priorities(initiatives: list[Initiative]) -> list[Initiative]:
    """Three priorities: the first digital foundation (else the first gate), then the use
    cases asked for first."""
    enablers = [i for i in initiatives if i.use_case is None and i.id != "ai-literacy"]
    enablers.sort(key=lambda i: i.id.startswith("gate-"))
    use_cases = [i for i in initiatives if i.use_case]
    out = (enablers[:1] + use_cases)[:3]
    out += [i for i in initiatives if i not in out][: 3 - len(out)]
    return out


def _use_case_views(data: WriterInput, initiatives: list[Initiative]) -> list[dict[str, Any]]:
    """The planned use cases: value, why, AI Act class and duties, effort, cost, cases."""
    language = data.language
    plan = data.plan
    catalogue = load_data("use_cases.yaml")["use_cases"]
    by_use_case = sources_by_use_case(data.sources)
    duties = plan.class_duties
    use_cases = []
    for choice in plan.use_cases:
        spec = catalogue[choice.use_case]
        initiative = next(i for i in initiatives if i.use_case == choice.use_case)
        use_cases.append(
            {
                "title": choice.title,
                "process_area": t("process_areas", spec["process_area"], language),
                "value": spec["value"][language],
                "blocked_by": initiative.prerequisites,
                "why": "; ".join(choice.reasons) or "-",
                "ai_act": t("ai_act", spec["ai_act"]["class"], language),
                "ai_act_basis": spec["ai_act"]["basis"][language],
                "ai_act_note": spec["ai_act"]["raised_when"][language],
                "duties": duties.get(spec["ai_act"]["class"], ""),
                "effort": t("effort", spec["effort"], language),
                "horizon": t("horizon_short", initiative.horizon, language),
                "cost": money_range(initiative.cost_eur, language),
                "cases": [case_ref(s, language) for s in by_use_case.get(choice.use_case, [])][:3],
            }
        )
    return use_cases


def _initiative_view(
    i: Initiative, initiatives: list[Initiative], language: Language
) -> dict[str, Any]:
    """One initiative as the templates show it, with the use cases it unlocks."""
    unlocks = [
        u.title
        for u in initiatives
        if u.use_case and (i.title in u.prerequisites or i.id == "ai-literacy")
    ]
    return {
        "title": i.title,
        "use_case": i.use_case,
        "description": lower_first(i.description.rstrip(". ")),
        "prerequisites": i.prerequisites,
        "effort": t("effort", i.effort, language),
        "cost": money_range(i.cost_eur, language),
        "citations": i.citations,
        "horizon": t("horizon_short", i.horizon, language),
        "why": inline(i.why or "").rstrip(". "),
        "unlocks": unlocks,
        "kpis": i.kpis,
    }


def _company_context(data: WriterInput) -> dict[str, Any]:
    """Who the company is and where it stands: profile, technologies, data, cybersecurity."""
    language = data.language
    size = t("size_bands", data.size_band, language)
    sector = sector_words(data.sector, data.subsector, language)
    employees = (
        f", {data.employees} {'addetti' if language == 'it' else 'employees'}"
        if data.employees
        else ""
    )
    techs = [
        {
            "name": t("technologies", k, language),
            "level": v,
            "label": t("tech_levels", v, language),
        }
        for k, v in sorted(data.technologies.items(), key=lambda kv: -kv[1])
    ]
    data_weakest = sorted(data.data_levels.items(), key=lambda kv: (kv[1], kv[0]))[:3]
    return {
        "label": labels()["offline_label"][language],
        "alias": data.company_alias,
        "profile": f"{size}, {sector}{employees}",
        "factory": data.sector in load_data("use_cases.yaml")["factory_sectors"],
        "technologies": techs,
        "data_levels": data.data_levels,
        "data_overall": number(
            round(sum(data.data_levels.values()) / len(data.data_levels), 1), language
        )
        if data.data_levels
        else "",
        "data_weakest": [f"{label('data.' + k, language)} {v}/5" for k, v in data_weakest],
        "cyber": [
            {"name": label("cyber." + k, language), "value": number(v, language)}
            for k, v in data.cyber.items()
        ],
        "cyber_framework": "NIST CSF 2.0 / FNCDP 2.1",
    }


def _readiness_context(data: WriterInput) -> dict[str, Any]:
    """The DMA scores and their change, the stage and the next, the gates, the targets."""
    language = data.language
    plan = data.plan
    readiness = plan.readiness
    dma_scores = readiness.dma_scores
    change = readiness.dma_change or {}
    return {
        "readiness": readiness,
        "dma_overall": number(readiness.dma_overall or 0, language),
        "dma_band": band_label(readiness.dma_band, language),
        "dma": [
            {
                "name": label("dma." + k, language),
                "value": number(v, language),
                "change": number(change[k], language, sign=True) if k in change else None,
            }
            for k, v in dma_scores.items()
        ],
        "stage": plan.stage,
        "next_stage": plan.next_stage,
        "baseline_stage": readiness.baseline_stage,
        "overall_change": number(change["overall"], language, sign=True) if change else None,
        "failed_gates": [g.title or g.id for g in readiness.gates if not g.passed],
        "human_centric": number(dma_scores.get("human_centric_digitalisation", 0.0), language),
        "dma_targets": [
            {
                "name": label("dma." + k, language),
                "now": number(v[0], language),
                "target": number(v[1], language),
            }
            for k, v in plan.dma_targets.items()
        ],
    }


def _roadmap_context(data: WriterInput, initiatives: list[Initiative]) -> dict[str, Any]:
    """The priorities, goals, use cases, initiatives by horizon and their KPIs."""
    language = data.language
    plan = data.plan

    def view(i: Initiative) -> dict[str, Any]:
        return _initiative_view(i, initiatives, language)

    first_uc = next((i for i in initiatives if i.use_case), None)
    return {
        "priorities": [view(i) for i in _priorities(initiatives)],
        "goals": [
            {
                "goal": inline(g.goal),
                "by": [i.title for i in initiatives if i.id in g.initiatives],
                "reason": g.reason,
            }
            for g in plan.goals
        ],
        "note_facts": [inline(n) for n in plan.note_facts],
        "use_cases": _use_case_views(data, initiatives),
        "horizons": [
            {
                "label": t("horizons", h, language),
                "entries": [view(i) for i in initiatives if i.horizon == h],
            }
            for h in ("0-6m", "6-18m", "18-36m")
        ],
        "enablers": [view(i) for i in initiatives if i.use_case is None],
        "kpis": [
            {"initiative": i.title, "name": k.name, "target": k.target, "baseline": k.baseline}
            for i in initiatives
            for k in i.kpis
        ],
        "first_use_case": first_uc.title if first_uc else None,
        "deep_dive": (first_uc or initiatives[0]).title,
    }


def _compliance_context(data: WriterInput, initiatives: list[Initiative]) -> dict[str, Any]:
    """The dates the draft rests on, the AI Act milestones, staff and personal data."""
    language = data.language
    plan = data.plan
    specs = load_data("use_cases.yaml")["use_cases"]
    staff_uses = [
        i.title for i in initiatives if specs.get(i.use_case or "", {}).get("touches_staff")
    ]
    return {
        "as_of": date(plan.as_of, language),
        "knowledge_as_of": date(plan.knowledge_as_of or plan.as_of, language),
        "assessment_date": date(plan.assessment_date, language),
        "milestones": _milestones(data, initiatives),
        "worker_conditions": [inline(w) for w in plan.worker_conditions],
        "staff_uses": staff_uses,
        "personal_uses": [
            i.title
            for i in initiatives
            if i.title in staff_uses or i.use_case in PERSONAL_DATA_USE_CASES
        ],
    }


def _cases_context(data: WriterInput) -> dict[str, Any]:
    """The numbered sources, the cases about training, the cases open to visits."""
    language = data.language
    return {
        "training_cases": [
            case_ref(s, language)
            for s in data.sources
            if re.search(r"formazion|training|competenz", s.study.body, re.I)
        ][:3],
        "sources": [source_view(s, language) for s in data.sources],
        "visits": [
            case_ref(s, language)
            for s in data.sources
            if s.study.visitable and not s.study.illustrative
        ][:3],
    }


def _company_steps(data: WriterInput, initiatives: list[Initiative]) -> list[str]:
    """Next steps this company's facts call for: a funding call to apply for before it
    closes, staff data to agree on first, an assessment still missing."""
    language = data.language
    plan = data.plan
    steps = []
    for f in plan.funding:
        used = [f"«{i.title}»" for i in initiatives if f.id in i.funding]
        if f.closing_soon and f.valid_to and used:
            when = date(f.valid_to, language)
            steps.append(
                phrase("step_apply", language, measure=f.name, date=when, uses=", ".join(used))
            )
    if plan.staff_note and plan.worker_conditions:
        note = f"«{inline(quote(plan.staff_note))}»"
        steps.append(phrase("step_staff_data", language, note=note))
    if not data.cyber:
        steps.append(phrase("step_cyber_assessment", language))
    return steps


def build_context(data: WriterInput) -> dict[str, Any]:
    """The template context: every figure the templates show, computed here."""
    initiatives = cited_initiatives(data)
    return {
        **_company_context(data),
        **_readiness_context(data),
        **_roadmap_context(data, initiatives),
        **_compliance_context(data, initiatives),
        "funding": _funding_view(data, initiatives),
        "company_steps": _company_steps(data, initiatives),
        **_cases_context(data),
        "_initiatives": initiatives,
    }
