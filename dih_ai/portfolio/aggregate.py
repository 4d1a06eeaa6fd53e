"""The portfolio's figures: counts, DMA, readiness, AI, money and impact over every company.

A company is a company id; its *current* state is its latest draft (T1 over T0). Every
figure is a table of cells that know how many companies they stand for (`cells.py`), so
the shareable report can suppress small groups. docs/portfolio.md describes each one."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dih_ai.assessment.models import Assessment
from dih_ai.portfolio.cells import (
    Cell,
    Count,
    Label,
    Money,
    Percent,
    Share,
    Stats,
    protect_partition,
)
from dih_ai.portfolio.fields import (
    HORIZONS,
    data_file,
    dma_band,
    dma_overall,
    dma_scores,
    english,
    funding_items,
    funding_names,
    gates,
    grant,
    initiatives,
    label,
    metric_label,
    names,
    range_eur,
    touches_staff,
    use_case_label,
)
from dih_ai.portfolio.load import DraftRecord, Loaded, Skipped
from dih_ai.vocab import CYBER_FUNCTIONS, DATA_FOR_AI_DIMENSIONS, DMA_DIMENSIONS

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
        return self.records[max(self.records, key=_stage_rank)]

    @property
    def profile(self) -> Assessment | None:
        """The latest assessment found for the company (None when none was found)."""
        for stage in sorted(self.records, key=_stage_rank, reverse=True):
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


def _stage_rank(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else -1


def _counts(values: list[str], order: list[str] | None = None) -> list[tuple[str, Count]]:
    counter = Counter(values)
    keys = order or sorted(counter, key=lambda k: (-counter[k], k))
    cells = [(k, Count(counter[k])) for k in keys if counter[k]]
    protect_partition([c for _, c in cells])
    return cells


def _distribution(
    fid: str,
    title: str,
    how: str,
    head: str,
    values: list[str],
    names: dict[str, str] | None = None,
    order: list[str] | None = None,
) -> Figure:
    total = len(values)
    names = names or {}
    rows: list[list[Any]] = [
        [Label(names.get(k, k.replace("_", " "))), c, Percent(c.n, total, hidden=c.hidden)]
        for k, c in _counts(values, order)
    ]
    return Figure(fid, title, how, [head, "companies", "share"], rows, chart="bar", partition=True)


def build(loaded: Loaded, made_on: dt.date | None = None) -> Portfolio:
    """Every figure of the portfolio report from the loaded drafts."""
    by_id: dict[str, dict[str, DraftRecord]] = {}
    for record in loaded.drafts:
        by_id.setdefault(record.company_id, {})[record.stage] = record
    companies = [Company(cid, recs) for cid, recs in sorted(by_id.items())]
    portfolio = Portfolio(companies, loaded.drafts, [], loaded.skipped)
    if made_on:
        portfolio.made_on = made_on
    for make in (_counts_figures, _dma_figures, _readiness_figures, _ai_figures, _money_figures):
        portfolio.figures += make(portfolio)
    portfolio.figures += _impact_figures(portfolio)
    return portfolio


def _profile_value(company: Company, attr: str) -> str:
    profile = company.profile
    value = getattr(profile.company, attr, None) if profile is not None else None
    return str(value) if value else "not given" if profile is not None else "no assessment"


def _counts_figures(p: Portfolio) -> list[Figure]:
    n = len(p.companies)
    with_cyber = sum(1 for c in p.companies if c.profile and c.profile.cybersecurity)
    with_data = sum(1 for c in p.companies if c.profile and c.profile.data_for_ai)
    with_ai = sum(1 for c in p.companies if any(i.get("use_case") for i in initiatives(c.latest)))
    twice = sum(1 for c in p.companies if len(c.records) > 1)
    overview = Figure(
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
    for key, cell in _counts(stage_values, order=[s for s in STAGES if s in stage_values]):
        stages.rows.append([Label(key), cell, Percent(cell.n, len(p.drafts), hidden=cell.hidden)])
    figures = [overview, stages]
    for fid, title, attr, head, group in (
        ("by_sector", "Companies by sector", "sector", "sector", "sectors"),
        ("by_size", "Companies by size band", "size_band", "size band", "size_bands"),
        ("by_province", "Companies by province", "province", "province", ""),
    ):
        values = [_profile_value(c, attr) for c in p.companies]
        how = "each company once, from its latest assessment"
        figures.append(_distribution(fid, title, how, head, values, names(group)))
    figures.append(_throughput(p))
    return figures


WINDOW_DAYS = 70


def busiest(dates: list[dt.date], days: int = WINDOW_DAYS) -> int:
    """The most drafts dated within any `days` consecutive days."""
    ordered = sorted(dates)
    best, start = 0, 0
    for end, day in enumerate(ordered):
        while (day - ordered[start]).days >= days:
            start += 1
        best = max(best, end - start + 1)
    return best


def _throughput(p: Portfolio) -> Figure:
    dates = [r.when for r in p.drafts if r.when]
    sources = Counter(r.when_from for r in p.drafts)
    how = (
        "drafts per ISO week (weeks without drafts are left out of the table), dated by "
        + ", ".join(f"{k.replace('_', ' ')} ({v})" for k, v in sorted(sources.items()))
    )
    rows: list[list[Any]] = []
    if dates:
        counter = Counter(d - dt.timedelta(days=d.weekday()) for d in dates)
        cells = []
        for monday in sorted(counter):
            year, week, _ = monday.isocalendar()
            cell = Count(counter[monday])
            cells.append(cell)
            rows.append([Label(f"{year}-W{week:02d} ({monday.isoformat()})"), cell])
        protect_partition(cells)
        weeks = (max(counter) - min(counter)).days // 7 + 1
        rows.append([Label("weeks from the first draft to the last"), Label(str(weeks))])
        rows.append(
            [Label(f"most drafts in {WINDOW_DAYS} consecutive days"), Count(busiest(dates))]
        )
    fig = Figure("throughput", "Drafts per week", how, ["week", "drafts"], rows, chart="weeks")
    if dates:
        fig.series = [(monday, row[1]) for monday, row in zip(sorted(counter), rows, strict=False)]
    return fig


def _current(p: Portfolio) -> list[DraftRecord]:
    return [c.latest for c in p.companies]


def _dma_figures(p: Portfolio) -> list[Figure]:
    current = _current(p)
    band_order = [b["id"] for b in data_file("readiness.yaml").get("dma_bands", [])]
    bands = [dma_band(r) or "unknown" for r in current]
    band_names = {
        b["id"]: english(b, b["id"]) for b in data_file("readiness.yaml").get("dma_bands", [])
    }
    band_fig = _distribution(
        "dma_bands",
        "DMA bands (latest assessment)",
        "each company's overall DMA score (mean of the six dimensions) in the bands of "
        "data/readiness.yaml",
        "band",
        bands,
        band_names,
        order=[b for b in [*band_order, "unknown"] if b in bands],
    )
    rows = []
    scores = [dma_scores(r) for r in current]
    for dim in DMA_DIMENSIONS:
        values = [s[dim] for s in scores if dim in s]
        rows.append([Label(metric_label(f"dma.{dim}")), Stats.of(values)])
    overall = [v for v in (dma_overall(r) for r in current) if v is not None]
    rows.append([Label("overall"), Stats.of(overall)])
    dims = Figure(
        "dma_dimensions",
        "DMA dimensions: mean and spread (0-100)",
        "over each company's latest assessment: mean, standard deviation, median and "
        "inter-quartile range",
        ["dimension", "mean", "sd", "median", "IQR", "companies"],
        rows,
        chart="radar",
    )
    return [band_fig, dims]


def _readiness_figures(p: Portfolio) -> list[Figure]:
    current = _current(p)
    titles = {
        gid: english(spec.get("title"), gid)
        for gid, spec in (data_file("readiness.yaml").get("gates") or {}).items()
    }
    gate_ids = list(titles)
    for r in current:
        gate_ids += [g for g in gates(r) if g not in gate_ids]
    rows = []
    for gid in gate_ids:
        known = [gates(r)[gid] for r in current if gid in gates(r)]
        rows.append([Label(titles.get(gid, gid)), Share(sum(not ok for ok in known), len(known))])
    gate_fig = Figure(
        "gates",
        "Readiness gates: companies failing each",
        "share of companies whose latest draft fails the gate (a gate not assessed fails)",
        ["gate", "companies failing"],
        rows,
        chart="bar",
    )
    data_rows = []
    for dim in DATA_FOR_AI_DIMENSIONS:
        values = [
            float(getattr(c.profile.data_for_ai.levels, dim))
            for c in p.companies
            if c.profile is not None and c.profile.data_for_ai is not None
        ]
        data_rows.append([Label(metric_label(f"data.{dim}")), Stats.of(values)])
    data_rows.sort(key=lambda row: row[1].value() if row[1].values else 99)
    data_fig = Figure(
        "data_for_ai",
        "Data for AI: weakest dimensions first (levels 1-5)",
        "mean level per dimension over the companies with a data-for-AI assessment",
        ["dimension", "mean", "sd", "median", "IQR", "companies"],
        data_rows,
        chart="hbar",
    )
    cyber_rows = []
    for fn in CYBER_FUNCTIONS:
        values = [
            float(getattr(c.profile.cybersecurity.functions, fn))
            for c in p.companies
            if c.profile is not None and c.profile.cybersecurity is not None
        ]
        cyber_rows.append([Label(metric_label(f"cyber.{fn}")), Stats.of(values)])
    cyber_rows.sort(key=lambda row: row[1].value() if row[1].values else 999)
    cyber_fig = Figure(
        "cybersecurity",
        "Cybersecurity: weakest functions first (0-100)",
        "mean score per NIST CSF 2.0 / FNCDP function over the companies with a "
        "cybersecurity assessment",
        ["function", "mean", "sd", "median", "IQR", "companies"],
        cyber_rows,
        chart="hbar",
    )
    return [gate_fig, data_fig, cyber_fig]


def _ai_figures(p: Portfolio) -> list[Figure]:
    sectors = sorted({_profile_value(c, "sector") for c in p.companies})
    per_company = {c.id: initiatives(c.latest) for c in p.companies}
    use_cases = Counter(
        uc
        for items in per_company.values()
        for uc in {i.get("use_case") for i in items if isinstance(i.get("use_case"), str)}
    )
    order = sorted(use_cases, key=lambda u: (-use_cases[u], u))
    rows = []
    for sector in sectors:
        members = [c for c in p.companies if _profile_value(c, "sector") == sector]
        row: list[Any] = [Label(names("sectors").get(sector, sector)), Count(len(members))]
        for uc in order:
            having = sum(any(i.get("use_case") == uc for i in per_company[c.id]) for c in members)
            row.append(Count(having, base=len(members)))
        rows.append(row)
    heat = Figure(
        "use_cases_by_sector",
        "AI use cases proposed, by sector (companies)",
        "companies of the sector whose latest roadmap proposes the use case",
        ["sector", "companies", *(use_case_label(u) for u in order)],
        rows,
        chart="heat",
    )
    horizon_rows = []
    for horizon in HORIZONS:
        items = [(cid, i) for cid, its in per_company.items() for i in its]
        on = [(cid, i) for cid, i in items if i.get("horizon") == horizon]
        holders = {cid for cid, _ in on}
        uc = sum(1 for _, i in on if i.get("use_case"))
        horizon_rows.append(
            [
                Label(label("horizons", horizon)),
                Count(len(on), base=len(holders)),
                Count(uc, base=len(holders)),
                Count(len(on) - uc, base=len(holders)),
                Count(len(holders)),
            ]
        )
    horizons = Figure(
        "initiatives_by_horizon",
        "Initiatives by horizon",
        "initiatives of the latest roadmaps; use cases and enablers (AI literacy, data, "
        "security, skills, strategy)",
        ["horizon", "initiatives", "use cases", "enablers", "companies"],
        horizon_rows,
        chart="bar",
    )
    n = len(p.companies)

    def having(test: Any) -> Share:
        return Share(sum(any(test(i) for i in per_company[c.id]) for c in p.companies), n)

    exposure = Figure(
        "ai_act",
        "AI Act exposure",
        "companies whose latest roadmap has at least one such initiative",
        ["exposure", "companies"],
        [
            [
                Label("transparency duties (art. 50): an initiative classed 'limited'"),
                having(lambda i: i.get("ai_act_risk") == "limited"),
            ],
            [
                Label("high-risk candidates: an initiative classed 'high' (or 'prohibited')"),
                having(lambda i: i.get("ai_act_risk") in ("high", "prohibited")),
            ],
            [
                Label("worker-monitoring conditions: an initiative that processes workers' data"),
                having(touches_staff),
            ],
        ],
        chart="bar",
    )
    return [heat, horizons, exposure]


def _money_figures(p: Portfolio) -> list[Figure]:
    per_company = {c.id: initiatives(c.latest) for c in p.companies}
    with_cost = sum(1 for its in per_company.values() for i in its if range_eur(i.get("cost_eur")))
    with_grant = sum(1 for its in per_company.values() for i in its if grant(i))
    if not with_cost:
        p.notes.append("investment: the drafts carry no cost_eur; the money figures are left out")
    if not with_grant:
        p.notes.append(
            "funding: these drafts carry no funding estimates (funding_estimate_eur, drafts of "
            "earlier versions); the estimated funding and net cost columns are left out"
        )

    def money(pairs: list[tuple[str, dict[str, Any]]], of: Any) -> Money:
        ranges = [(cid, r) for cid, i in pairs if (r := of(i))]
        return Money(
            len({cid for cid, _ in ranges}),
            low=sum(r[0] for _, r in ranges),
            high=sum(r[1] for _, r in ranges),
        )

    def cost(i: dict[str, Any]) -> tuple[float, float] | None:
        return range_eur(i.get("cost_eur"))

    def net(i: dict[str, Any]) -> tuple[float, float] | None:
        spend, funds = cost(i), grant(i) or (0.0, 0.0)
        return (spend[0] - funds[0], spend[1] - funds[1]) if spend else None

    extra = ["estimated funding", "net cost"] if with_grant else []

    def row_of(name: str, pairs: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        row: list[Any] = [Label(name), money(pairs, cost)]
        return row + ([money(pairs, grant), money(pairs, net)] if with_grant else [])

    all_pairs = [(cid, i) for cid, its in per_company.items() for i in its]
    horizon_rows = [
        row_of(label("horizons", h), [(c, i) for c, i in all_pairs if i.get("horizon") == h])
        for h in HORIZONS
    ]
    horizon_rows.append(row_of("all horizons", all_pairs))
    by_horizon = Figure(
        "money_by_horizon",
        "Estimated investment by horizon",
        "sum of the initiatives' typical cost ranges (cost_eur, low-high)"
        + (
            ", of their estimated funding (grants, tax and loan benefits: funding_estimate_eur) "
            "and the net cost (cost less funding)"
            if with_grant
            else ""
        ),
        ["horizon", "investment", *extra],
        horizon_rows,
        chart="money",
    )
    names = funding_names()
    measures: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for cid, i in all_pairs:
        for item in funding_items(i):
            measures.setdefault(item["id"], []).append((cid, i))
    measure_rows = []
    for mid, pairs in sorted(measures.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        companies = {cid for cid, _ in pairs}
        row = [Label(names.get(mid, mid)), Count(len(pairs), base=len(companies))]
        row += [Count(len(companies)), money(pairs, cost)]
        if with_grant:
            row.append(money(pairs, grant))
        measure_rows.append(row)
    by_measure = Figure(
        "money_by_measure",
        "Funding measures proposed",
        "initiatives naming the measure, their companies and the cost of those initiatives"
        + (" and their estimated funding (from all their measures)" if with_grant else "")
        + "; an initiative naming two measures counts under both",
        ["measure", "initiatives", "companies", "investment"]
        + (["their estimated funding"] if with_grant else []),
        measure_rows,
    )
    return [by_horizon, by_measure]


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
        readiness = t1.data.get("readiness") or {}
        given = readiness.get("dma_change")
        if (
            isinstance(given, dict)
            and readiness.get("baseline_stage") in (None, "T0")
            and all(isinstance(given.get(d), int | float) for d in DMA_DIMENSIONS)
        ):
            out[c.id] = {k: float(v) for k, v in given.items() if isinstance(v, int | float)}
    return out


def _impact_figures(p: Portfolio) -> list[Figure]:
    changes = pairs(p)
    rows = []
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


def cells_of(fig: Figure) -> list[Cell]:
    """Every value cell of a figure."""
    return [c for row in fig.rows for c in row if isinstance(c, Cell)]
