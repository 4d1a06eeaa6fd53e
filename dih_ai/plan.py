"""The plan: which use cases, which initiatives on which horizon, sized to the firm, with
which funding and which AI Act duties, on the drafting date. Deterministic and explained:
every initiative says which goal, note or score put it there.

Order of choice: the company's stated goals, then the consultant's notes (read as data),
then its subsector and technologies. Horizons follow readiness and effort, never rank.
Inputs: the assessment, its readiness analysis and the data files (`use_cases.yaml`,
`funding.yaml`, `ai_act.yaml`, `readiness.yaml`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from dih_ai.analysis import Readiness, analyse, metrics
from dih_ai.assessment.models import Assessment
from dih_ai.draft import KPI, Initiative
from dih_ai.errors import InputError, Problem
from dih_ai.funding import FundingEntry, benefit, choose, measures_for
from dih_ai.i18n import date, localised, number, phrase, t
from dih_ai.knowledge import as_date, drafting_date, knowledge_as_of
from dih_ai.matching import (
    GoalCoverage,
    catalogue,
    goal_matches,
    has_factory,
    note_matches,
    note_sentences,
    quote,
    triggered_foundations,
)
from dih_ai.resources import load_data
from dih_ai.text import mentions_any

__all__ = [
    "AIActMilestone",
    "FundingEntry",
    "Milestone",
    "Plan",
    "UseCaseChoice",
    "as_date",
    "localised",
    "make_plan",
]

MAX_USE_CASES = 3
# How many AI use cases a firm starts in one period, besides the enablers: one quick win in
# the first six months, then a number that grows with the firm's size.
STARTS_PER_HORIZON = {
    "0-6m": {"micro": 1, "small": 1, "medium": 1, "large": 2},
    "6-18m": {"micro": 1, "small": 2, "medium": 3, "large": 4},
}
# DMA bands whose firms have the data and the habits to pilot a medium-effort use case at once
MATURE_BANDS = {"moderately_advanced", "advanced"}
NOT_ASKED = 100  # priority of a use case no goal asked for (notes, then profile)
USE_CASE_FUNDING_KINDS = ["technology", "software", "consulting"]
HORIZONS = ("0-6m", "6-18m", "18-36m")
NEXT_STAGE = {"T0": "T1", "T1": "T2", "T2": "T2"}
DATA_ENABLERS = {"gate_data", "machine_data", "management_system"}
FOUNDATIONS = {"management_system", "machine_data", "cyber_essentials", "ecommerce"}
MACHINE_DATA_USE_CASES = {
    "predictive_maintenance",
    "energy_optimisation",
    "process_optimisation",
    "quality_prediction",
}
MANAGEMENT_DATA_USE_CASES = {
    "order_processing",
    "quoting",
    "demand_forecasting",
    "supply_chain",
    "traceability",
}
SENSOR_NOTES = [
    "sensori già installati",
    "sensori installati",
    "già connesse",
    "già connessi",
    "connessi dal",
    "connesse dal",
    "sensors already installed",
    "already connected",
    "connected since",
]


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
    goals: list[GoalCoverage] = Field(default_factory=list)
    note_facts: list[str] = Field(default_factory=list, description="note sentences used")
    budget: list[BudgetRow] = Field(default_factory=list)
    dma_targets: dict[str, tuple[float, float]] = Field(default_factory=dict)


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


def ai_act_milestones(language: str, as_of: dt.date) -> list[AIActMilestone]:
    """AI Act milestones, marked as applying or not yet on `as_of`."""
    return [
        AIActMilestone(
            id=m["id"],
            date=as_date(m["date"]) or as_of,
            text=localised(m["text"], language),
            applies=(as_date(m["date"]) or as_of) <= as_of,
            topic=m.get("topic", ""),
        )
        for m in load_data("ai_act.yaml")["milestones"]
    ]


def _annex_iii_date(language: str) -> str:
    """When the Annex III high-risk duties apply (from `ai_act.yaml`)."""
    entry = next(m for m in load_data("ai_act.yaml")["milestones"] if m["id"] == "annex_iii")
    return date(as_date(entry["date"]) or dt.date.today(), language)


def _scaled(cost: list[int], size_band: str) -> tuple[int, int]:
    factor = catalogue()["sizing"][size_band]
    low, high = (max(500, round(c * factor / 500.0) * 500) for c in cost)
    return (low, high)


def _tech_reason(spec: dict[str, Any], assessment: Assessment) -> str | None:
    techs = assessment.dma.technologies
    started = [k for k in spec["technologies"] if techs.get(k, 0) >= 1]
    if not started:
        return None
    names = ", ".join(f"{t('technologies', k, assessment.language)} {techs[k]}/5" for k in started)
    return phrase("tech_reason", assessment.language, names=names)


def _fill_score(spec: dict[str, Any], assessment: Assessment) -> float:
    """How well a use case nobody asked for fits: subsector first, then technologies in use,
    only within the sectors where it is common."""
    company = assessment.company
    if company.sector not in spec["sectors"]:
        return 0.0
    techs = assessment.dma.technologies
    score = 2.0 if company.subsector in spec.get("subsectors", []) else 0.0
    score += sum(0.5 + 0.5 * (techs[k] >= 3) for k in spec["technologies"] if techs.get(k, 0))
    return score if score >= 2.0 else 0.0


def choose_use_cases(
    assessment: Assessment, readiness: Readiness, limit: int
) -> tuple[list[UseCaseChoice], list[str]]:
    """Use cases from the goals, then the notes, then the company's profile; and the note
    sentences that were used."""
    language = assessment.language
    specs = catalogue()["use_cases"]
    failed = {g.id for g in readiness.gates if not g.passed}
    reasons: dict[str, list[str]] = {}
    scores: dict[str, float] = {}
    priority: dict[str, int] = {}
    from_goal: set[str] = set()
    used_notes: list[str] = []
    for m in goal_matches(assessment):
        reasons.setdefault(m.key, []).append(phrase("goal_reason", language, goal=quote(m.text)))
        scores[m.key] = scores.get(m.key, 0.0) + 10 + m.score
        priority.setdefault(m.key, m.rank)
        from_goal.add(m.key)
    for m in note_matches(assessment):
        reasons.setdefault(m.key, []).append(phrase("note_reason", language, note=quote(m.text)))
        scores[m.key] = scores.get(m.key, 0.0) + 5 + m.score
        priority.setdefault(m.key, NOT_ASKED)
        used_notes.append(m.text)
    asked = sorted(scores, key=lambda k: -scores[k])
    fill = sorted(
        (k for k in specs if k not in scores and _fill_score(specs[k], assessment) > 0),
        key=lambda k: -_fill_score(specs[k], assessment),
    )
    # the profile fills in only when the company asked for fewer than two use cases
    room = max(0, limit - len(asked)) if len(asked) < 2 else 0
    chosen = asked + fill[:room]
    out = []
    for key in chosen:
        spec = specs[key]
        why = list(reasons.get(key, []))
        if key not in scores and assessment.company.subsector in spec.get("subsectors", []):
            subsector = t("subsectors", assessment.company.subsector, language)
            why.append(phrase("subsector_reason", language, subsector=subsector))
        tech = _tech_reason(spec, assessment)
        if tech:
            why.append(tech)
        out.append(
            UseCaseChoice(
                use_case=key,
                title=localised(spec["title"], language),
                score=round(scores.get(key, _fill_score(spec, assessment)), 3),
                reasons=why,
                blocked_by=[g for g in spec["requires"] if g in failed],
                from_goal=key in from_goal,
                priority=priority.get(key, 2 * NOT_ASKED),
                query=localised(spec["query"], language),
            )
        )
    return out, used_notes


def sensor_notes(assessment: Assessment) -> list[str]:
    """Note sentences saying that machines already have sensors or connections."""
    return [s for s in note_sentences(assessment) if mentions_any(s, SENSOR_NOTES)]


def _horizon(
    spec: dict[str, Any],
    blocked: list[str],
    basic: bool,
    pilot_free: bool,
    mature: bool,
    first_goal: bool = False,
) -> str:
    """The earliest horizon a use case can start in, from its effort and the gates it needs.
    A high-effort project starts within 18 months only as the company's first goal; any other
    waits for the results of the first projects."""
    if spec["ai_act"]["class"] == "high":  # its duties and governance come first
        return "18-36m"
    if basic:
        return "6-18m" if pilot_free else "18-36m"
    if spec["effort"] == "high" and not first_goal:
        return "18-36m"
    if not blocked:
        quick = spec["effort"] == "low" or (mature and spec["effort"] == "medium")
        return "0-6m" if quick else "6-18m"
    return "18-36m" if spec["effort"] == "high" else "6-18m"


def _sequenced(earliest: str, started: dict[str, int], size_band: str) -> str:
    """The first horizon from `earliest` with room for one more start (see
    STARTS_PER_HORIZON); the last horizon always has room."""
    for horizon in HORIZONS[HORIZONS.index(earliest) :]:
        cap = STARTS_PER_HORIZON.get(horizon, {}).get(size_band)
        if cap is None or started.get(horizon, 0) < cap:
            started[horizon] = started.get(horizon, 0) + 1
            return horizon
    return HORIZONS[-1]


def _placement(
    horizon: str,
    blocked_titles: list[str],
    basic: bool,
    language: str,
    high_risk: bool = False,
    earlier: tuple[str, str] | None = None,
    effort: str = "low",
) -> str:
    """Why the use case sits on `horizon`; `earlier` = (its earliest horizon, the use case
    that took the last start there) when sequencing moved it later."""
    gates = ", ".join(blocked_titles)
    if high_risk:
        return phrase("place_high_risk", language, date=_annex_iii_date(language))
    if basic:
        key = "place_pilot" if horizon == "6-18m" else "place_after_foundations"
        return phrase(key, language)
    if earlier:
        return phrase("place_sequenced", language, previous=earlier[1])
    if horizon == "0-6m":
        return phrase("place_quick_win" if effort == "low" else "place_mature_pilot", language)
    if not blocked_titles:
        return phrase(
            "place_after_first_results" if horizon == "18-36m" else "place_ready", language
        )
    key = "place_after_gates_long" if horizon == "18-36m" else "place_after_gates"
    return phrase(key, language, gates=gates)


def _change_text(change: list[float], language: str) -> str:
    low, high = sorted(change, key=abs)
    return f"{number(low, language, sign=True)}%…{number(high, language, sign=True)}%"


def _kpis(spec: dict[str, Any], language: str) -> list[KPI]:
    return [
        KPI(
            name=localised(k["name"], language),
            target=phrase(
                "kpi_from_catalogue", language, change=_change_text(k["change"], language)
            ),
        )
        for k in spec["kpis"]
    ]


def _funding(
    kinds: list[str],
    cost: tuple[int, int],
    spec: dict[str, Any],
    offered: list[FundingEntry],
) -> tuple[list[str], tuple[int, int] | None]:
    share = float(spec.get("capital_share", 0.0))
    picked = choose(kinds, cost, bool(spec.get("capital_goods")), share, offered)
    if not picked:
        return [], None
    amounts = [benefit(f, cost, share) for f in picked]
    low, high = sum(a[0] for a in amounts), sum(a[1] for a in amounts)
    if not high:
        return [f.id for f in picked], None
    return [f.id for f in picked], (min(low, cost[0]), min(high, cost[1]))


def _enabler(
    key: str,
    horizon: str,
    why: str,
    assessment: Assessment,
    offered: list[FundingEntry],
) -> Initiative:
    language = assessment.language
    spec = catalogue()["enablers"][key]
    values = metrics(assessment)
    text = spec["description"]
    if not has_factory(assessment) and "description_no_factory" in spec:
        text = spec["description_no_factory"]
    cost = _scaled(spec["cost_eur"], assessment.company.size_band)
    funding, estimate = _funding(spec["funding_kinds"], cost, spec, offered)
    return Initiative(
        id=key.replace("_", "-"),
        title=localised(spec["title"], language),
        horizon=horizon,
        process_area=spec["process_area"],
        use_case=None,
        description=localised(text, language),
        kpis=[
            KPI(
                name=localised(k["name"], language),
                target=localised(k["target"], language),
                baseline=_now(k, values, language),
            )
            for k in spec["kpis"]
        ],
        ai_act_risk="minimal",
        effort=spec["effort"],
        funding=funding,
        funding_estimate_eur=estimate,
        why=why,
        cost_eur=cost,
    )


def _now(kpi: dict[str, Any], values: dict[str, float], language: str) -> str | None:
    """Today's value of an enabler KPI, from the assessment metric it names."""
    metric = kpi.get("now")
    if not metric or metric not in values:
        return None
    scale = "/5" if metric.startswith("data.") else "/100"
    text = f"{number(values[metric], language)}{scale}"
    return f"{localised(kpi['now_label'], language)} {text}" if kpi.get("now_label") else text


