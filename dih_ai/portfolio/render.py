"""The portfolio report as Markdown and as one self-contained HTML page with charts.

`shareable=True` (the default everywhere) gives the aggregate report with small cells
suppressed; `shareable=False` is the internal variant: every value, and a table of the
companies with their names."""

from __future__ import annotations

from typing import Any

from dih_ai import __version__
from dih_ai.portfolio.aggregate import Figure, Portfolio, pairs
from dih_ai.portfolio.cells import HIDDEN, MIN_CELL, SMALL, Cell, Count, Label, Stats
from dih_ai.portfolio.fields import dma_band, dma_overall, initiatives


def row_texts(row: list[Any], shareable: bool) -> list[str]:
    """A table row as shown: a statistic opens into mean, sd, median, IQR and companies."""
    out: list[str] = []
    for cell in row:
        if isinstance(cell, Stats):
            spread = cell.spread(shareable)
            out += [cell.text(shareable), spread["sd"], spread["median"], spread["iqr"]]
            out.append(Count(cell.n).text(shareable) if cell.values else "0")
        elif isinstance(cell, Cell | Label):
            out.append(cell.text(shareable))
        else:
            out.append(str(cell))
    return out


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(columns: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(_md_escape(c) or " " for c in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    lines += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _title(portfolio: Portfolio, shareable: bool) -> str:
    kind = "" if shareable else " (internal: names companies)"
    return f"Portfolio report{kind}"


def _meta(portfolio: Portfolio) -> str:
    return (
        f"{len(portfolio.companies)} companies, {len(portfolio.drafts)} drafts; made on "
        f"{portfolio.made_on.isoformat()} by dih-ai {__version__}"
    )


def _privacy_line(shareable: bool) -> str:
    if shareable:
        return (
            f"Aggregate figures only. Any figure over fewer than {MIN_CELL} companies shows "
            f'"{SMALL}"; "{HIDDEN}" hides a count that would let a "{SMALL}" be worked out '
            "from the total. No company is named."
        )
    return "Internal variant: every value is shown and companies are named. Do not share it."


def company_rows(portfolio: Portfolio) -> list[dict[str, Any]]:
    """One row per company (the internal table and the export)."""
    changes = pairs(portfolio)
    out = []
    for c in portfolio.companies:
        latest = c.latest
        profile = c.profile
        items = initiatives(latest)
        failed = [
            g.get("id")
            for g in (latest.data.get("readiness") or {}).get("gates") or []
            if isinstance(g, dict) and not g.get("passed")
        ]
        out.append(
            {
                "company": c.id,
                "name": profile.company.name if profile else "",
                "sector": profile.company.sector if profile else "",
                "size band": profile.company.size_band if profile else "",
                "province": (profile.company.province or "") if profile else "",
                "stages": ", ".join(sorted(c.records)),
                "DMA": dma_overall(latest),
                "band": dma_band(latest) or "",
                "AI readiness": (latest.data.get("readiness") or {}).get("ai_readiness"),
                "gates failed": ", ".join(str(g) for g in failed),
                "use cases": ", ".join(
                    str(i["use_case"]) for i in items if isinstance(i.get("use_case"), str)
                ),
                "DMA change T0-T1": (changes.get(c.id) or {}).get("overall"),
            }
        )
    return out


def to_markdown(portfolio: Portfolio, shareable: bool = True) -> str:
    """The report as Markdown: every figure as a table, with how it is computed."""
    parts = [
        f"# {_title(portfolio, shareable)}",
        "",
        _meta(portfolio),
        "",
        _privacy_line(shareable),
    ]
    for fig in portfolio.figures:
        parts += ["", f"## {fig.title}", "", f"_{fig.how}._", ""]
        if fig.rows:
            parts.append(_md_table(fig.columns, [row_texts(r, shareable) for r in fig.rows]))
        else:
            parts.append("No data in these drafts.")
    if not shareable:
        rows = company_rows(portfolio)
        columns = ["company", "name", "sector", "stages", "DMA", "AI readiness", "use cases"]
        parts += ["", "## Companies", ""]
        parts.append(_md_table(columns, [[_fmt(r[c]) for c in columns] for r in rows]))
    parts += ["", "## Notes", ""]
    parts += [f"- {note}" for note in portfolio.notes] or ["- every figure had its data"]
    if portfolio.skipped:
        parts.append(f"- {len(portfolio.skipped)} files skipped (listed by the command)")
        if not shareable:
            parts += [f"  - {s}" for s in portfolio.skipped]
    return "\n".join(parts) + "\n"


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _figure_html(fig: Figure, shareable: bool) -> dict[str, Any]:
    from dih_ai.portfolio.charts import chart

    return {
        "id": fig.id,
        "title": fig.title,
        "how": fig.how,
        "columns": fig.columns,
        "rows": [row_texts(r, shareable) for r in fig.rows],
        "chart": chart(fig, shareable),
        "heat": fig.chart == "heat",
    }


def to_html(portfolio: Portfolio, shareable: bool = True) -> str:
    """The report as one self-contained HTML page (template `portfolio.html.j2`)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from dih_ai.resources import template_folders

    environment = Environment(
        loader=FileSystemLoader(list(template_folders("html"))),
        autoescape=select_autoescape(["html", "j2"]),
    )
    rows = company_rows(portfolio) if not shareable else []
    return environment.get_template("portfolio.html.j2").render(
        title=_title(portfolio, shareable),
        meta=_meta(portfolio),
        privacy=_privacy_line(shareable),
        shareable=shareable,
        figures=[_figure_html(f, shareable) for f in portfolio.figures],
        notes=portfolio.notes,
        skipped=portfolio.skipped,
        companies=[{k: _fmt(v) for k, v in r.items()} for r in rows],
    )
