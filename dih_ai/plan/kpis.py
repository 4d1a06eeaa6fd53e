"""KPIs and targets: a use case's KPIs from the catalogue, their targets grounded in a cited
case's result where one measures the same KPI, and the DMA scores the plan should reach at
the next stage."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from dih_ai.analysis import Readiness
from dih_ai.draft import KPI, Initiative
from dih_ai.i18n import localised, number, phrase, quantity
from dih_ai.matching import INSTRUCTION_WORDS, catalogue, note_sentences
from dih_ai.plan.enablers import DATA_ENABLERS, FOUNDATIONS
from dih_ai.resources import load_data
from dih_ai.text import mentions_any, mentions_together

if TYPE_CHECKING:
    from dih_ai.assessment.models import Assessment

_PERCENT = re.compile(r"(?<![\d.,\-–])(\d{1,3}(?:[.,]\d+)?)\s?%")
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


def percent_in_notes(words: list[str], assessment: Assessment) -> float | None:
    """The percentage the consultant's notes give for a KPI: a note sentence that names it
    (any of `words`; "a+b" needs both) and holds exactly one percentage. None when no
    sentence does, or two disagree; a sentence that gives orders is not a fact."""
    found: set[float] = set()
    for sentence in note_sentences(assessment):
        if mentions_any(sentence, INSTRUCTION_WORDS):
            continue
        if not mentions_together(sentence, words):
            continue
        values = _PERCENT.findall(sentence)
        if len(values) == 1:
            found.add(float(values[0].replace(",", ".")))
    return found.pop() if len(found) == 1 else None


def _percent_today(kpi: KPI) -> float | None:
    """Today's value of a percentage KPI whose baseline came from the notes."""
    found = _TODAY.match(kpi.baseline or "")
    return float(found.group(1).replace(",", ".")) if found else None


def _from_today(today: float, values: list[float], rest: str, language: str) -> str:
    """A target as the range it means for this company ("17-20%, i.e. …"), from today's
    value and the two ends it may reach; the relative target alone (`rest`) when an end
    falls outside 0-100%."""
    if any(v < 0 or v > 100 for v in values):
        return rest
    digits = 1 if today < 10 else 0
    ends = dict.fromkeys(number(round(v, digits), language) for v in sorted(values))
    return phrase("kpi_target_from_today", language, span="-".join(ends), rest=rest)


def _relative(today: float, change: list[float]) -> list[float]:
    """The values `today` reaches with each relative change (in %)."""
    return [today * (1 + c / 100) for c in change]


def catalogue_kpis(
    spec: dict[str, Any], language: str, assessment: Assessment | None = None
) -> list[KPI]:
    """A use case's KPIs with the catalogue's typical change as their targets; today's value
    from the consultant's notes where they give it (see `percent_in_notes`), and then the
    target as the range it means for this company."""
    out = []
    for k in spec["kpis"]:
        target = phrase("kpi_from_catalogue", language, change=change_text(k["change"], language))
        today = percent_in_notes(k["today"], assessment) if assessment and "today" in k else None
        if today is None:
            out.append(KPI(name=localised(k["name"], language), target=target))
            continue
        out.append(
            KPI(
                name=localised(k["name"], language),
                target=_from_today(today, _relative(today, k["change"]), target, language),
                baseline=phrase("kpi_today_from_notes", language, value=number(today, language)),
            )
        )
    return out


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
        target = _case_target(*found, language, _percent_today(kpi))
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