def _foundation_why(trigger: str, assessment: Assessment, overall: float) -> str:
    language = assessment.language
    kind, _, text = trigger.partition(":")
    if kind == "goal":
        return phrase("goal_reason", language, goal=quote(text))
    if kind == "note":
        return phrase("note_reason", language, note=text)
    return phrase("basic_band_reason", language, score=number(overall, language))


def _enablers(
    assessment: Assessment, readiness: Readiness, offered: list[FundingEntry]
) -> tuple[list[Initiative], dict[str, str], list[str]]:
    """Gate enablers, digital foundations and AI literacy; the gates' titles; notes used."""
    basic = readiness.dma_band == "basic"
    out: list[Initiative] = []
    titles: dict[str, str] = {}
    foundations = triggered_foundations(assessment, basic)
    cyber_failed = any(g.id == "cybersecurity" and not g.passed for g in readiness.gates)
    if basic and cyber_failed:  # a firm in the basic band starts from the essentials
        foundations.setdefault("cyber_essentials", "basic_band")
    elif cyber_failed:  # the gate's enabler covers the basics
        foundations.pop("cyber_essentials", None)
    # a foundation that collects the data closes the data gate of a firm in the basic band
    skip = {"data"} if basic and DATA_ENABLERS & set(foundations) else set()
    skip |= {"cybersecurity"} if "cyber_essentials" in foundations else set()
    used_notes = []
    for key, trigger in foundations.items():
        horizon = "6-18m" if key == "ecommerce" and not basic else "0-6m"
        why = _foundation_why(trigger, assessment, readiness.dma_overall or 0)
        if trigger.startswith("note:"):
            used_notes.append(trigger[5:])
        out.append(_enabler(key, horizon, why, assessment, offered))
        titles[key] = out[-1].title
    for gate in readiness.gates:
        if gate.passed:
            continue
        if gate.id in skip:
            substitute = "cyber_essentials" if gate.id == "cybersecurity" else "management_system"
            titles[gate.id] = titles.get(substitute) or titles.get("machine_data", "")
            continue
        enabler = _enabler(f"gate_{gate.id}", "0-6m", gate.reason, assessment, offered)
        titles[gate.id] = enabler.title
        out.append(enabler)
    literacy = phrase("literacy_reason", assessment.language)
    out.append(_enabler("ai_literacy", "0-6m", literacy, assessment, offered))
    return out, titles, used_notes


