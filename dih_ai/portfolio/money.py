"""The money in the roadmaps: estimated investment by horizon, with estimated funding and
net cost where the drafts carry them, and the funding measures proposed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dih_ai.portfolio.cells import Count, Label, Money
from dih_ai.portfolio.fields import (
    HORIZONS,
    funding_items,
    funding_names,
    grant,
    initiatives,
    label,
    range_eur,
)
from dih_ai.portfolio.models import Figure, Portfolio

Pair = tuple[str, dict[str, Any]]  # a company id and one initiative of its latest draft
RangeOf = Callable[[dict[str, Any]], tuple[float, float] | None]


def _money(pairs: list[Pair], of: RangeOf) -> Money:
    """The euro ranges `of` the initiatives added up, over the companies that have one."""
    ranges = [(cid, r) for cid, i in pairs if (r := of(i))]
    return Money(
        len({cid for cid, _ in ranges}),
        low=sum(r[0] for _, r in ranges),
        high=sum(r[1] for _, r in ranges),
    )


def _cost(i: dict[str, Any]) -> tuple[float, float] | None:
    return range_eur(i.get("cost_eur"))


def _net(i: dict[str, Any]) -> tuple[float, float] | None:
    spend, funds = _cost(i), grant(i) or (0.0, 0.0)
    return (spend[0] - funds[0], spend[1] - funds[1]) if spend else None


def _horizon_row(name: str, pairs: list[Pair], with_grant: bool) -> list[Any]:
    row: list[Any] = [Label(name), _money(pairs, _cost)]
    return row + ([_money(pairs, grant), _money(pairs, _net)] if with_grant else [])


def _by_horizon(pairs: list[Pair], with_grant: bool) -> Figure:
    rows = [
        _horizon_row(
            label("horizons", h), [(c, i) for c, i in pairs if i.get("horizon") == h], with_grant
        )
        for h in HORIZONS
    ]
    rows.append(_horizon_row("all horizons", pairs, with_grant))
    extra = ["estimated funding", "net cost"] if with_grant else []
    return Figure(
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
        rows,
        chart="money",
    )


def _by_measure(pairs: list[Pair], with_grant: bool) -> Figure:
    measure_names = funding_names()
    measures: dict[str, list[Pair]] = {}
    for cid, i in pairs:
        for item in funding_items(i):
            measures.setdefault(item["id"], []).append((cid, i))
    rows = []
    for mid, naming in sorted(measures.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        companies = {cid for cid, _ in naming}
        row = [Label(measure_names.get(mid, mid)), Count(len(naming), base=len(companies))]
        row += [Count(len(companies)), _money(naming, _cost)]
        if with_grant:
            row.append(_money(naming, grant))
        rows.append(row)
    return Figure(
        "money_by_measure",
        "Funding measures proposed",
        "initiatives naming the measure, their companies and the cost of those initiatives"
        + (" and their estimated funding (from all their measures)" if with_grant else "")
        + "; an initiative naming two measures counts under both",
        ["measure", "initiatives", "companies", "investment"]
        + (["their estimated funding"] if with_grant else []),
        rows,
    )


def money_figures(p: Portfolio) -> list[Figure]:
    """Investment by horizon and funding measures proposed; the notes say which columns the
    drafts cannot fill."""
    pairs = [(c.id, i) for c in p.companies for i in initiatives(c.latest)]
    with_cost = any(range_eur(i.get("cost_eur")) for _, i in pairs)
    with_grant = any(grant(i) for _, i in pairs)
    if not with_cost:
        p.notes.append("investment: the drafts carry no cost_eur; the money figures are left out")
    if not with_grant:
        p.notes.append(
            "funding: these drafts carry no funding estimates (funding_estimate_eur, drafts of "
            "earlier versions); the estimated funding and net cost columns are left out"
        )
    return [_by_horizon(pairs, with_grant), _by_measure(pairs, with_grant)]
