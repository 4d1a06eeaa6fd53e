"""KPIs and targets: a use case's KPIs from the catalogue, their targets grounded in a cited
case's result where one measures the same KPI, and the DMA scores the plan should reach at
the next stage."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from dih_ai.analysis import Readiness
from dih_ai.draft import KPI, Initiative
from dih_ai.i18n import localised, number, phrase, quantity
from dih_ai.matching import catalogue
from dih_ai.plan.enablers import DATA_ENABLERS, FOUNDATIONS
from dih_ai.plan.figures import (
    duration_in_notes,
    duration_text,
    hours_a_month_in_notes,
    percent_in_notes,
    with_time_asked,
)
from dih_ai.resources import load_data

if TYPE_CHECKING:
    from dih_ai.assessment.models import Assessment

_TODAY = re.compile(r"^(\d{1,3}(?:[.,]\d+)?)%")

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


def change_text(change: list[float], language: str) -> str:
    """A change range as signed percentages, the smaller first: "-10%…-20%"."""
    low, high = sorted(change, key=abs)
    return f"{number(low, language, sign=True)}%…{number(high, language, sign=True)}%"


def _percent_today(kpi: KPI) -> float | None:
    """Today's value of a percentage KPI whose baseline came from the notes."""
    found = _TODAY.match(kpi.baseline or "")
    return float(found.group(1).replace(",", ".")) if found else None


def _from_today(
    today: float, values: list[float], rest: str, language: str, unit: str = "%"
) -> str:
    """A target as the range it means for this company ("17-20%, i.e. …"), from today's
    value and the two ends it may reach; the relative target alone (`rest`) when an end
    leaves 0-100% (for a percentage) or goes below 0."""
    if any(v < 0 or (unit == "%" and v > 100) for v in values):
        return rest
    digits = 1 if today < 10 else 0
    ends = dict.fromkeys(number(round(v, digits), language) for v in sorted(values))
    span = "-".join(ends) + ("" if unit == "%" else " ") + unit
    return phrase("kpi_target_from_today", language, span=span, rest=rest)


def _relative(today: float, change: list[float]) -> list[float]:
    """The values `today` reaches with each relative change (in %)."""
    return [today * (1 + c / 100) for c in change]


def _from_notes(kpi: KPI, entry: dict[str, Any], assessment: Assessment, language: str) -> KPI:
    """The KPI with today's value where the consultant's notes give it: a duration for a
    time KPI; a percentage, with the target then as this company's range."""
    if is_time(kpi.name):
        found = duration_in_notes(entry["today"], assessment)
        if found is None:
            return kpi
        today_text = duration_text(*found, language)
        return kpi.model_copy(
            update={"baseline": phrase("kpi_today_from_notes", language, value=today_text)}
        )
    unit = _kpi_unit(kpi.name)
    readers = {
        "%": percent_in_notes,
        "ore/mese": hours_a_month_in_notes,
        "hours/month": hours_a_month_in_notes,
    }
    today = readers[unit](entry["today"], assessment) if unit in readers else None
    if today is None:
        return kpi
    target = _from_today(today, _relative(today, entry["change"]), kpi.target, language, unit)
    value = quantity(today, unit, language)
    return kpi.model_copy(
        update={"target": target, "baseline": phrase("kpi_today_from_notes", language, value=value)}
    )


def catalogue_kpis(
    spec: dict[str, Any],
    language: str,
    assessment: Assessment | None = None,
    goals: list[str] | None = None,
) -> list[KPI]:
    """A use case's KPIs with the catalogue's typical change as their targets; today's value
    from the consultant's notes where they give it (`figures`), and a time KPI's target led
    by the time the use case's `goals` ask for."""
    out = []
    for entry in spec["kpis"]:
        change = change_text(entry["change"], language)
        kpi = KPI(
            name=localised(entry["name"], language),
            target=phrase("kpi_from_catalogue", language, change=change),
        )
        if assessment and "today" in entry:
            kpi = _from_notes(kpi, entry, assessment, language)
        if goals and is_time(kpi.name):
            kpi.target = with_time_asked(kpi.target, goals, language)
        out.append(kpi)
    return out


def _unit_of(text: str) -> str | None:
    if "%" in text:
        return "%"
    return _UNITS.get(text.strip().lower())