def _use_case_initiatives(
    assessment: Assessment,
    chosen: list[UseCaseChoice],
    gate_titles: dict[str, str],
    basic: bool,
    offered: list[FundingEntry],
    machine_data: Initiative | None,
    management: Initiative | None = None,
    mature_band: bool = False,
) -> list[Initiative]:
    language = assessment.language
    specs = catalogue()["use_cases"]
    sensors = bool(sensor_notes(assessment))
    mature = mature_band
    pilot_free = True
    started: dict[str, int] = {}
    last_start: dict[str, str] = {}
    out = []
    # the company's order of goals is its priority; the cheaper first among equals
    ordered = sorted(
        chosen, key=lambda c: (c.priority, specs[c.use_case]["cost_eur"][0], c.use_case)
    )
    for choice in ordered:
        spec = specs[choice.use_case]
        blocked_titles = [gate_titles[g] for g in choice.blocked_by if g in gate_titles]
        low_cost = spec["effort"] != "high"
        earliest = _horizon(
            spec, choice.blocked_by, basic, pilot_free and low_cost, mature, choice.priority == 0
        )
        horizon = _sequenced(earliest, started, assessment.company.size_band)
        moved = (earliest, last_start[earliest]) if horizon != earliest else None
        last_start.setdefault(horizon, choice.title)
        last_start[horizon] = choice.title
        if basic and horizon == "6-18m":
            pilot_free = False
        prerequisites = list(blocked_titles)
        if machine_data and choice.use_case in MACHINE_DATA_USE_CASES:
            prerequisites.append(machine_data.title)
        if management and choice.use_case in MANAGEMENT_DATA_USE_CASES:
            prerequisites.append(management.title)
        prerequisites = list(dict.fromkeys(p for p in prerequisites if p))
        description = localised(spec["value"], language)
        if sensors and choice.use_case in MACHINE_DATA_USE_CASES:
            description += "; " + phrase("uses_sensors", language)
        cost = _scaled(spec["cost_eur"], assessment.company.size_band)
        funding, estimate = _funding(USE_CASE_FUNDING_KINDS, cost, spec, offered)
        high_risk = spec["ai_act"]["class"] == "high"
        placement = _placement(
            horizon, blocked_titles, basic, language, high_risk, moved, spec["effort"]
        )
        out.append(
            Initiative(
                id=f"uc-{choice.use_case.replace('_', '-')}",
                title=choice.title,
                horizon=horizon,
                process_area=spec["process_area"],
                use_case=choice.use_case,
                description=description,
                prerequisites=prerequisites,
                kpis=_kpis(spec, language),
                ai_act_risk=spec["ai_act"]["class"],
                effort=spec["effort"],
                funding=funding,
                funding_estimate_eur=estimate,
                why="; ".join([*choice.reasons, placement]),
                cost_eur=cost,
            )
        )
    return out


