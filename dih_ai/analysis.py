"""Readiness analysis: deterministic, explained, no LLM.

Everything numeric (bands, weights, gate thresholds, gap targets) comes from
`dih_ai/data/readiness.yaml`; this module only applies it. Every result carries the
reason in words a consultant can read to the client, in the assessment's language.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from dih_ai.assessment.models import Assessment
from dih_ai.i18n import phrase
from dih_ai.resources import load_data
from dih_ai.text import mentions_any
from dih_ai.vocab import CYBER_FUNCTIONS, DATA_FOR_AI_DIMENSIONS, DMA_DIMENSIONS, Language


class Gate(BaseModel):
    """One readiness gate for AI (data, cybersecurity, skills, strategy)."""

    id: str
    passed: bool
    reason: str
    title: str | None = None


class Component(BaseModel):
    """One term of the AI readiness formula."""

    id: str
    metric: str
    value: float | None = Field(description="the metric scaled to 0-100; None = not assessed")
    weight: float


class Gap(BaseModel):
    """A metric below its target, ranked by priority."""

    metric: str
    label: str
    value: float
    target: float
    priority: float
    matches_goal: bool
    reason: str


class Readiness(BaseModel):
    """The readiness analysis of one assessment (the draft's `readiness` block)."""

    ai_readiness: int = Field(ge=0, le=100)
    level: str
    level_label: str | None = None
    gates: list[Gate]
    dma_overall: float | None = None
    dma_band: str | None = None
    dma_scores: dict[str, float] = Field(default_factory=dict, description="the six DMA scores")
    components: list[Component] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    dma_change: dict[str, float] | None = Field(
        default=None, description="change per DMA dimension since the baseline (T0) assessment"
    )
    baseline_stage: str | None = None

    @property
    def failed_gates(self) -> list[Gate]:
        """The gates to fix before AI."""
        return [g for g in self.gates if not g.passed]

    def _repr_markdown_(self) -> str:
        from dih_ai.notebook import readiness_markdown

        return readiness_markdown(self)

    def _repr_html_(self) -> str:
        from dih_ai.notebook import readiness_html

        return readiness_html(self)


def _rules() -> dict[str, Any]:
    return load_data("readiness.yaml")


def label(metric: str, language: Language) -> str:
    """The readable name of a metric in `language`."""
    entry = _rules()["labels"].get(metric)
    return entry[language] if entry else metric


def metrics(assessment: Assessment) -> dict[str, float]:
    """Flatten an assessment into the metric names the rules use."""
    out: dict[str, float] = {}
    scores = assessment.dma.scores
    for dim in DMA_DIMENSIONS:
        out[f"dma.{dim}"] = float(getattr(scores, dim))
    out["dma.overall"] = round(sum(out[f"dma.{d}"] for d in DMA_DIMENSIONS) / 6, 1)
    if assessment.cybersecurity:
        functions = assessment.cybersecurity.functions
        for fn in CYBER_FUNCTIONS:
            out[f"cyber.{fn}"] = float(getattr(functions, fn))
        out["cyber.core"] = round(
            (out["cyber.protect"] + out["cyber.detect"] + out["cyber.recover"]) / 3, 1
        )
    if assessment.data_for_ai:
        levels = assessment.data_for_ai.levels
        for dim in DATA_FOR_AI_DIMENSIONS:
            out[f"data.{dim}"] = float(getattr(levels, dim))
        weighted = assessment.data_for_ai.scores or {}
        if "overall" in weighted:  # from the questionnaire: the weighted score on the 1-5 scale
            out["data.overall"] = round(1 + weighted["overall"] / 100 * 4, 1)
        else:
            out["data.overall"] = round(
                sum(out[f"data.{d}"] for d in DATA_FOR_AI_DIMENSIONS) / len(DATA_FOR_AI_DIMENSIONS),
                1,
            )
    return out


def _band(value: float, bands: list[dict[str, Any]]) -> dict[str, Any]:
    for band in bands:
        if value <= band["max"]:
            return band
    return bands[-1]


def dma_band(overall: float) -> str:
    """The DMA band id for an overall score (basic, average, moderately_advanced, advanced)."""
    return str(_band(overall, _rules()["dma_bands"])["id"])


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _check_text(metric: str, value: float, minimum: float, language: Language) -> str:
    scale = "/5" if metric.startswith("data.") else "/100"
    name = label(metric, language)
    return phrase(
        "gate_check", language, name=name, value=_fmt(value), scale=scale, minimum=_fmt(minimum)
    )


def _gate(gate_id: str, spec: dict[str, Any], values: dict[str, float], language: Language) -> Gate:
    checks = [c for c in spec["checks"] if c["metric"] in values]
    missing = [c for c in spec["checks"] if c["metric"] not in values]
    if missing:
        checks += [c for c in spec.get("fallback", []) if c["metric"] in values]
    title = spec["title"][language]
    if not checks:
        reason = phrase("gate_not_assessed", language)
        return Gate(id=gate_id, passed=False, reason=reason, title=title)
    failing = [c for c in checks if values[c["metric"]] < c["min"]]
    if failing:
        parts = "; ".join(
            _check_text(c["metric"], values[c["metric"]], c["min"], language) for c in failing
        )
        reason = phrase("gate_to_fix", language, checks=parts)
        return Gate(id=gate_id, passed=False, reason=reason, title=title)
    parts = "; ".join(
        _check_text(c["metric"], values[c["metric"]], c["min"], language) for c in checks
    )
    reason = phrase("gate_met", language, checks=parts)
    return Gate(id=gate_id, passed=True, reason=reason, title=title)


def _component_value(spec: dict[str, Any], values: dict[str, float]) -> float | None:
    raw = values.get(spec["metric"])
    if raw is None:
        return None
    if spec.get("scale") == "level":
        return (raw - 1) / 4 * 100
    return raw


def _gaps(assessment: Assessment, values: dict[str, float]) -> list[Gap]:
    spec = _rules()["gaps"]
    goals = " | ".join(assessment.goals)
    language = assessment.language
    out: list[Gap] = []
    for target in spec["targets"]:
        value = values.get(target["metric"])
        if value is None or value >= target["target"]:
            continue
        shortfall = (target["target"] - value) / target["target"]
        matches = mentions_any(goals, target["keywords"])
        priority = shortfall * target["weight"] * (spec["goal_boost"] if matches else 1.0)
        scale = "/5" if target["metric"].startswith("data.") else "/100"
        name = label(target["metric"], language)
        reason = phrase(
            "gap_reason",
            language,
            name=name,
            value=_fmt(value),
            scale=scale,
            target=_fmt(target["target"]),
        )
        reason += phrase("gap_linked", language) if matches else ""
        out.append(
            Gap(
                metric=target["metric"],
                label=name,
                value=value,
                target=target["target"],
                priority=round(priority, 3),
                matches_goal=matches,
                reason=reason,
            )
        )
    out.sort(key=lambda g: (-g.priority, g.metric))
    return out


def analyse(assessment: Assessment, baseline: Assessment | None = None) -> Readiness:
    """Compute the AI readiness score, the gates and the ranked gaps of an assessment.

    With a `baseline` (the same company's earlier assessment, e.g. T0 for a T1), the
    change per DMA dimension is included: the hub's impact measure.
    """
    rules = _rules()
    values = metrics(assessment)
    language = assessment.language
    components = [
        Component(
            id=c["id"], metric=c["metric"], value=_component_value(c, values), weight=c["weight"]
        )
        for c in rules["ai_readiness"]["components"]
    ]
    present = [c for c in components if c.value is not None]
    total_weight = sum(c.weight for c in present)
    score = sum(c.value * c.weight for c in present if c.value is not None) / total_weight
    level = _band(score, rules["ai_readiness"]["levels"])
    overall = values["dma.overall"]
    return Readiness(
        ai_readiness=round(score),
        level=level["id"],
        level_label=level[language],
        gates=[_gate(gid, spec, values, language) for gid, spec in rules["gates"].items()],
        dma_overall=overall,
        dma_band=dma_band(overall),
        dma_scores={d: values[f"dma.{d}"] for d in DMA_DIMENSIONS},
        components=components,
        gaps=_gaps(assessment, values),
        dma_change=dma_change(baseline, assessment) if baseline else None,
        baseline_stage=baseline.dma.stage if baseline else None,
    )


def dma_change(t0: Assessment, t1: Assessment) -> dict[str, float]:
    """Change per DMA dimension (and overall) from T0 to a later stage: the hub's impact."""
    before, after = metrics(t0), metrics(t1)
    keys = [f"dma.{d}" for d in DMA_DIMENSIONS] + ["dma.overall"]
    return {key.removeprefix("dma."): round(after[key] - before[key], 1) for key in keys}
