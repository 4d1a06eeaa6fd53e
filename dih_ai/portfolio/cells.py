"""The cells of the portfolio's tables and their small-cell suppression.

Every figure over companies is a cell that knows how many companies it stands for. In the
shareable report a cell standing for 1 or 2 companies, or computed over a group of fewer
than 3, shows "<3" instead of its value; in a table whose counts add up to a total shown
elsewhere, a single "<3" would be worked out by subtraction, so the next smallest count is
hidden too ("x"). The internal variant shows every value."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

MIN_CELL = 3
SMALL = "<3"
HIDDEN = "x"


def _num(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"


def euros(value: float) -> str:
    """A euro amount, in thousands above 10,000 (€12k, €1.2M)."""
    if abs(value) >= 1_000_000:
        return f"€{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"€{value / 1000:.0f}k"
    return f"€{value:,.0f}"


@dataclass
class Cell:
    """One value over `n` companies (`base`: the size of the group it is taken from)."""

    n: int
    base: int | None = None
    hidden: bool = False  # secondary suppression (set by `protect_partition`)

    def small(self) -> bool:
        """True when the shareable report must not show this value."""
        return 0 < self.n < MIN_CELL or (self.base is not None and self.base < MIN_CELL)

    def text(self, shareable: bool) -> str:
        """The value as shown: "<3"/"x" in the shareable report when it is too small."""
        if shareable and self.hidden:
            return HIDDEN
        if shareable and self.small():
            return SMALL
        return self.shown()

    def shown(self) -> str:
        return str(self.n)

    def number(self, shareable: bool) -> float | None:
        """The value for a chart or a spreadsheet; None when suppressed."""
        if shareable and (self.hidden or self.small()):
            return None
        return self.value()

    def value(self) -> float | None:
        return float(self.n)


@dataclass
class Count(Cell):
    """A number of companies (or of drafts, each of one company)."""


@dataclass
class Share(Cell):
    """`n` companies out of `base`, with the percentage."""

    def shown(self) -> str:
        pct = 100 * self.n / self.base if self.base else 0.0
        return f"{self.n} ({pct:.0f}%)"

    def value(self) -> float | None:
        return 100 * self.n / self.base if self.base else None


@dataclass
class Percent(Share):
    """The share of `base` that `n` companies make, as a percentage only."""

    def shown(self) -> str:
        return f"{100 * self.n / self.base:.0f}%" if self.base else "–"


@dataclass
class Stats(Cell):
    """Mean and spread of a score over `n` companies (hidden below 3, whatever the values)."""

    values: list[float] = field(default_factory=list)
    digits: int = 1

    @classmethod
    def of(cls, values: list[float], digits: int = 1) -> Stats:
        return cls(n=len(values), base=len(values), values=list(values), digits=digits)

    def small(self) -> bool:
        return self.n < MIN_CELL

    def text(self, shareable: bool) -> str:
        if not self.values:
            return "–"
        return super().text(shareable)

    def mean(self) -> float:
        return statistics.fmean(self.values)

    def sd(self) -> float:
        return statistics.stdev(self.values) if len(self.values) > 1 else 0.0

    def quartiles(self) -> tuple[float, float, float]:
        if len(self.values) < 2:
            v = self.values[0]
            return v, v, v
        q1, q2, q3 = statistics.quantiles(self.values, n=4, method="inclusive")
        return q1, q2, q3

    def shown(self) -> str:
        return _num(self.mean(), self.digits)

    def value(self) -> float | None:
        return self.mean() if self.values else None

    def spread(self, shareable: bool) -> dict[str, str]:
        """SD, median and inter-quartile range as shown ("<3" when too few companies)."""
        if not self.values or (shareable and self.small()):
            mark = SMALL if self.values else "–"
            return {"sd": mark, "median": mark, "iqr": mark}
        q1, q2, q3 = self.quartiles()
        d = self.digits
        return {
            "sd": _num(self.sd(), d),
            "median": _num(q2, d),
            "iqr": f"{_num(q1, d)}–{_num(q3, d)}",
        }


@dataclass
class Money(Cell):
    """A euro range (low-high) added up over `n` companies."""

    low: float = 0.0
    high: float = 0.0

    def shown(self) -> str:
        if self.n == 0:
            return "–"
        if round(self.low) == round(self.high):
            return euros(self.low)
        return f"{euros(self.low)}–{euros(self.high)}"

    def value(self) -> float | None:
        return (self.low + self.high) / 2 if self.n else None


@dataclass
class Label:
    """A row or column label (never suppressed)."""

    text_: str

    def text(self, shareable: bool) -> str:
        return self.text_

    def number(self, shareable: bool) -> Any:
        return self.text_


def protect_partition(cells: list[Count]) -> None:
    """Counts that add up to a total shown elsewhere: when exactly one is suppressed, hide the
    next smallest too, so that the "<3" cannot be worked out by subtraction."""
    small = [c for c in cells if c.small()]
    if len(small) != 1:
        return
    others = sorted((c for c in cells if not c.small() and c.n > 0), key=lambda c: c.n)
    if others:
        others[0].hidden = True
