"""The plan: which use cases, which initiatives on which horizon, which funding, which AI Act
duties. Deterministic and explained: every item says why it is there.

Inputs are the assessment, its readiness analysis and three data files
(`use_cases.yaml`, `funding.yaml`, `ai_act.yaml`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from dih_ai.analysis import Readiness, analyse
from dih_ai.assessment.models import Assessment
from dih_ai.draft import KPI, Initiative
from dih_ai.resources import load_data
from dih_ai.text import mentions_any

MAX_USE_CASES = 3
MAX_FUNDING_PER_INITIATIVE = 3
USE_CASE_FUNDING_KINDS = ("technology", "consulting")


class UseCaseChoice(BaseModel):
    """A use case the planner chose, with its score and the reasons."""

    use_case: str
    title: str
    score: float
    reasons: list[str]
    blocked_by: list[str] = Field(default_factory=list, description="failed gates it requires")
    from_goal: bool = Field(default=False, description="a stated company goal points to it")
    query: str


class FundingEntry(BaseModel):
    """A funding entry valid on the assessment date."""

    id: str
    name: str
    issuer: str
    covers: str
    intensity: str
    valid_to: dt.date
    kinds: list[str]
    only_for: list[str] = Field(default_factory=list, description="use cases/enablers it funds")


class Milestone(BaseModel):
    """An AI Act milestone, applying already or upcoming on the assessment date."""

    id: str
    date: dt.date
    text: str
    applies: bool


class Plan(BaseModel):
    """Everything the writer needs that is decided without a model."""

    company_id: str
    language: str
    assessment_date: dt.date
    readiness: Readiness
    use_cases: list[UseCaseChoice]
    initiatives: list[Initiative]
    funding: list[FundingEntry]
    ai_act: list[Milestone]
    class_duties: dict[str, str]


def localised(value: Any, language: str) -> str:
    """A data-file text in `language` ({it: ..., en: ...}), or the value itself."""
    return str(value[language]) if isinstance(value, dict) else str(value)


def as_date(value: Any) -> dt.date:
    """A data-file date (YAML gives dates, JSON strings)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def score_use_cases(assessment: Assessment, readiness: Readiness) -> list[UseCaseChoice]:
    """Score every catalogue use case for this company; best first."""
    catalogue = load_data("use_cases.yaml")["use_cases"]
    language = assessment.language
    techs = assessment.dma.technologies
    failed = {g.id for g in readiness.gates if not g.passed}
    sector = assessment.company.sector
    choices: list[UseCaseChoice] = []
    for order, (uc_id, spec) in enumerate(catalogue.items()):
        score = 0.0
        reasons: list[str] = []
        matched = [g for g in assessment.goals if mentions_any(g, spec["keywords"])]
        if matched:
            score += 3.0 * len(matched)
            quoted = ", ".join(f"«{g}»" for g in matched)
            reasons.append(
                f"obiettivo dichiarato: {quoted}" if language == "it" else f"stated goal: {quoted}"
            )
        if sector in spec["sectors"]:
            weight = 1.0 if spec["sectors"].index(sector) < 2 else 0.5
            score += weight
            reasons.append(
                "caso d'uso tipico del settore"
                if language == "it"
                else "a typical use case in the sector"
            )
        started = [t for t in spec["technologies"] if techs.get(t, 0) >= 1]
        if started:
            score += 0.5 * len(started) + 0.5 * sum(techs[t] >= 3 for t in started)
            tech_labels = load_data("labels.yaml")["technologies"]
            names = ", ".join(f"{tech_labels[t][language]} {techs[t]}/5" for t in started)
            reasons.append(
                f"tecnologie già presenti: {names}"
                if language == "it"
                else f"technologies already in place: {names}"
            )
        score -= order * 0.001  # stable tie-break: catalogue order
        blocked = [g for g in spec["requires"] if g in failed]
        choices.append(
            UseCaseChoice(
                use_case=uc_id,
                title=localised(spec["title"], language),
                score=round(score, 3),
                reasons=reasons,
                blocked_by=blocked,
                from_goal=bool(matched),
                query=localised(spec["query"], language),
            )
        )
    choices.sort(key=lambda c: -c.score)
    return choices


def valid_funding(assessment: Assessment) -> list[FundingEntry]:
    """Funding entries valid on the assessment date for this company's size and region."""
    language = assessment.language
    date = assessment.assessment_date
    out: list[FundingEntry] = []
    for entry in load_data("funding.yaml")["funding"]:
        if not (as_date(entry["valid_from"]) <= date <= as_date(entry["valid_to"])):
            continue
        if assessment.company.size_band not in entry["sizes"]:
            continue
        regions = entry.get("regions") or []
        if regions and assessment.company.region not in regions:
            continue
        out.append(
            FundingEntry(
                id=entry["id"],
                name=localised(entry["name"], language),
                issuer=entry["issuer"],
                covers=localised(entry["covers"], language),
                intensity=localised(entry["intensity"], language),
                valid_to=as_date(entry["valid_to"]),
                kinds=list(entry["kinds"]),
                only_for=list(entry.get("only_for") or []),
            )
        )
    return out


