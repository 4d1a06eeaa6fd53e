"""The deep dive's plan, decided without a model from the hub's playbooks in
`data/deep_dive.yaml`: phases and activities, roles, data and infrastructure, risks,
milestones, KPI baselines, the funding on the start date and the AI Act class."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dih_ai.corpus import CaseStudy
from dih_ai.deep_dive.consistency import item_text, systems_note
from dih_ai.deep_dive_models import (
    AIActNote,
    CaseResult,
    DeepDivePlan,
    FundingOption,
    KPIPlan,
    Milestone,
    Phase,
    Risk,
    Role,
)
from dih_ai.draft import Initiative, RoadmapDraft
from dih_ai.errors import InputError, Problem
from dih_ai.funding import status_on
from dih_ai.i18n import localised, phrase
from dih_ai.knowledge import as_date
from dih_ai.resources import load_data
from dih_ai.text import lower_first
from dih_ai.vocab import Language

GENERIC_BASELINE = {  # for a KPI added to the draft by hand: the playbook has no method for it
    "it": "Misurare il valore attuale sugli ultimi 6-12 mesi dai sistemi aziendali, con la "
    "stessa formula che si userà per valutare il risultato.",
    "en": "Measure the current value over the last 6-12 months from the company's systems, "
    "with the same formula that will judge the result.",
}


def playbook_for(initiative: Initiative) -> tuple[str, dict[str, Any]]:
    """The playbook key and entry of `data/deep_dive.yaml` for an initiative."""
    playbooks = load_data("deep_dive.yaml")
    key: str
    if initiative.use_case:
        key = initiative.use_case
        entry = playbooks["use_cases"].get(key)
    else:
        key = initiative.id.replace("-", "_")
        entry = playbooks["enablers"].get(key)
    if entry is None:
        raise InputError(
            [
                Problem(
                    "data/deep_dive.yaml",
                    key,
                    f"no playbook for initiative '{initiative.id}'",
                )
            ]
        )
    return key, entry


def _results(studies: list[CaseStudy]) -> list[CaseResult]:
    return [
        CaseResult(case_id=s.id, kpi=r.kpi, baseline=r.baseline, value=r.value, unit=r.unit)
        for s in studies
        for r in s.results
    ]


def _funding(initiative: Initiative, start: dt.date, language: Language) -> list[FundingOption]:
    entries = {f["id"]: f for f in load_data("funding.yaml")["funding"]}
    out = []
    for fid in initiative.funding:
        entry = entries.get(fid)
        if entry is None:
            continue
        status = status_on(entry, start)
        out.append(
            FundingOption(
                id=fid,
                name=localised(entry["name"], language),
                intensity=localised(entry.get("intensity_text", entry.get("intensity")), language),
                valid_to=as_date(entry.get("closes", entry.get("valid_to"))),
                open_at_start=status == "open",
                status_at_start=status,
            )
        )
    return out


def _phases(
    entry: dict[str, Any], language: Language, text: Callable[[Any], str]
) -> tuple[list[Phase], int]:
    """The playbook's phases one after the other from week 0, and the total weeks."""
    phases: list[Phase] = []
    week = 0
    for spec in entry["phases"]:
        phases.append(
            Phase(
                id=spec["id"],
                title=localised(spec["title"], language),
                start_week=week,
                end_week=week + int(spec["weeks"]),
                activities=[text(a) for a in spec["activities"]],
                roles=list(spec["roles"]),
                deliverable=localised(spec["deliverable"], language),
            )
        )
        week += int(spec["weeks"])
    return phases, week


def _roles(phases: list[Phase], language: Language) -> list[Role]:
    """The roles of the phases, in order of first appearance, with the phases of each."""
    roles_spec = load_data("deep_dive.yaml")["roles"]
    role_ids = list(dict.fromkeys(r for p in phases for r in p.roles))
    return [
        Role(
            id=rid,
            title=localised(roles_spec[rid]["title"], language),
            does=localised(roles_spec[rid]["does"], language),
            phases=[p.id for p in phases if rid in p.roles],
        )
        for rid in role_ids
    ]


def _milestones(phases: list[Phase], start: dt.date | None) -> list[Milestone]:
    return [
        Milestone(
            week=p.end_week,
            date=start + dt.timedelta(weeks=p.end_week) if start else None,
            title=p.deliverable,
            phase=p.id,
        )
        for p in phases
    ]


def _kpis(initiative: Initiative, entry: dict[str, Any], language: Language) -> list[KPIPlan]:
    """The initiative's KPIs with the playbook's baseline methods, in order; a value the
    draft already knows (from the notes, the assessment) comes first, to be confirmed."""
    methods = [localised(b, language) for b in entry["kpi_baselines"]]
    out = []
    for n, k in enumerate(initiative.kpis):
        method = methods[n] if n < len(methods) else localised(GENERIC_BASELINE, language)
        if k.baseline:
            method = phrase(
                "dd_known_baseline", language, value=k.baseline, method=lower_first(method)
            )
        out.append(KPIPlan(name=k.name, baseline=method, target=k.target))
    return out


def _ai_act(initiative: Initiative, language: Language) -> AIActNote | None:
    if not initiative.use_case:
        return None
    spec = load_data("use_cases.yaml")["use_cases"][initiative.use_case]["ai_act"]
    duties = load_data("ai_act.yaml")["class_duties"]
    return AIActNote(
        risk_class=initiative.ai_act_risk,
        raised_when=localised(spec["raised_when"], language),
        duties=localised(duties.get(initiative.ai_act_risk, ""), language),
    )


def _risks(entry: dict[str, Any], language: Language) -> list[Risk]:
    return [
        Risk(
            level=r["level"],
            risk=localised(r["risk"], language),
            mitigation=localised(r["mitigation"], language),
        )
        for r in entry["risks"]
    ]


def make_deep_dive_plan(
    draft: RoadmapDraft,
    initiative: Initiative,
    studies: list[CaseStudy],
    *,
    start: dt.date | None = None,
    in_place: dict[str, str] | None = None,
) -> DeepDivePlan:
    """The implementation plan of one initiative, from its playbook. Deterministic.
    `in_place` (see `systems_in_place`) words the playbook for systems already there."""
    language = draft.language
    _, entry = playbook_for(initiative)
    in_place = in_place or {}
    used: set[str] = set()

    def text(item: Any) -> str:
        return item_text(item, language, in_place, used)

    phases, weeks = _phases(entry, language, text)
    reused = {s: src for s, src in in_place.items() if s in used}  # by the phases' activities
    return DeepDivePlan(
        initiative=initiative,
        start=start,
        total_weeks=weeks,
        phases=phases,
        roles=_roles(phases, language),
        data_needed=[text(d) for d in entry["data_needed"]],
        infrastructure=[text(d) for d in entry["infrastructure"]],
        risks=_risks(entry, language),
        milestones=_milestones(phases, start),
        kpis=_kpis(initiative, entry, language),
        case_results=_results(studies),
        funding=_funding(initiative, start or dt.date.today(), language),
        ai_act=_ai_act(initiative, language),
        open_prerequisites=list(initiative.prerequisites),
        systems_in_place=in_place,
        notes=[n for n in [systems_note(reused, language)] if n],
    )
