"""What initiatives cost, sized to the firm, what funding they can get, and the budget per
horizon."""

from __future__ import annotations

from typing import Any

from dih_ai.draft import Initiative
from dih_ai.funding import FundingEntry, benefit, choose
from dih_ai.matching import catalogue
from dih_ai.plan.horizons import HORIZONS
from dih_ai.plan.models import BudgetRow

USE_CASE_FUNDING_KINDS = ["technology", "software", "consulting"]


def scaled_cost(cost: list[int], size_band: str) -> tuple[int, int]:
    """A catalogue cost range scaled to the size band, in steps of 500 euros."""
    factor = catalogue()["sizing"][size_band]
    low, high = (max(500, round(c * factor / 500.0) * 500) for c in cost)
    return (low, high)


def funding_for(
    kinds: list[str],
    cost: tuple[int, int],
    spec: dict[str, Any],
    offered: list[FundingEntry],
) -> tuple[list[str], tuple[int, int] | None]:
    """The offered measures that fit an initiative, and their estimated benefit (at most its
    cost; None when none is estimated)."""
    share = float(spec.get("capital_share", 0.0))
    picked = choose(kinds, cost, bool(spec.get("capital_goods")), share, offered)
    if not picked:
        return [], None
    amounts = [benefit(f, cost, share) for f in picked]
    low, high = sum(a[0] for a in amounts), sum(a[1] for a in amounts)
    if not high:
        return [f.id for f in picked], None
    return [f.id for f in picked], (min(low, cost[0]), min(high, cost[1]))


def budget(initiatives: list[Initiative]) -> list[BudgetRow]:
    """Cost, estimated funding and net cost per horizon, and the total ("total")."""
    rows = []
    for horizon in (*HORIZONS, "total"):
        costs: list[tuple[int, int]] = []
        funds: list[tuple[int, int]] = []
        for i in initiatives:
            if horizon in ("total", i.horizon) and i.cost_eur:
                costs.append(i.cost_eur)
                funds.append(i.funding_estimate_eur or (0, 0))
        cost = (sum(c[0] for c in costs), sum(c[1] for c in costs))
        funding = (sum(f[0] for f in funds), sum(f[1] for f in funds))
        net = (cost[0] - funding[0], cost[1] - funding[1])
        rows.append(BudgetRow(horizon=horizon, cost=cost, funding=funding, net=net))
    return rows
