"""The hub's impact: each company's DMA change from T0 to T1, and its mean and spread over
the companies."""

from __future__ import annotations

from typing import Any

from dih_ai.portfolio.cells import Label, Share, Stats
from dih_ai.portfolio.fields import dma_scores, metric_label
from dih_ai.portfolio.load import DraftRecord
from dih_ai.portfolio.models import Figure, Portfolio
from dih_ai.vocab import DMA_DIMENSIONS


def _given_change(t1: DraftRecord) -> dict[str, float] | None:
    """The change since T0 that a T1 draft carries (`readiness.dma_change`), if whole."""
    readiness = t1.data.get("readiness") or {}
    given = readiness.get("dma_change")
    if (
        isinstance(given, dict)
        and readiness.get("baseline_stage") in (None, "T0")
        and all(isinstance(given.get(d), int | float) for d in DMA_DIMENSIONS)
    ):
        return {k: float(v) for k, v in given.items() if isinstance(v, int | float)}
    return None


def pairs(p: Portfolio) -> dict[str, dict[str, float]]:
    """Company id -> change per DMA dimension (and overall) from T0 to T1."""
    out: dict[str, dict[str, float]] = {}
    for c in p.companies:
        t0, t1 = c.records.get("T0"), c.records.get("T1")
        if t1 is None:
            continue
        if t0 is not None:
            before, after = dma_scores(t0), dma_scores(t1)
            if len(before) == len(after) == len(DMA_DIMENSIONS):
                change = {d: round(after[d] - before[d], 1) for d in DMA_DIMENSIONS}
                change["overall"] = round(sum(change.values()) / len(DMA_DIMENSIONS), 1)
                out[c.id] = change
                continue
        given = _given_change(t1)
        if given is not None:
            out[c.id] = given
    return out


def impact_figures(p: Portfolio) -> list[Figure]:
    """The mean DMA change from T0 to T1 per dimension and overall, and the share that
    improved."""
    changes = pairs(p)
    rows: list[list[Any]] = []
    for key in (*DMA_DIMENSIONS, "overall") if changes else ():
        values = [c[key] for c in changes.values() if key in c]
        name = "overall" if key == "overall" else metric_label(f"dma.{key}")
        rows.append(
            [
                Label(name),
                Stats.of(values),
                Share(sum(v > 0 for v in values), len(values)),
            ]
        )
    return [
        Figure(
            "impact",
            "Impact: DMA change from T0 to T1",
            "companies with a T0 and a T1 draft, paired by company id (or a T1 draft that "
            "carries its change since T0): mean change in points and the share that improved",
            ["dimension", "mean change", "sd", "median", "IQR", "companies", "improved"],
            rows,
            chart="impact",
        )
    ]
