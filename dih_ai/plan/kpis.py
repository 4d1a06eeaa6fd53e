"""KPIs and targets: a use case's KPIs from the catalogue, their targets grounded in a cited
case's result where one measures the same KPI, and the DMA scores the plan should reach at
the next stage."""

from __future__ import annotations

from typing import Any

from dih_ai.analysis import Readiness
from dih_ai.draft import KPI, Initiative
from dih_ai.i18n import localised, number, phrase
from dih_ai.matching import catalogue
from dih_ai.plan.enablers import DATA_ENABLERS, FOUNDATIONS
from dih_ai.resources import load_data

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


def catalogue_kpis(spec: dict[str, Any], language: str) -> list[KPI]:
    """A use case's KPIs with the catalogue's typical change as their targets."""
    return [
        KPI(
            name=localised(k["name"], language),
            target=phrase(
                "kpi_from_catalogue", language, change=change_text(k["change"], language)
            ),
        )
        for k in spec["kpis"]
    ]


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


def _case_target(study: Any, result: Any, language: str) -> str:
    change = (result.value - result.baseline) / result.baseline * 100
    low, high = round(change / 2), round(change)
    unit = result.unit_in(language) if hasattr(result, "unit_in") else (result.unit or "")
    space = "" if unit in ("%", "") else " "
    return phrase(
        "kpi_from_case",
        language,
        change=change_text([low, high], language),
        case=study.id,
        kpi=result.kpi_in(language) if hasattr(result, "kpi_in") else result.kpi,
        before=f"{number(result.baseline, language)}{space}{unit}",
        after=f"{number(result.value, language)}{space}{unit}",
    )


def grounded_kpis(initiative: Initiative, studies: list[Any], language: str) -> list[KPI]:
    """The initiative's KPI targets as ranges grounded in a cited case's result where one
    measures the same KPI (same subsector first: `studies` come best first), else the
    catalogue's typical change."""
    spec = catalogue()["use_cases"].get(initiative.use_case or "")
    if not spec:
        return initiative.kpis
    out = []
    for kpi, entry in zip(initiative.kpis, spec["kpis"], strict=False):
        found = _case_result(kpi, entry, studies)
        if not found:
            out.append(kpi)
            continue
        target = _case_target(*found, language)
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