def _kpi_unit(kpi_name: str) -> str:
    """The unit of a KPI: the last bracket of its name ("%" inside "MAPE %")."""
    bracket = kpi_name.rsplit("(", 1)[1].rstrip(") ") if "(" in kpi_name else ""
    return "%" if "%" in bracket else bracket


def is_time(kpi_name: str) -> bool:
    """A KPI measured in hours, minutes or days (the last bracket of its name)."""
    return _unit_of(_kpi_unit(kpi_name)) in ("h", "min", "d")


def same_unit(kpi_name: str, case_unit: str) -> bool:
    """A case's result can ground a KPI only in the same kind of unit: a percentage in a
    percentage, hours in hours (not minutes per order in weekly hours). The KPI's unit is the
    last bracket of its name; a unit this table does not know is not checked beyond `%`."""
    bracket = kpi_name.rsplit("(", 1)[1].rstrip(") ") if "(" in kpi_name else ""
    mine, theirs = _unit_of(bracket), _unit_of(case_unit)
    if (mine == "%") != (theirs == "%"):
        return False
    return mine is None or theirs is None or mine == theirs


def _case_result(kpi: KPI, entry: dict[str, Any], studies: list[Any]) -> tuple[Any, Any] | None:
    """The first (study, result) that measures the KPI in its unit and moves it the way the
    catalogue expects (scrap down)."""
    for study in studies:
        for result in study.results:
            # `match` holds word stems ("difett"): a substring test on the KPI name
            if not result.baseline or not any(w in result.kpi.lower() for w in entry["match"]):
                continue
            if not same_unit(kpi.name, result.unit or ""):
                continue
            if (result.value - result.baseline) * entry["change"][0] > 0:
                return study, result
    return None


def _case_target(study: Any, result: Any, language: str, today: float | None = None) -> str:
    """A KPI target grounded in a case's result: half to all of its relative change; with
    today's value known, the range it means for this company, and for a rising percentage
    half to all of the share of its gap to 100% that the case closed."""
    change = (result.value - result.baseline) / result.baseline * 100
    low, high = round(change / 2), round(change)
    unit = result.unit_in(language) if hasattr(result, "unit_in") else (result.unit or "")
    case = {
        "case": study.id,
        "kpi": result.kpi_in(language) if hasattr(result, "kpi_in") else result.kpi,
        "before": quantity(result.baseline, unit, language),
        "after": quantity(result.value, unit, language),
    }
    relative = phrase("kpi_from_case", language, change=change_text([low, high], language), **case)
    if today is None:
        return relative
    if unit == "%" and result.value > result.baseline and result.baseline < 100:
        share = (result.value - result.baseline) / (100 - result.baseline)
        values = [today + s * (100 - today) for s in (share / 2, share)]
        return _from_today(today, values, phrase("kpi_from_case_gap", language, **case), language)
    return _from_today(today, _relative(today, [low, high]), relative, language)


def grounded_kpis(
    initiative: Initiative, studies: list[Any], language: str, goals: list[str] | None = None
) -> list[KPI]:
    """The initiative's KPI targets as ranges grounded in a cited case's result where one
    measures the same KPI (same subsector first: `studies` come best first), else the
    catalogue's typical change; a time KPI's target led by the time its `goals` ask for."""
    spec = catalogue()["use_cases"].get(initiative.use_case or "")
    if not spec:
        return initiative.kpis
    out = []
    for kpi, entry in zip(initiative.kpis, spec["kpis"], strict=False):
        found = _case_result(kpi, entry, studies)
        if not found:
            out.append(kpi)
            continue
        target = _case_target(*found, language, _percent_today(kpi))
        if goals and is_time(kpi.name):
            target = with_time_asked(target, goals, language)
        out.append(kpi.model_copy(update={"target": target}))
    return out


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
    out: dict[str, tuple[float, float]] = {}
    for dimension, weights in rules.items():
        if dimension == "max_gain" or dimension not in readiness.dma_scores:
            continue
        gain = sum(points * count[kind] for kind, points in weights.items())
        current = readiness.dma_scores[dimension]
        if gain:
            target = min(100.0, current + min(gain, rules["max_gain"]))
            out[dimension] = (current, round(target))
    return out
