"""The portfolio's shapes: a figure (one table of the report), a company with its drafts by
stage, the portfolio, and the small tables every figure module builds on."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dih_ai.assessment.models import Assessment
from dih_ai.portfolio.cells import Cell, Count, Label, Percent, protect_partition
from dih_ai.portfolio.load import DraftRecord, Skipped

STAGES = ("T0", "T1", "T2")


@dataclass
class Figure:
    """One table of the report (and the chart drawn from it)."""

    id: str
    title: str
    how: str
    columns: list[str]
    rows: list[list[Any]]
    chart: str | None = None
    partition: bool = False
    series: list[tuple[dt.date, Cell]] = field(default_factory=list)  # weekly charts


@dataclass
class Company:
    """One company of the portfolio: its drafts by stage and the latest one."""

    id: str
    records: dict[str, DraftRecord]

    @property
    def latest(self) -> DraftRecord:
        """The draft of the company's latest stage."""
        return self.records[max(self.records, key=stage_rank)]

    @property
    def profile(self) -> Assessment | None:
        """The latest assessment found for the company (None when none was found)."""
        for stage in sorted(self.records, key=stage_rank, reverse=True):
            if self.records[stage].assessment is not None:
                return self.records[stage].assessment
        return None


@dataclass
class Portfolio:
    """The figures of a portfolio, the companies behind them, what was skipped and why."""

    companies: list[Company]
    drafts: list[DraftRecord]
    figures: list[Figure]
    skipped: list[Skipped]
    notes: list[str] = field(default_factory=list)
    made_on: dt.date = field(default_factory=dt.date.today)

    def figure(self, figure_id: str) -> Figure:
        """The figure with this id."""
        for fig in self.figures:
            if fig.id == figure_id:
                return fig
        raise KeyError(figure_id)


def stage_rank(stage: str) -> int:
    """A stage's place in T0, T1, T2 (-1 for any other)."""
    return STAGES.index(stage) if stage in STAGES else -1


def cells_of(fig: Figure) -> list[Cell]:
    """Every value cell of a figure."""
    return [c for row in fig.rows for c in row if isinstance(c, Cell)]


def current(p: Portfolio) -> list[DraftRecord]:
    """Each company's latest draft."""
    return [c.latest for c in p.companies]


def profile_value(company: Company, attr: str) -> str:
    """A field of the company's latest assessment ("not given", "no assessment")."""
    profile = company.profile
    value = getattr(profile.company, attr, None) if profile is not None else None
    return str(value) if value else "not given" if profile is not None else "no assessment"


def counts(values: list[str], order: list[str] | None = None) -> list[tuple[str, Count]]:
    """How many times each value occurs (most frequent first, or in `order`), the counts
    protected as one partition."""
    counter = Counter(values)
    keys = order or sorted(counter, key=lambda k: (-counter[k], k))
    cells = [(k, Count(counter[k])) for k in keys if counter[k]]
    protect_partition([c for _, c in cells])
    return cells


def distribution(
    fid: str,
    title: str,
    how: str,
    head: str,
    values: list[str],
    names: dict[str, str] | None = None,
    order: list[str] | None = None,
) -> Figure:
    """A bar figure of companies per value, with shares."""
    total = len(values)
    names = names or {}
    rows: list[list[Any]] = [
        [Label(names.get(k, k.replace("_", " "))), c, Percent(c.n, total, hidden=c.hidden)]
        for k, c in counts(values, order)
    ]
    return Figure(fid, title, how, [head, "companies", "share"], rows, chart="bar", partition=True)
