"""How mature the companies are: DMA bands and dimensions, the readiness gates they fail,
and their data-for-AI and cybersecurity assessments, weakest first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from dih_ai.assessment.models import CyberFunctions, DataForAILevels
from dih_ai.portfolio.cells import Label, Share, Stats
from dih_ai.portfolio.fields import (
    data_file,
    dma_band,
    dma_overall,
    dma_scores,
    english,
    gates,
    metric_label,
)
from dih_ai.portfolio.models import Company, Figure, Portfolio, current, distribution
from dih_ai.vocab import CYBER_FUNCTIONS, DATA_FOR_AI_DIMENSIONS, DMA_DIMENSIONS

STATS_COLUMNS = ["mean", "sd", "median", "IQR", "companies"]


def dma_figures(p: Portfolio) -> list[Figure]:
    """Companies per DMA band, and each DMA dimension's mean and spread."""
    latest = current(p)
    bands_data = data_file("readiness.yaml").get("dma_bands", [])
    band_order = [b["id"] for b in bands_data]
    bands = [dma_band(r) or "unknown" for r in latest]
    band_names = {b["id"]: english(b, b["id"]) for b in bands_data}
    band_fig = distribution(
        "dma_bands",
        "DMA bands (latest assessment)",
        "each company's overall DMA score (mean of the six dimensions) in the bands of "
        "data/readiness.yaml",
        "band",
        bands,
        band_names,
        order=[b for b in [*band_order, "unknown"] if b in bands],
    )
    rows: list[list[Any]] = []
    scores = [dma_scores(r) for r in latest]
    for dim in DMA_DIMENSIONS:
        values = [s[dim] for s in scores if dim in s]
        rows.append([Label(metric_label(f"dma.{dim}")), Stats.of(values)])
    overall = [v for v in (dma_overall(r) for r in latest) if v is not None]
    rows.append([Label("overall"), Stats.of(overall)])
    dims = Figure(
        "dma_dimensions",
        "DMA dimensions: mean and spread (0-100)",
        "over each company's latest assessment: mean, standard deviation, median and "
        "inter-quartile range",
        ["dimension", *STATS_COLUMNS],
        rows,
        chart="radar",
    )
    return [band_fig, dims]


def _gates_figure(p: Portfolio) -> Figure:
    latest = current(p)
    titles = {
        gid: english(spec.get("title"), gid)
        for gid, spec in (data_file("readiness.yaml").get("gates") or {}).items()
    }
    gate_ids = list(titles)
    for r in latest:
        gate_ids += [g for g in gates(r) if g not in gate_ids]
    rows: list[list[Any]] = []
    for gid in gate_ids:
        known = [gates(r)[gid] for r in latest if gid in gates(r)]
        rows.append([Label(titles.get(gid, gid)), Share(sum(not ok for ok in known), len(known))])
    return Figure(
        "gates",
        "Readiness gates: companies failing each",
        "share of companies whose latest draft fails the gate (a gate not assessed fails)",
        ["gate", "companies failing"],
        rows,
        chart="bar",
    )


def _weakest_first(
    p: Portfolio,
    keys: tuple[str, ...],
    prefix: str,
    levels: Callable[[Company], BaseModel | None],
    missing: float,
) -> list[list[Any]]:
    """Mean and spread per key over the companies whose `levels` (the assessed part) is not
    None, the weakest first (a key no company has sorts as `missing`)."""
    rows: list[tuple[Label, Stats]] = []
    for key in keys:
        values = [float(getattr(part, key)) for c in p.companies if (part := levels(c)) is not None]
        rows.append((Label(metric_label(f"{prefix}.{key}")), Stats.of(values)))
    rows.sort(key=lambda row: row[1].mean() if row[1].values else missing)
    return [[name, stats] for name, stats in rows]


def _data_levels(c: Company) -> DataForAILevels | None:
    profile = c.profile
    if profile is None or profile.data_for_ai is None:
        return None
    return profile.data_for_ai.levels


def _cyber_functions(c: Company) -> CyberFunctions | None:
    profile = c.profile
    if profile is None or profile.cybersecurity is None:
        return None
    return profile.cybersecurity.functions


def readiness_figures(p: Portfolio) -> list[Figure]:
    """Companies failing each readiness gate, and the data-for-AI dimensions and
    cybersecurity functions, weakest first."""
    data_fig = Figure(
        "data_for_ai",
        "Data for AI: weakest dimensions first (levels 1-5)",
        "mean level per dimension over the companies with a data-for-AI assessment",
        ["dimension", *STATS_COLUMNS],
        _weakest_first(p, DATA_FOR_AI_DIMENSIONS, "data", _data_levels, 99),
        chart="hbar",
    )
    cyber_fig = Figure(
        "cybersecurity",
        "Cybersecurity: weakest functions first (0-100)",
        "mean score per NIST CSF 2.0 / FNCDP function over the companies with a "
        "cybersecurity assessment",
        ["function", *STATS_COLUMNS],
        _weakest_first(p, CYBER_FUNCTIONS, "cyber", _cyber_functions, 999),
        chart="hbar",
    )
    return [_gates_figure(p), data_fig, cyber_fig]