def goal_coverage(assessment: Assessment, initiatives: list[Initiative]) -> list[GoalCoverage]:
    """Each stated goal and the initiatives whose reasons quote it (or why none does)."""
    out = []
    for goal in assessment.goals:
        quoted = f"«{quote(goal)}»"
        ids = [i.id for i in initiatives if i.why and quoted in i.why]
        reason = None if ids else phrase("goal_not_covered", assessment.language)
        out.append(GoalCoverage(goal=goal, initiatives=ids, reason=reason))
    return out


def budget(initiatives: list[Initiative]) -> list[BudgetRow]:
    """Cost, estimated funding and net cost per horizon, and the total ("total")."""
    rows = []
    for horizon in (*HORIZONS, "total"):
        items = [i for i in initiatives if horizon in ("total", i.horizon) and i.cost_eur]
        cost = (sum(i.cost_eur[0] for i in items), sum(i.cost_eur[1] for i in items))  # type: ignore[index]
        funds = [i.funding_estimate_eur or (0, 0) for i in items]
        funding = (sum(f[0] for f in funds), sum(f[1] for f in funds))
        net = (cost[0] - funding[0], cost[1] - funding[1])
        rows.append(BudgetRow(horizon=horizon, cost=cost, funding=funding, net=net))
    return rows


