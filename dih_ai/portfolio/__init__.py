"""The hub's view across its companies: a portfolio report over many drafts.

    from dih_ai import portfolio_report
    report = portfolio_report(["drafts/"])          # a batch output folder, or drafts + assessments
    report                                           # shows itself in Jupyter (shareable HTML)
    report.to_html(); report.to_markdown(); report.to_xlsx(); report.to_csv()

`load.py` finds drafts and assessments, `aggregate.py` builds the figures (from
`overview.py`, `maturity.py`, `ai_use.py`, `money.py` and `impact.py`), `cells.py`
suppresses small cells, `charts.py` draws them, `render.py` writes Markdown and HTML and
`export.py` the per-company CSV/XLSX. docs/portfolio.md describes every figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from dih_ai.portfolio.aggregate import Figure, Portfolio, build
from dih_ai.portfolio.load import Skipped, load_portfolio

__all__ = ["Figure", "PortfolioReport", "Skipped", "portfolio_report"]


class PortfolioReport:
    """A portfolio's figures, with every output. `internal=True` on an output gives the
    variant that shows every value and names the companies; the default is shareable."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio

    @property
    def figures(self) -> list[Figure]:
        """The report's figures, in order."""
        return self.portfolio.figures

    @property
    def skipped(self) -> list[Skipped]:
        """The files that were not used, and why."""
        return self.portfolio.skipped

    @property
    def notes(self) -> list[str]:
        """Figures left out, and why."""
        return self.portfolio.notes

    def figure(self, figure_id: str) -> Figure:
        """The figure with this id (see docs/portfolio.md)."""
        return self.portfolio.figure(figure_id)

    def to_markdown(self, internal: bool = False) -> str:
        """The report as Markdown."""
        from dih_ai.portfolio.render import to_markdown

        return to_markdown(self.portfolio, shareable=not internal)

    def to_html(self, internal: bool = False) -> str:
        """The report as one self-contained HTML page with charts."""
        from dih_ai.portfolio.render import to_html

        return to_html(self.portfolio, shareable=not internal)

    def to_csv(self, internal: bool = False) -> str:
        """One row per company (ids; names only when `internal`)."""
        from dih_ai.portfolio.export import to_csv

        return to_csv(self.portfolio, internal)

    def to_xlsx(self, internal: bool = False) -> bytes:
        """The companies and every figure, as an XLSX workbook."""
        from dih_ai.portfolio.export import to_xlsx

        return to_xlsx(self.portfolio, internal)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        p = self.portfolio
        return (
            f"PortfolioReport({len(p.companies)} companies, {len(p.drafts)} drafts, "
            f"{len(p.skipped)} skipped)"
        )


def portfolio_report(
    paths: Iterable[str | Path],
    assessments: Iterable[str | Path] | None = None,
    made_on: dt.date | None = None,
) -> PortfolioReport:
    """Read the drafts under `paths` (batch output folders, folders of drafts, files) and the
    assessments they were made from (in the same folders, named by a batch's status log, or
    in `assessments`), and compute the portfolio's figures."""
    loaded = load_portfolio(list(paths), list(assessments) if assessments else None)
    return PortfolioReport(build(loaded, made_on))
