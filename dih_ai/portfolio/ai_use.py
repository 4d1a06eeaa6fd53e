"""The AI in the roadmaps: use cases proposed by sector, initiatives by horizon, and the
companies exposed to AI Act duties."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from dih_ai.portfolio.cells import Count, Label, Share
from dih_ai.portfolio.fields import (
    HORIZONS,
    initiatives,
    label,
    names,
    touches_staff,
    use_case_label,
)
from dih_ai.portfolio.models import Figure, Portfolio, profile_value

Items = dict[str, list[dict[str, Any]]]  # company id -> the initiatives of its latest draft


def _use_cases(items: list[dict[str, Any]]) -> set[str]:
    return {uc for i in items if isinstance(uc := i.get("use_case"), str)}


def _use_cases_by_sector(p: Portfolio, per_company: Items) -> Figure:
    sectors = sorted({profile_value(c, "sector") for c in p.companies})
    use_cases = Counter(uc for items in per_company.values() for uc in _use_cases(items))
    order = sorted(use_cases, key=lambda u: (-use_cases[u], u))
    rows = []
    for sector in sectors:
        members = [c for c in p.companies if profile_value(c, "sector") == sector]
        row: list[Any] = [Label(names("sectors").get(sector, sector)), Count(len(members))]
        for uc in order:
            having = sum(any(i.get("use_case") == uc for i in per_company[c.id]) for c in members)
            row.append(Count(having, base=len(members)))
        rows.append(row)
    return Figure(
        "use_cases_by_sector",
        "AI use cases proposed, by sector (companies)",
        "companies of the sector whose latest roadmap proposes the use case",
        ["sector", "companies", *(use_case_label(u) for u in order)],
        rows,
        chart="heat",
    )


def _by_horizon(per_company: Items) -> Figure:
    rows: list[list[Any]] = []
    items = [(cid, i) for cid, its in per_company.items() for i in its]
    for horizon in HORIZONS:
        on = [(cid, i) for cid, i in items if i.get("horizon") == horizon]
        holders = {cid for cid, _ in on}
        uc = sum(1 for _, i in on if i.get("use_case"))
        rows.append(
            [
                Label(label("horizons", horizon)),
                Count(len(on), base=len(holders)),
                Count(uc, base=len(holders)),
                Count(len(on) - uc, base=len(holders)),
                Count(len(holders)),
            ]
        )
    return Figure(
        "initiatives_by_horizon",
        "Initiatives by horizon",
        "initiatives of the latest roadmaps; use cases and enablers (AI literacy, data, "
        "security, skills, strategy)",
        ["horizon", "initiatives", "use cases", "enablers", "companies"],
        rows,
        chart="bar",
    )


def _exposure(p: Portfolio, per_company: Items) -> Figure:
    n = len(p.companies)

    def having(test: Callable[[dict[str, Any]], bool]) -> Share:
        return Share(sum(any(test(i) for i in per_company[c.id]) for c in p.companies), n)

    return Figure(
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


def ai_figures(p: Portfolio) -> list[Figure]:
    """Use cases proposed by sector, initiatives by horizon, AI Act exposure."""
    per_company = {c.id: initiatives(c.latest) for c in p.companies}
    return [
        _use_cases_by_sector(p, per_company),
        _by_horizon(per_company),
        _exposure(p, per_company),
    ]