def dma_targets(
    readiness: Readiness, initiatives: list[Initiative]
) -> dict[str, tuple[float, float]]:
    """(current, target at the next stage) for the DMA dimensions the plan moves."""
    rules = load_data("readiness.yaml")["next_stage_targets"]
    early = [i for i in initiatives if i.horizon != "18-36m"]
    count = {
        "per_use_case": sum(1 for i in early if i.use_case),
        "per_data_enabler": sum(1 for i in early if i.id.replace("-", "_") in DATA_ENABLERS),
        "per_foundation": sum(1 for i in early if i.id.replace("-", "_") in FOUNDATIONS),
        "per_skills_enabler": sum(
            1 for i in early if i.id.replace("-", "_") in {"ai_literacy", "gate_skills"}
        ),
    }
    out = {}
    for dimension, weights in rules.items():
        if dimension == "max_gain" or dimension not in readiness.dma_scores:
            continue
        gain = sum(points * count[kind] for kind, points in weights.items())
        current = readiness.dma_scores[dimension]
        if gain:
            target = min(100.0, current + min(gain, rules["max_gain"]))
            out[dimension] = (current, round(target))
    return out


def _worker_conditions(initiatives: list[Initiative], language: str) -> list[str]:
    specs = catalogue()["use_cases"]
    if not any(i.use_case and specs[i.use_case].get("touches_staff") for i in initiatives):
        return []
    return [str(x) for x in load_data("ai_act.yaml")["worker_conditions"]["text"][language]]


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
    enablers, gate_titles, used_notes = _enablers(assessment, readiness, offered)
    limit = 1 if basic else MAX_USE_CASES
    chosen, note_uses = choose_use_cases(assessment, readiness, limit)
    machine_data = next((e for e in enablers if e.id == "machine-data"), None)
    use_cases = _use_case_initiatives(
        assessment,
        chosen,
        gate_titles,
        basic,
        offered,
        machine_data,
        mature_band=readiness.dma_band in MATURE_BANDS,
    )
    initiatives = sorted(
        enablers + use_cases,
        key=lambda i: (HORIZONS.index(i.horizon), i.use_case is not None),
    )
    duties = load_data("ai_act.yaml")["class_duties"]
    stage = assessment.dma.stage
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
        class_duties={k: localised(v, language) for k, v in duties.items()},
        worker_conditions=_worker_conditions(initiatives, language),
        goals=goal_coverage(assessment, initiatives),
        note_facts=list(
            dict.fromkeys(map(quote, [*used_notes, *note_uses, *sensor_notes(assessment)]))
        ),
        budget=budget(initiatives),
        dma_targets=dma_targets(readiness, initiatives),
    )


