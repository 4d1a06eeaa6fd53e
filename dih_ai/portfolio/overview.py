"""The portfolio at a glance: companies and drafts, drafts by stage, companies by sector,
size band and province, and drafts per week."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from dih_ai.portfolio.cells import Count, Label, Percent, Share, protect_partition
from dih_ai.portfolio.fields import initiatives, names
from dih_ai.portfolio.models import STAGES, Figure, Portfolio, counts, distribution, profile_value

WINDOW_DAYS = 70


def _overview(p: Portfolio) -> Figure:
    n = len(p.companies)
    with_cyber = sum(1 for c in p.companies if c.profile and c.profile.cybersecurity)
    with_data = sum(1 for c in p.companies if c.profile and c.profile.data_for_ai)
    with_ai = sum(1 for c in p.companies if any(i.get("use_case") for i in initiatives(c.latest)))
    twice = sum(1 for c in p.companies if len(c.records) > 1)
    return Figure(
        "overview",
        "Portfolio at a glance",
        "companies are distinct company ids; drafts are the draft files read",
        ["", "count"],
        [
            [Label("companies"), Count(n)],
            [Label("drafts"), Count(len(p.drafts))],
            [Label("companies with an AI use case in their roadmap"), Share(with_ai, n)],
            [Label("companies with a cybersecurity assessment"), Share(with_cyber, n)],
            [Label("companies with a data-for-AI assessment"), Share(with_data, n)],
            [Label("companies assessed more than once"), Share(twice, n)],
        ],
    )


def _by_stage(p: Portfolio) -> Figure:
    stages = Figure(
        "by_stage",
        "Drafts by stage",
        "one draft per company and stage (T0 before the hub's support, T1/T2 after)",
        ["stage", "drafts", "share"],
        [],
        chart="bar",
        partition=True,
    )
    stage_values = [r.stage for r in p.drafts]
    for key, cell in counts(stage_values, order=[s for s in STAGES if s in stage_values]):
        stages.rows.append([Label(key), cell, Percent(cell.n, len(p.drafts), hidden=cell.hidden)])
    return stages


def counts_figures(p: Portfolio) -> list[Figure]:
    """Companies and drafts, drafts by stage, companies by sector, size band and province,
    and drafts per week."""
    figures = [_overview(p), _by_stage(p)]
    for fid, title, attr, head, group in (
        ("by_sector", "Companies by sector", "sector", "sector", "sectors"),
        ("by_size", "Companies by size band", "size_band", "size band", "size_bands"),
        ("by_province", "Companies by province", "province", "province", ""),
    ):
        values = [profile_value(c, attr) for c in p.companies]
        how = "each company once, from its latest assessment"
        figures.append(distribution(fid, title, how, head, values, names(group)))
    figures.append(throughput(p))
    return figures


def busiest(dates: list[dt.date], days: int = WINDOW_DAYS) -> int:
    """The most drafts dated within any `days` consecutive days."""
    ordered = sorted(dates)
    best, start = 0, 0
    for end, day in enumerate(ordered):
        while (day - ordered[start]).days >= days:
            start += 1
        best = max(best, end - start + 1)
    return best


def throughput(p: Portfolio) -> Figure:
    """Drafts per ISO week, the weeks from the first draft to the last and the busiest
    stretch of WINDOW_DAYS days."""
    dates = [r.when for r in p.drafts if r.when]
    sources = Counter(r.when_from for r in p.drafts)
    how = (
        "drafts per ISO week (weeks without drafts are left out of the table), dated by "
        + ", ".join(f"{k.replace('_', ' ')} ({v})" for k, v in sorted(sources.items()))
    )
    rows: list[list[Any]] = []
    fig = Figure("throughput", "Drafts per week", how, ["week", "drafts"], rows, chart="weeks")
    if not dates:
        return fig
    counter = Counter(d - dt.timedelta(days=d.weekday()) for d in dates)
    cells = []
    for monday in sorted(counter):
        year, week, _ = monday.isocalendar()
        cell = Count(counter[monday])
        cells.append(cell)
        rows.append([Label(f"{year}-W{week:02d} ({monday.isoformat()})"), cell])
    protect_partition(cells)
    fig.series = [(monday, cell) for monday, cell in zip(sorted(counter), cells, strict=True)]
    weeks = (max(counter) - min(counter)).days // 7 + 1
    rows.append([Label("weeks from the first draft to the last"), Label(str(weeks))])
    rows.append([Label(f"most drafts in {WINDOW_DAYS} consecutive days"), Count(busiest(dates))])
    return fig