def ai_act_milestones(assessment: Assessment) -> list[Milestone]:
    """AI Act milestones, marked as applying or not yet on the assessment date."""
    data = load_data("ai_act.yaml")
    return [
        Milestone(
            id=m["id"],
            date=as_date(m["date"]),
            text=localised(m["text"], assessment.language),
            applies=as_date(m["date"]) <= assessment.assessment_date,
        )
        for m in data["milestones"]
    ]


def _funding_for(kinds: list[str], funding: list[FundingEntry], purpose: str) -> list[str]:
    ids = [
        f.id
        for f in funding
        if set(kinds) & set(f.kinds) and (not f.only_for or purpose in f.only_for)
    ]
    return ids[:MAX_FUNDING_PER_INITIATIVE]


def _enabler(
    key: str, horizon: str, why: str, language: str, funding: list[FundingEntry]
) -> Initiative:
    spec = load_data("use_cases.yaml")["enablers"][key]
    return Initiative(
        id=key.replace("_", "-"),
        title=localised(spec["title"], language),
        horizon=horizon,
        process_area=spec["process_area"],
        use_case=None,
        description=localised(spec["description"], language),
        kpis=[
            KPI(name=localised(k["name"], language), target=localised(k["target"], language))
            for k in spec["kpis"]
        ],
        ai_act_risk="minimal",
        effort=spec["effort"],
        funding=_funding_for(spec["funding_kinds"], funding, key),
        why=why,
        cost_eur=tuple(spec["cost_eur"]),
    )


def make_plan(assessment: Assessment, readiness: Readiness | None = None) -> Plan:
    """Plan the AI roadmap of one assessment."""
    readiness = readiness or analyse(assessment)
    language = assessment.language
    it = language == "it"
    funding = valid_funding(assessment)
    catalogue = load_data("use_cases.yaml")["use_cases"]
    initiatives: list[Initiative] = []
    gate_titles: dict[str, str] = {}
    for gate in readiness.gates:
        if gate.passed:
            continue
        enabler = _enabler(f"gate_{gate.id}", "0-6m", gate.reason, language, funding)
        gate_titles[gate.id] = enabler.title
        initiatives.append(enabler)
    literacy_why = (
        "obbligo dell'AI Act (art. 4) dal 2 febbraio 2025 per chi usa sistemi di AI"
        if it
        else "an AI Act duty (art. 4) since 2 February 2025 for AI users"
    )
    initiatives.append(_enabler("ai_literacy", "0-6m", literacy_why, language, funding))

    chosen = [c for c in score_use_cases(assessment, readiness) if c.score > 0][:MAX_USE_CASES]
    for rank, choice in enumerate(chosen):
        spec = catalogue[choice.use_case]
        if rank == 0 and not choice.blocked_by and spec["effort"] != "high":
            horizon = "0-6m"
        elif rank <= 1 and spec["effort"] != "high":
            horizon = "6-18m"
        else:
            horizon = "18-36m" if rank >= 2 or choice.blocked_by else "6-18m"
        prerequisites = [gate_titles[g] for g in choice.blocked_by if g in gate_titles]
        placement = {
            "0-6m": (
                "pilota rapido: requisiti soddisfatti" if it else "quick pilot: prerequisites met"
            ),
            "6-18m": (
                "dopo aver chiuso i requisiti mancanti"
                if it and choice.blocked_by
                else "after the missing prerequisites are closed"
                if choice.blocked_by
                else "secondo passo, dopo il primo pilota"
                if it
                else "second step, after the first pilot"
            ),
            "18-36m": (
                "da avviare sulle basi costruite nei primi 18 mesi"
                if it
                else "to start on the foundations built in the first 18 months"
            ),
        }[horizon]
        cost = spec["cost_eur"]
        kpis = [
            KPI(
                name=localised(k, language),
                target=(
                    "da fissare sulla baseline misurata all'avvio del pilota"
                    if it
                    else "to be set on the baseline measured at the start of the pilot"
                ),
            )
            for k in spec["kpis"]
        ]
        initiatives.append(
            Initiative(
                id=f"uc-{choice.use_case.replace('_', '-')}",
                title=choice.title,
                horizon=horizon,
                process_area=spec["process_area"],
                use_case=choice.use_case,
                description=localised(spec["value"], language),
                prerequisites=prerequisites,
                kpis=kpis,
                ai_act_risk=spec["ai_act"]["class"],
                effort=spec["effort"],
                funding=_funding_for(list(USE_CASE_FUNDING_KINDS), funding, choice.use_case),
                why="; ".join([*choice.reasons, placement]),
                cost_eur=(cost[0], cost[1]),
            )
        )
    order = {"0-6m": 0, "6-18m": 1, "18-36m": 2}
    initiatives.sort(key=lambda i: (order[i.horizon], i.use_case is not None))
    duties = load_data("ai_act.yaml")["class_duties"]
    return Plan(
        company_id=assessment.company.id,
        language=language,
        assessment_date=assessment.assessment_date,
        readiness=readiness,
        use_cases=chosen,
        initiatives=initiatives,
        funding=funding,
        ai_act=ai_act_milestones(assessment),
        class_duties={k: localised(v, language) for k, v in duties.items()},
    )