# Units written in KPI names and case results, to one spelling each
_UNITS = {
    "%": "%",
    "h": "h",
    "ore": "h",
    "hours": "h",
    "min": "min",
    "minuti": "min",
    "minutes": "min",
    "giorni": "d",
    "days": "d",
    "d": "d",
}


def _unit_of(text: str) -> str | None:
    if "%" in text:
        return "%"
    return _UNITS.get(text.strip().lower())


def same_unit(kpi_name: str, case_unit: str) -> bool:
    """A case's result can ground a KPI only in the same kind of unit: a percentage in a
    percentage, hours in hours (not minutes per order in weekly hours). The KPI's unit is the
    last bracket of its name; a unit this table does not know is not checked beyond `%`."""
    bracket = kpi_name.rsplit("(", 1)[1].rstrip(") ") if "(" in kpi_name else ""
    mine, theirs = _unit_of(bracket), _unit_of(case_unit)
    if (mine == "%") != (theirs == "%"):
        return False
    return mine is None or theirs is None or mine == theirs


def grounded_kpis(initiative: Initiative, studies: list[Any], language: str) -> list[KPI]:
    """The initiative's KPI targets as ranges grounded in a cited case's result where one
    measures the same KPI (same subsector first: `studies` come best first), else the
    catalogue's typical change."""
    spec = catalogue()["use_cases"].get(initiative.use_case or "")
    if not spec:
        return initiative.kpis
    out = []
    for kpi, entry in zip(initiative.kpis, spec["kpis"], strict=False):
        found = None
        for study in studies:
            for result in study.results:
                # `match` holds word stems ("difett"): a substring test on the KPI name;
                # the case must move the KPI the way the catalogue expects (scrap down)
                if not result.baseline or not any(w in result.kpi.lower() for w in entry["match"]):
                    continue
                if not same_unit(kpi.name, result.unit or ""):
                    continue
                if (result.value - result.baseline) * entry["change"][0] > 0:
                    found = (study, result)
                    break
            if found:
                break
        if not found:
            out.append(kpi)
            continue
        study, result = found
        change = (result.value - result.baseline) / result.baseline * 100
        low, high = round(change / 2), round(change)
        unit = result.unit_in(language) if hasattr(result, "unit_in") else (result.unit or "")
        space = "" if unit in ("%", "") else " "
        target = phrase(
            "kpi_from_case",
            language,
            change=_change_text([low, high], language),
            case=study.id,
            kpi=result.kpi_in(language) if hasattr(result, "kpi_in") else result.kpi,
            before=f"{number(result.baseline, language)}{space}{unit}",
            after=f"{number(result.value, language)}{space}{unit}",
        )
        out.append(kpi.model_copy(update={"target": target}))
    return out
