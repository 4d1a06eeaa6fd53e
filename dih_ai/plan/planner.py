"""The plan of one assessment on the drafting date: the enablers, the use cases and their
initiatives, the funding, the AI Act, the goals covered, the budget and the DMA targets."""

from __future__ import annotations

import datetime as dt

from dih_ai.analysis import Readiness, analyse
from dih_ai.assessment.models import Assessment
from dih_ai.draft import Initiative
from dih_ai.errors import InputError, Problem
from dih_ai.funding import FundingEntry, measures_for
from dih_ai.i18n import phrase
from dih_ai.knowledge import drafting_date, knowledge_as_of
from dih_ai.matching import GoalCoverage, quote
from dih_ai.plan.ai_act import ai_act_milestones, class_duties, staff_note, worker_conditions
from dih_ai.plan.costs import budget
from dih_ai.plan.enablers import enabler_initiatives
from dih_ai.plan.horizons import HORIZONS, MATURE_BANDS
from dih_ai.plan.initiatives import use_case_initiatives
from dih_ai.plan.kpis import dma_targets
from dih_ai.plan.models import Plan
from dih_ai.plan.use_cases import MAX_USE_CASES, choose_use_cases, sensor_notes
from dih_ai.resources import load_data

NEXT_STAGE = {"T0": "T1", "T1": "T2", "T2": "T2"}


def check_dates(assessment: Assessment, as_of: dt.date, source: str | None = None) -> None:
    """An assessment dated after the drafting date is an input error."""
    if assessment.assessment_date > as_of:
        raise InputError(
            [
                Problem(
                    source or assessment.company.id,
                    "assessment_date",
                    f"{assessment.assessment_date} is after the drafting date {as_of} "
                    "(expected a date on or before it; set --as-of to draft later)",
                )
            ]
        )


def goal_coverage(
    assessment: Assessment,
    initiatives: list[Initiative],
    funding: list[FundingEntry] | None = None,
) -> list[GoalCoverage]:
    """Each stated goal and the initiatives whose reasons quote it, or why none does: a goal
    that names a funding measure ("qualify for Transizione 5.0") is answered with its status
    on the drafting date (`funding`: the measures offered and watched)."""
    mentions = {r["id"]: r.get("mentions", []) for r in load_data("funding.yaml")["funding"]}
    out = []
    for goal in assessment.goals:
        quoted = f"«{quote(goal)}»"
        ids = [i.id for i in initiatives if i.why and quoted in i.why]
        reason = None if ids else phrase("goal_not_covered", assessment.language)
        named = [f for f in funding or [] if any(m in goal.lower() for m in mentions[f.id])]
        if not ids and named:
            measure = named[0]
            key = "goal_funding_closed" if measure.status == "closed" else "goal_funding_open"
            detail = measure.intensity
            reason = phrase(key, assessment.language, measure=measure.name, detail=detail)
        out.append(GoalCoverage(goal=goal, initiatives=ids, reason=reason))
    return out


def make_plan(
    assessment: Assessment, readiness: Readiness | None = None, as_of: dt.date | None = None
) -> Plan:
    """Plan the AI roadmap of one assessment on the drafting date `as_of` (default:
    `$DIH_AI_AS_OF`, else today)."""
    as_of = drafting_date(as_of)
    check_dates(assessment, as_of)
    readiness = readiness or analyse(assessment)
    language = assessment.language
    mentioned = " ".join([*assessment.goals, assessment.notes or ""])
    offered, watched = measures_for(assessment, as_of, mentioned)
    basic = readiness.dma_band == "basic"
    enablers, gate_titles, used_notes = enabler_initiatives(assessment, readiness, offered)
    limit = 1 if basic else MAX_USE_CASES
    chosen, note_uses = choose_use_cases(assessment, readiness, limit)
    machine_data = next((e for e in enablers if e.id == "machine-data"), None)
    management = next((e for e in enablers if e.id == "management-system"), None)
    use_cases = use_case_initiatives(
        assessment,
        chosen,
        gate_titles,
        basic,
        offered,
        machine_data,
        management,
        mature_band=readiness.dma_band in MATURE_BANDS,
    )
    initiatives = sorted(
        enablers + use_cases,
        key=lambda i: (HORIZONS.index(i.horizon), i.use_case is not None),
    )
    stage = assessment.dma.stage
    notes = [*used_notes, *note_uses, *sensor_notes(assessment)]
    wish = staff_note(assessment)
    conditions = worker_conditions(initiatives, language, wish)
    return Plan(
        company_id=assessment.company.id,
        language=language,
        assessment_date=assessment.assessment_date,
        as_of=as_of,
        knowledge_as_of=knowledge_as_of(),
        stage=stage,
        next_stage=NEXT_STAGE[stage],
        readiness=readiness,
        use_cases=chosen,
        initiatives=initiatives,
        funding=offered,
        funding_watch=watched,
        ai_act=ai_act_milestones(language, as_of),
        class_duties=class_duties(language),
        worker_conditions=conditions,
        staff_note=wish if conditions else None,
        goals=goal_coverage(assessment, initiatives, [*offered, *watched]),
        note_facts=list(dict.fromkeys(map(quote, notes))),
        budget=budget(initiatives),
        dma_targets=dma_targets(readiness, initiatives),
    )
