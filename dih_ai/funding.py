"""Funding that is open and fits: which measures of `data/funding.yaml` a company may use on
the drafting date, the one or two that fit each initiative best, and what they are worth.

Deterministic and explained; every figure is an estimate computed from the entry's
`intensity`, `cap_eur` and spend limits, never a promise."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from dih_ai.assessment.models import Assessment
from dih_ai.i18n import localised, phrase
from dih_ai.knowledge import as_date
from dih_ai.resources import load_data
from dih_ai.vocab import Language

MAX_PER_INITIATIVE = 2
CLOSING_SOON_DAYS = 60
CASH_AIDS = ("grant", "service")
DEFERRED_AIDS = ("tax", "loan")

Status = Literal["open", "announced", "closed"]


class FundingEntry(BaseModel):
    """A funding measure as the draft shows it: open or announced on `as_of`, or closed (in
    the watch list), in the draft's language."""

    id: str
    name: str
    issuer: str
    aid: str = Field(description="grant | tax | loan | service")
    covers: str
    intensity: str
    rate: float | None = Field(default=None, description="share of the eligible cost returned")
    cap_eur: int | None = None
    min_spend_eur: int | None = None
    kinds: list[str]
    capital_goods_only: bool = False
    status: Status
    valid_to: dt.date | None = Field(default=None, description="closing date, if any")
    closing_soon: bool = False
    condition: str | None = None
    note: str | None = Field(default=None, description="why it is watched, for closed calls")
    source: str
    checked_on: dt.date
    only_for: list[str] = Field(default_factory=list)


def status_on(entry: dict[str, Any], on: dt.date) -> Status:
    """Whether a measure is open, announced (approved, opening date not set) or closed on
    `on`, from its dates: a draft of an earlier date sees the calls open then."""
    exhausted = as_date(entry.get("funds_exhausted"))
    opens, closes = as_date(entry.get("opens")), as_date(entry.get("closes"))
    if (exhausted and exhausted <= on) or (closes and on > closes):
        return "closed"
    if entry.get("status") == "announced":
        return "announced"
    if opens and on < opens:
        return "closed"  # not yet open, and not announced
    if entry.get("status") == "closed" and not closes:
        return "closed"
    return "open"


def eligible(entry: dict[str, Any], assessment: Assessment) -> bool:
    """The company's territory, size band and sector qualify for the measure."""
    company = assessment.company
    if company.size_band not in entry.get("sizes", []):
        return False
    territory = entry.get("territory") or {}
    regions, provinces = territory.get("regions") or [], territory.get("provinces") or []
    if regions and company.region not in regions:
        return False
    if provinces and (company.province or "").upper() not in provinces:
        return False
    sectors = entry.get("sectors") or []
    return not sectors or company.sector in sectors


def _entry(
    raw: dict[str, Any], status: Status, on: dt.date, language: Language, asked: bool = False
) -> FundingEntry:
    closes = as_date(raw.get("closes"))
    note = None
    if status == "closed":
        if raw.get("next_edition") == "unknown":
            note = phrase("funding_watch_note", language)
        elif asked:  # the goals or notes ask about it: say why it is closed
            detail = localised(raw["intensity_text"], language)
            note = phrase("funding_asked_note", language, detail=detail)
        else:
            note = phrase("funding_closed_note", language)
    return FundingEntry(
        id=raw["id"],
        name=localised(raw["name"], language),
        issuer=str(raw["issuer"]),
        aid=raw["aid"],
        covers=localised(raw["covers_text"], language),
        intensity=localised(raw["intensity_text"], language),
        rate=raw.get("intensity"),
        cap_eur=raw.get("cap_eur"),
        min_spend_eur=raw.get("min_spend_eur"),
        kinds=list(raw["covers"]),
        capital_goods_only=raw.get("for") == "capital_goods",
        status=status,
        valid_to=closes,
        closing_soon=bool(status == "open" and closes and (closes - on).days <= CLOSING_SOON_DAYS),
        condition=localised(raw["condition"], language) if raw.get("condition") else None,
        note=note,
        source=str(raw["source"]),
        checked_on=as_date(raw["checked_on"]) or on,
    )


def measures_for(
    assessment: Assessment, as_of: dt.date, mentioned: str = ""
) -> tuple[list[FundingEntry], list[FundingEntry]]:
    """(offered, watched): the measures open or announced on `as_of` that the company
    qualifies for; and the closed ones it would qualify for whose new edition is worth
    watching, or that its goals or notes (`mentioned`) ask about."""
    language = assessment.language
    offered: list[FundingEntry] = []
    watched: list[FundingEntry] = []
    text = mentioned.lower()
    for raw in load_data("funding.yaml")["funding"]:
        status = status_on(raw, as_of)
        asked = any(m in text for m in raw.get("mentions", []))
        if not eligible(raw, assessment) and not asked:
            continue
        if status == "closed":
            if raw.get("next_edition") == "unknown" or asked:
                watched.append(_entry(raw, status, as_of, language, asked))
            continue
        offered.append(_entry(raw, status, as_of, language))
    return offered, watched


def benefit(entry: FundingEntry, cost: tuple[int, int], capital_share: float) -> tuple[int, int]:
    """The estimated grant or cash-equivalent benefit of `entry` on a cost range (0, 0 when
    it is not estimated, e.g. subsidised services, or the spend is below its minimum)."""
    if entry.rate is None:
        return (0, 0)
    # the part of the cost the measure pays for: goods and software, services, or both
    goods = bool({"technology", "software"} & set(entry.kinds))
    services = bool({"consulting", "training", "assessment"} & set(entry.kinds))
    share = (capital_share if goods else 0.0) + (1 - capital_share if services else 0.0)
    out = []
    for value in cost:
        eligible_cost = value * share
        if entry.min_spend_eur and eligible_cost < entry.min_spend_eur:
            out.append(0)
            continue
        amount = eligible_cost * entry.rate
        if entry.cap_eur:
            amount = min(amount, entry.cap_eur)
        out.append(int(round(amount, -2)))
    return (out[0], out[1])


def choose(
    kinds: list[str],
    cost: tuple[int, int],
    capital_goods: bool,
    capital_share: float,
    offered: list[FundingEntry],
) -> list[FundingEntry]:
    """The one or two best-fit measures for an initiative: the best grant or subsidised
    service, and for capital goods the best tax or loan measure."""
    fits = [
        f
        for f in offered
        if set(kinds) & set(f.kinds) and (capital_goods or not f.capital_goods_only)
    ]

    def value(f: FundingEntry) -> tuple[int, int]:
        low, high = benefit(f, cost, capital_share)
        reachable = 0 if f.rate is not None and high == 0 else 1
        return (reachable, (low + high) // 2 + (1 if f.status == "open" else 0))

    cash = sorted((f for f in fits if f.aid in CASH_AIDS), key=value, reverse=True)
    deferred = sorted((f for f in fits if f.aid in DEFERRED_AIDS), key=value, reverse=True)
    picked = [f for f in cash[:1] if value(f)[0]] + [f for f in deferred[:1] if value(f)[0]]
    return picked[:MAX_PER_INITIATIVE]
