"""The export for a hub's CRM and EU reporting: one row per company (CSV, and an XLSX
workbook that also carries every figure of the report as shown)."""

from __future__ import annotations

import csv
import io
from typing import Any

from dih_ai.portfolio.aggregate import Company, Portfolio, pairs
from dih_ai.portfolio.fields import (
    HORIZONS,
    dma_band,
    dma_overall,
    dma_scores,
    gates,
    grant,
    initiatives,
    range_eur,
    touches_staff,
)
from dih_ai.portfolio.render import row_texts
from dih_ai.vocab import DMA_DIMENSIONS


def _columns(internal: bool, with_grant: bool) -> list[str]:
    columns = ["company_id", *(["name", "vat"] if internal else [])]
    columns += ["sector", "size_band", "province", "region", "stages", "latest_stage"]
    columns += ["assessment_date", "drafted_on", "dma_overall", "dma_band"]
    columns += [f"dma_{d}" for d in DMA_DIMENSIONS]
    columns += ["ai_readiness", "readiness_level", "gates_failed", "cybersecurity_assessed"]
    columns += ["data_for_ai_assessed", "use_cases"]
    columns += [f"initiatives_{h}" for h in HORIZONS]
    columns += ["ai_act_art50", "ai_act_high_risk", "worker_conditions"]
    columns += ["investment_low_eur", "investment_high_eur"]
    columns += ["funding_estimate_low_eur", "funding_estimate_high_eur"] if with_grant else []
    columns += ["dma_change_t0_t1_overall", *(f"dma_change_t0_t1_{d}" for d in DMA_DIMENSIONS)]
    return columns


def _row(c: Company, internal: bool, with_grant: bool, change: dict[str, float]) -> list[Any]:
    """One company's row, in the order of `_columns`."""
    latest, profile = c.latest, c.profile
    readiness = latest.data.get("readiness") or {}
    items = initiatives(latest)
    scores = dma_scores(latest)
    costs = [r for r in (range_eur(i.get("cost_eur")) for i in items) if r]
    grants = [g for g in (grant(i) for i in items) if g]
    row: list[Any] = [c.id]
    if internal:
        row += [profile.company.name, profile.company.vat] if profile else [None, None]
    company = profile.company if profile else None
    row += [
        company.sector if company else None,
        company.size_band if company else None,
        company.province if company else None,
        company.region if company else None,
        ", ".join(sorted(c.records)),
        latest.stage,
        profile.assessment_date.isoformat() if profile else None,
        latest.when.isoformat() if latest.when else None,
        dma_overall(latest),
        dma_band(latest),
        *(scores.get(d) for d in DMA_DIMENSIONS),
        readiness.get("ai_readiness"),
        readiness.get("level"),
        ", ".join(g for g, ok in gates(latest).items() if not ok),
        bool(profile and profile.cybersecurity),
        bool(profile and profile.data_for_ai),
        ", ".join(str(i["use_case"]) for i in items if isinstance(i.get("use_case"), str)),
        *(sum(1 for i in items if i.get("horizon") == h) for h in HORIZONS),
        any(i.get("ai_act_risk") == "limited" for i in items),
        any(i.get("ai_act_risk") in ("high", "prohibited") for i in items),
        any(touches_staff(i) for i in items),
        sum(r[0] for r in costs) if costs else None,
        sum(r[1] for r in costs) if costs else None,
    ]
    if with_grant:
        row += [sum(g[0] for g in grants) if grants else None]
        row += [sum(g[1] for g in grants) if grants else None]
    row += [change.get("overall"), *(change.get(d) for d in DMA_DIMENSIONS)]
    return [_inert(v) for v in row]


def company_table(
    portfolio: Portfolio, internal: bool = False
) -> tuple[list[str], list[list[Any]]]:
    """The columns and one row per company. Company ids are the hub's key; names (and VAT
    numbers) only when `internal`."""
    changes = pairs(portfolio)
    with_grant = any(grant(i) for c in portfolio.companies for i in initiatives(c.latest))
    rows = [_row(c, internal, with_grant, changes.get(c.id) or {}) for c in portfolio.companies]
    return _columns(internal, with_grant), rows


def _inert(value: Any) -> Any:
    """Text from an assessment (a name, a region) never runs as a spreadsheet formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(portfolio: Portfolio, internal: bool = False) -> str:
    """The companies as CSV (UTF-8, comma-separated, a header line)."""
    columns, rows = company_table(portfolio, internal)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def _sheet_name(text: str, used: set[str]) -> str:
    name = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]
    base, n = name, 2
    while name in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def to_xlsx(portfolio: Portfolio, internal: bool = False) -> bytes:
    """An XLSX workbook: the companies (one row each) and the report's figures, one sheet
    each, as the report shows them (suppressed unless `internal`)."""
    # openpyxl ships no type information (types-openpyxl is not a dependency)
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF3F8")
    sheet = book.active
    sheet.title = "companies"
    columns, rows = company_table(portfolio, internal)
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    used = {"companies"}
    for fig in portfolio.figures:
        ws = book.create_sheet(_sheet_name(fig.id, used))
        ws.append([fig.title])
        ws["A1"].font = bold
        ws.append([fig.how])
        ws.append(fig.columns)
        for row in fig.rows:
            ws.append([_cell_value(v) for v in row_texts(row, not internal)])
    for ws in book.worksheets:
        header = 1 if ws.title == "companies" else 3
        for cell in ws[header]:
            cell.font, cell.fill = bold, fill
        ws.freeze_panes = ws.cell(row=header + 1, column=1)
        for column in ws.columns:
            width = max((len(str(c.value)) for c in column[header - 1 :] if c.value), default=8)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_value(text: str) -> Any:
    """A shown value as a number where it is one (so spreadsheets can sum it)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text
