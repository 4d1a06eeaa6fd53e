"""Which horizon a use case starts in: its earliest from effort and readiness, then the
firm's room for new starts in each period, and the reason written for its placement."""

from __future__ import annotations

from typing import Any

from dih_ai.i18n import phrase
from dih_ai.plan.ai_act import annex_iii_date
from dih_ai.vocab import Horizon

HORIZONS: tuple[Horizon, ...] = ("0-6m", "6-18m", "18-36m")
# How many AI use cases a firm starts in one period, besides the enablers: one quick win in
# the first six months, then a number that grows with the firm's size.
STARTS_PER_HORIZON = {
    "0-6m": {"micro": 1, "small": 1, "medium": 1, "large": 2},
    "6-18m": {"micro": 1, "small": 2, "medium": 3, "large": 4},
}
# DMA bands whose firms have the data and the habits to pilot a medium-effort use case at once
MATURE_BANDS = {"moderately_advanced", "advanced"}


def earliest_horizon(
    spec: dict[str, Any],
    blocked: list[str],
    basic: bool,
    pilot_free: bool,
    mature: bool,
    first_goal: bool = False,
) -> Horizon:
    """The earliest horizon a use case can start in, from its effort and the gates it needs.
    A high-effort project starts within 18 months only as the company's first goal; any other
    waits for the results of the first projects."""
    if spec["ai_act"]["class"] == "high":  # its duties and governance come first
        return "18-36m"
    if basic:
        return "6-18m" if pilot_free else "18-36m"
    if spec["effort"] == "high" and not first_goal:
        return "18-36m"
    if not blocked:
        quick = spec["effort"] == "low" or (mature and spec["effort"] == "medium")
        return "0-6m" if quick else "6-18m"
    return "18-36m" if spec["effort"] == "high" else "6-18m"


def sequenced(earliest: Horizon, started: dict[str, int], size_band: str) -> Horizon:
    """The first horizon from `earliest` with room for one more start (see
    STARTS_PER_HORIZON), counted in `started`; the last horizon always has room."""
    for horizon in HORIZONS[HORIZONS.index(earliest) :]:
        cap = STARTS_PER_HORIZON.get(horizon, {}).get(size_band)
        if cap is None or started.get(horizon, 0) < cap:
            started[horizon] = started.get(horizon, 0) + 1
            return horizon
    return HORIZONS[-1]


def placement(
    horizon: str,
    blocked_titles: list[str],
    basic: bool,
    language: str,
    high_risk: bool = False,
    earlier: tuple[str, str] | None = None,
    effort: str = "low",
) -> str:
    """Why the use case sits on `horizon`; `earlier` = (its earliest horizon, the use case
    that took the last start there) when sequencing moved it later."""
    gates = ", ".join(blocked_titles)
    if high_risk:
        return phrase("place_high_risk", language, date=annex_iii_date(language))
    if basic:
        key = "place_pilot" if horizon == "6-18m" else "place_after_foundations"
        return phrase(key, language)
    if earlier:
        return phrase("place_sequenced", language, previous=earlier[1])
    if horizon == "0-6m":
        return phrase("place_quick_win" if effort == "low" else "place_mature_pilot", language)
    if not blocked_titles:
        return phrase(
            "place_after_first_results" if horizon == "18-36m" else "place_ready", language
        )
    key = "place_after_gates_long" if horizon == "18-36m" else "place_after_gates"
    return phrase(key, language, gates=gates)
