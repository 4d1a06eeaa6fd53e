"""The chosen use cases as initiatives: on which horizon, after which prerequisites, at what
cost and funding, and why there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from dih_ai.assessment.models import Assessment
from dih_ai.draft import Initiative
from dih_ai.funding import FundingEntry
from dih_ai.i18n import localised, phrase
from dih_ai.matching import catalogue, goal_matches
from dih_ai.plan.costs import USE_CASE_FUNDING_KINDS, funding_for, scaled_cost
from dih_ai.plan.horizons import earliest_horizon, placement, sequenced
from dih_ai.plan.kpis import catalogue_kpis
from dih_ai.plan.models import UseCaseChoice
from dih_ai.plan.use_cases import sensor_notes
from dih_ai.vocab import Horizon, UseCase

MACHINE_DATA_USE_CASES = {
    "predictive_maintenance",
    "energy_optimisation",
    "process_optimisation",
    "quality_prediction",
}
MANAGEMENT_DATA_USE_CASES = {
    "order_processing",
    "quoting",
    "demand_forecasting",
    "supply_chain",
    "traceability",
}


@dataclass
class _Starts:
    """The use cases started so far on each horizon, the last one there, and whether a firm
    in the basic band still has its one pilot free."""

    size_band: str
    started: dict[str, int] = field(default_factory=dict)
    last_start: dict[str, str] = field(default_factory=dict)
    pilot_free: bool = True

    def place(
        self, choice: UseCaseChoice, spec: dict[str, Any], basic: bool, mature: bool
    ) -> tuple[Horizon, tuple[str, str] | None]:
        """The horizon of the next use case, and (its earliest horizon, the use case that
        took the last start there) when sequencing moved it later."""
        low_cost = spec["effort"] != "high"
        pilot_free = self.pilot_free and low_cost
        first_goal = choice.priority == 0
        earliest = earliest_horizon(spec, choice.blocked_by, basic, pilot_free, mature, first_goal)
        horizon = sequenced(earliest, self.started, self.size_band)
        moved = (earliest, self.last_start[earliest]) if horizon != earliest else None
        self.last_start[horizon] = choice.title
        if basic and horizon == "6-18m":
            self.pilot_free = False
        return horizon, moved


def _prerequisites(
    use_case: str,
    blocked_titles: list[str],
    machine_data: Initiative | None,
    management: Initiative | None,
) -> list[str]:
    out = list(blocked_titles)
    if machine_data and use_case in MACHINE_DATA_USE_CASES:
        out.append(machine_data.title)
    if management and use_case in MANAGEMENT_DATA_USE_CASES:
        out.append(management.title)
    return list(dict.fromkeys(p for p in out if p))


def _goals_of(use_case: str, assessment: Assessment) -> list[str]:
    """The stated goals that ask for `use_case`."""
    return [m.text for m in goal_matches(assessment) if m.key == use_case]


def _initiative(
    choice: UseCaseChoice,
    horizon: Horizon,
    prerequisites: list[str],
    reason: str,
    assessment: Assessment,
    offered: list[FundingEntry],
) -> Initiative:
    """The use case as an initiative on `horizon`, sized and funded; `reason`: why there."""
    language = assessment.language
    spec = catalogue()["use_cases"][choice.use_case]
    description = localised(spec["value"], language)
    if choice.use_case in MACHINE_DATA_USE_CASES and sensor_notes(assessment):
        description += "; " + phrase("uses_sensors", language)
    cost = scaled_cost(spec["cost_eur"], assessment.company.size_band)
    funding, estimate = funding_for(USE_CASE_FUNDING_KINDS, cost, spec, offered)
    return Initiative(
        id=f"uc-{choice.use_case.replace('_', '-')}",
        title=choice.title,
        horizon=horizon,
        process_area=spec["process_area"],
        use_case=cast(UseCase, choice.use_case),  # a catalogue key; the model validates it
        description=description,
        prerequisites=prerequisites,
        kpis=catalogue_kpis(spec, language, assessment, _goals_of(choice.use_case, assessment)),
        ai_act_risk=spec["ai_act"]["class"],
        effort=spec["effort"],
        funding=funding,
        funding_estimate_eur=estimate,
        why="; ".join([*choice.reasons, reason]),
        cost_eur=cost,
    )


def use_case_initiatives(
    assessment: Assessment,
    chosen: list[UseCaseChoice],
    gate_titles: dict[str, str],
    basic: bool,
    offered: list[FundingEntry],
    machine_data: Initiative | None,
    management: Initiative | None = None,
    mature_band: bool = False,
) -> list[Initiative]:
    """The chosen use cases as initiatives, in the company's order of goals (the cheaper
    first among equals), each on the earliest horizon with room for it."""
    language = assessment.language
    specs = catalogue()["use_cases"]
    starts = _Starts(assessment.company.size_band)
    out = []
    ordered = sorted(
        chosen, key=lambda c: (c.priority, specs[c.use_case]["cost_eur"][0], c.use_case)
    )
    for choice in ordered:
        spec = specs[choice.use_case]
        blocked_titles = [gate_titles[g] for g in choice.blocked_by if g in gate_titles]
        horizon, moved = starts.place(choice, spec, basic, mature_band)
        high_risk = spec["ai_act"]["class"] == "high"
        reason = placement(
            horizon, blocked_titles, basic, language, high_risk, moved, spec["effort"]
        )
        prerequisites = _prerequisites(choice.use_case, blocked_titles, machine_data, management)
        out.append(_initiative(choice, horizon, prerequisites, reason, assessment, offered))
    return out
