"""`dih-ai portfolio`: the hub's view across its companies' drafts."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dih_ai.cli.output import write
from dih_ai.errors import InputError, Problem


class PortfolioFormat(StrEnum):
    html = "html"
    md = "md"
    xlsx = "xlsx"
    csv = "csv"
    pdf = "pdf"


PathsArg = Annotated[
    list[Path], typer.Argument(help="Batch output folders, folders of drafts, draft files.")
]
AssessmentsOpt = Annotated[
    list[Path] | None,
    typer.Option("--assessments", help="Assessments the drafts were made from (repeatable)."),
]
FormatsOpt = Annotated[
    list[PortfolioFormat] | None,
    typer.Option(
        "--format", help="html, md, xlsx, csv, pdf, repeatable (default: the first four)."
    ),
]
InternalOpt = Annotated[
    bool,
    typer.Option(
        "--internal",
        help="Every value and the company names (files end in -internal); not for sharing.",
    ),
]


def _check_places(paths: list[Path], assessments: list[Path], out: Path) -> None:
    """Refuse, before any work, inputs that do not exist and an output that is a file."""
    missing = [p for p in [*paths, *assessments] if not p.exists()]
    if missing:
        raise InputError(
            [
                Problem(str(p), "", "no such file or folder; expected drafts or assessments")
                for p in missing
            ]
        )
    if out.exists() and not out.is_dir():
        raise InputError([Problem("--out", str(out), "is a file; expected a folder")])


def portfolio(
    paths: PathsArg,
    out: Annotated[Path, typer.Option("--out", help="Folder for the report.")] = Path("portfolio"),
    assessments: AssessmentsOpt = None,
    formats: FormatsOpt = None,
    internal: InternalOpt = False,
) -> None:
    """A portfolio report across all the hub's companies: counts, DMA, readiness, AI, money and
    T0-T1 impact, as HTML with charts, Markdown, and one row per company (XLSX, CSV).

    The report is aggregate and shareable: any figure over fewer than 3 companies shows "<3".
    Files that are not drafts are skipped and named on stderr. Exit 2 when an input is missing
    or no draft is found.

    Examples:
      dih-ai portfolio drafts/ --out report/
      dih-ai portfolio drafts-2026/ --assessments assessments/ --format html --format xlsx
      dih-ai portfolio drafts/ --out report/ --internal
    """
    from dih_ai.documents.pdf import html_to_pdf
    from dih_ai.portfolio import portfolio_report

    _check_places(paths, assessments or [], out)
    report = portfolio_report(paths, assessments)
    for skipped in report.skipped:
        typer.echo(f"skipped: {skipped}", err=True)
    if not report.portfolio.drafts:
        where = ", ".join(str(p) for p in paths)
        expected = "no draft found; expected draft JSON files (dih-ai batch)"
        raise InputError([Problem(where, "", expected)])
    suffix = "-internal" if internal else ""
    outputs: dict[PortfolioFormat, tuple[str, Callable[[], str | bytes]]] = {
        PortfolioFormat.html: (f"portfolio{suffix}.html", lambda: report.to_html(internal)),
        PortfolioFormat.md: (f"portfolio{suffix}.md", lambda: report.to_markdown(internal)),
        PortfolioFormat.xlsx: (f"portfolio{suffix}.xlsx", lambda: report.to_xlsx(internal)),
        PortfolioFormat.csv: (f"companies{suffix}.csv", lambda: report.to_csv(internal)),
        PortfolioFormat.pdf: (
            f"portfolio{suffix}.pdf",
            lambda: html_to_pdf(report.to_html(internal)),
        ),
    }
    for fmt in formats or [f for f in PortfolioFormat if f is not PortfolioFormat.pdf]:
        name, make = outputs[fmt]
        write(make(), out / name)
    typer.echo(repr(report).removeprefix("PortfolioReport(").removesuffix(")"))
