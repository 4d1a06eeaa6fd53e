"""The portfolio's figures: counts, DMA, readiness, AI, money and impact over every company.

A company is a company id; its *current* state is its latest draft (T1 over T0). Every
figure is a table of cells that know how many companies they stand for (`cells.py`), so
the shareable report can suppress small groups. docs/portfolio.md describes each one.

`build` runs the figure modules in the report's order: `overview.py` (counts, throughput),
`maturity.py` (DMA, gates, data for AI, cybersecurity), `ai_use.py` (use cases, horizons,
AI Act), `money.py` (investment, funding) and `impact.py` (T0 to T1); `models.py` holds
the figure, company and portfolio shapes, re-exported here."""

from __future__ import annotations

import datetime as dt

from dih_ai.portfolio.ai_use import ai_figures
from dih_ai.portfolio.impact import impact_figures, pairs
from dih_ai.portfolio.load import DraftRecord, Loaded
from dih_ai.portfolio.maturity import dma_figures, readiness_figures
from dih_ai.portfolio.models import STAGES, Company, Figure, Portfolio, cells_of
from dih_ai.portfolio.money import money_figures
from dih_ai.portfolio.overview import WINDOW_DAYS, busiest, counts_figures

__all__ = [
    "STAGES",
    "WINDOW_DAYS",
    "Company",
    "Figure",
    "Portfolio",
    "build",
    "busiest",
    "cells_of",
    "pairs",
]


def build(loaded: Loaded, made_on: dt.date | None = None) -> Portfolio:
    """Every figure of the portfolio report from the loaded drafts."""
    by_id: dict[str, dict[str, DraftRecord]] = {}
    for record in loaded.drafts:
        by_id.setdefault(record.company_id, {})[record.stage] = record
    companies = [Company(cid, recs) for cid, recs in sorted(by_id.items())]
    portfolio = Portfolio(companies, loaded.drafts, [], loaded.skipped)
    if made_on:
        portfolio.made_on = made_on
    for make in (counts_figures, dma_figures, readiness_figures, ai_figures, money_figures):
        portfolio.figures += make(portfolio)
    portfolio.figures += impact_figures(portfolio)
    return portfolio
