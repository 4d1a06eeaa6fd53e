"""The enablers: digital foundations (management system, machine data, cyber essentials,
e-commerce), one enabler per failed readiness gate, and AI literacy for all."""

from __future__ import annotations

from typing import Any

from dih_ai.analysis import Readiness, metrics
from dih_ai.assessment.models import Assessment
from dih_ai.draft import KPI, Initiative
from dih_ai.funding import FundingEntry
from dih_ai.i18n import localised, number, phrase
from dih_ai.matching import (
    catalogue,
    has_factory,
    note_sentences,
    quote,
    triggered_foundations,
)
from dih_ai.plan.costs import funding_for, scaled_cost
from dih_ai.text import mentions_any
from dih_ai.vocab import Horizon

DATA_ENABLERS = {"gate_data", "machine_data", "management_system"}
FOUNDATIONS = {"management_system", "machine_data", "cyber_essentials", "ecommerce"}


def _now(kpi: dict[str, Any], values: dict[str, float], language: str) -> str | None:
    """Today's value of an enabler KPI, from the assessment metric it names."""
    metric = kpi.get("now")
    if not metric or metric not in values:
        return None
    scale = "/5" if metric.startswith("data.") else "/100"
    text = f"{number(values[metric], language)}{scale}"
    return f"{localised(kpi['now_label'], language)} {text}" if kpi.get("now_label") else text


def enabler(
    key: str,
    horizon: Horizon,
    why: str,
    assessment: Assessment,
    offered: list[FundingEntry],
) -> Initiative:
    """The catalogue's enabler `key` as an initiative on `horizon`, sized and funded."""
    language = assessment.language
    spec = catalogue()["enablers"][key]
    values = metrics(assessment)
    text = spec["description"]
    if not has_factory(assessment) and "description_no_factory" in spec:
        text = spec["description_no_factory"]
    cost = scaled_cost(spec["cost_eur"], assessment.company.size_band)
    funding, estimate = funding_for(spec["funding_kinds"], cost, spec, offered)
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


def _foundation_why(trigger: str, assessment: Assessment, overall: float) -> str:
    language = assessment.language
    kind, _, text = trigger.partition(":")
    if kind == "goal":
        return phrase("goal_reason", language, quoted=f"«{quote(text)}»")
    if kind == "note":
        return phrase("note_reason", language, quoted=f"«{text}»")
    return phrase("basic_band_reason", language, score=number(overall, language))


def _security_note(assessment: Assessment) -> str | None:
    """The first note sentence that states a security gap (no backup, shared passwords…)."""
    words = catalogue()["enablers"]["cyber_essentials"]["triggers"]["notes"]
    return next((s for s in note_sentences(assessment) if mentions_any(s, words)), None)


def _foundations(assessment: Assessment, readiness: Readiness) -> dict[str, str]:
    """The foundations the company needs, with what triggers each."""
    basic = readiness.dma_band == "basic"
    foundations = triggered_foundations(assessment, basic)
    cyber_failed = any(g.id == "cybersecurity" and not g.passed for g in readiness.gates)
    if basic and cyber_failed:  # a firm in the basic band starts from the essentials
        foundations.setdefault("cyber_essentials", "basic_band")
    elif cyber_failed:  # the gate's enabler covers the basics
        foundations.pop("cyber_essentials", None)
    return foundations


def enabler_initiatives(
    assessment: Assessment, readiness: Readiness, offered: list[FundingEntry]
) -> tuple[list[Initiative], dict[str, str], list[str]]:
    """Gate enablers, digital foundations and AI literacy; the gates' titles; notes used."""
    basic = readiness.dma_band == "basic"
    out: list[Initiative] = []
    titles: dict[str, str] = {}
    foundations = _foundations(assessment, readiness)
    # a foundation that collects the data closes the data gate of a firm in the basic band
    skip = {"data"} if basic and DATA_ENABLERS & set(foundations) else set()
    skip |= {"cybersecurity"} if "cyber_essentials" in foundations else set()
    used_notes = []
    for key, trigger in foundations.items():
        horizon: Horizon = "6-18m" if key == "ecommerce" and not basic else "0-6m"
        why = _foundation_why(trigger, assessment, readiness.dma_overall or 0)
        if trigger.startswith("note:"):
            used_notes.append(trigger[5:])
        out.append(enabler(key, horizon, why, assessment, offered))
        titles[key] = out[-1].title
    for gate in readiness.gates:
        if gate.passed:
            continue
        if gate.id in skip:
            substitute = "cyber_essentials" if gate.id == "cybersecurity" else "management_system"
            titles[gate.id] = titles.get(substitute) or titles.get("machine_data", "")
            continue
        why = gate.reason
        note = _security_note(assessment) if gate.id == "cybersecurity" else None
        if note:  # the consultant's fact behind the score, quoted
            quoted = f"«{quote(note)}»"
            why = why.rstrip(".") + "; " + phrase("note_reason", assessment.language, quoted=quoted)
            used_notes.append(note)
        gate_enabler = enabler(f"gate_{gate.id}", "0-6m", why, assessment, offered)
        titles[gate.id] = gate_enabler.title
        out.append(gate_enabler)
    literacy = phrase("literacy_reason", assessment.language)
    out.append(enabler("ai_literacy", "0-6m", literacy, assessment, offered))
    return out, titles, used_notes
