"""SVG charts of the portfolio page, drawn from the figures' cells as shown: a suppressed
value ("<3", "x") is drawn as an outlined placeholder, never at its true size."""

from __future__ import annotations

import datetime as dt
import html
import math

from dih_ai.portfolio.aggregate import Figure
from dih_ai.portfolio.cells import Cell, Label, Money, Stats

BLUE, GREY, RED, GREEN = "#3b6ea5", "#c9d2dc", "#c62828", "#2e7d32"


def _open(width: float, height: float, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{html.escape(label)}">'
    )


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bars(labels: list[str], cells: list[Cell], shareable: bool, title: str) -> str:
    """Horizontal bars, one per row; a suppressed value is an outlined stub marked with its
    text."""
    values = [c.number(shareable) for c in cells]
    top = max([v for v in values if v is not None] + [1.0])
    label_w, bar_w, row_h = 300, 380, 24
    height = row_h * len(labels) + 10
    parts = [_open(label_w + bar_w + 90, height, title)]
    for n, (name, cell, value) in enumerate(zip(labels, cells, values, strict=True)):
        y = 5 + n * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{html.escape(_short(name, 46))}</text>"
        )
        shown = html.escape(cell.text(shareable))
        if value is None:
            parts.append(
                f'<rect x="{label_w}" y="{y + 3}" width="18" height="16" fill="none" '
                f'stroke="{GREY}" stroke-dasharray="3,2"><title>{shown}</title></rect>'
                f'<text x="{label_w + 24}" y="{y + 15}" font-size="11">{shown}</text>'
            )
            continue
        width = max(2.0, bar_w * value / top)
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="16" rx="2" '
            f'fill="{BLUE}"><title>{shown}</title></rect>'
            f'<text x="{label_w + width + 6:.1f}" y="{y + 15}" font-size="11">{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def radar(labels: list[str], cells: list[Stats], shareable: bool) -> str:
    """The portfolio's average DMA radar: the mean polygon, and the inter-quartile range as
    two dashed rings, when at least 3 companies stand behind every dimension."""
    size = 300
    width, height = size + 420, size + 40
    cx, cy, radius = width / 2, height / 2, size / 2 - 20
    k = len(labels)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / k
        r = radius * value / 100
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def polygon(values: list[float], style: str) -> str:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))
        return f'<polygon points="{pts}" {style}/>'

    parts = [_open(width, height, "Average DMA radar")]
    for ring in (25, 50, 75, 100):
        parts.append(polygon([ring] * k, f'fill="none" stroke="{GREY}"'))
    shown = all(c.number(shareable) is not None for c in cells)
    for i, name in enumerate(labels):
        x, y = point(i, 100)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GREY}"/>')
        lx, ly = point(i, 110)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="11" text-anchor="{anchor}">'
            f"{html.escape(_short(name, 40))}: {html.escape(cells[i].text(shareable))}</text>"
        )
    if shown:
        quartiles = [c.quartiles() for c in cells]
        parts.append(
            polygon(
                [q[0] for q in quartiles], f'fill="none" stroke="{BLUE}" stroke-dasharray="4,3"'
            )
        )
        parts.append(
            polygon(
                [q[2] for q in quartiles], f'fill="none" stroke="{BLUE}" stroke-dasharray="4,3"'
            )
        )
        parts.append(
            polygon(
                [c.mean() for c in cells],
                f'fill="{BLUE}" fill-opacity="0.35" stroke="{BLUE}" stroke-width="2"',
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def heat(fig: Figure, shareable: bool) -> str:
    """The use-case-by-sector heat map: a cell's colour is its share of the sector's companies;
    suppressed cells are white with their mark."""
    rows = fig.rows
    columns = fig.columns[2:]
    label_w, cell_w, cell_h, head_h = 170, 46, 26, 150
    width = label_w + cell_w * max(1, len(columns)) + 130  # room for the slanted labels
    height = head_h + cell_h * len(rows) + 10
    parts = [_open(width, height, fig.title)]
    for j, name in enumerate(columns):
        x = label_w + j * cell_w + cell_w / 2
        parts.append(
            f'<text transform="translate({x + 4:.1f},{head_h - 6}) rotate(-55)" font-size="11">'
            f"{html.escape(_short(name, 26))}</text>"
        )
    for i, row in enumerate(rows):
        y = head_h + i * cell_h
        name = row[0].text(shareable) if isinstance(row[0], Label) else ""
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" font-size="12" text-anchor="end">'
            f"{html.escape(_short(name, 24))}</text>"
        )
        for j, cell in enumerate(row[2:]):
            x = label_w + j * cell_w
            value = cell.number(shareable)
            base = cell.base or 0
            share = value / base if value is not None and base else 0.0
            fill = "#ffffff" if value is None else f"rgba(59,110,165,{0.08 + 0.92 * share:.2f})"
            text_colour = "#ffffff" if share > 0.55 else "#1d2733"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}" '
                f'stroke="{GREY}"><title>{html.escape(cell.text(shareable))}</title></rect>'
                f'<text x="{x + cell_w / 2 - 1}" y="{y + 17}" font-size="11" '
                f'text-anchor="middle" fill="{text_colour}">{html.escape(cell.text(shareable))}'
                "</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def change_bars(labels: list[str], cells: list[Stats], shareable: bool) -> str:
    """Mean DMA change per dimension around a zero line (green up, red down)."""
    values = [c.number(shareable) for c in cells]
    top = max([abs(v) for v in values if v is not None] + [1.0])
    label_w, half, row_h = 300, 190, 24
    zero = label_w + half
    height = row_h * len(labels) + 10
    parts = [_open(label_w + 2 * half + 60, height, "DMA change T0 to T1")]
    parts.append(
        f'<line x1="{zero}" y1="0" x2="{zero}" y2="{height}" stroke="{GREY}" stroke-width="2"/>'
    )
    for n, (name, cell, value) in enumerate(zip(labels, cells, values, strict=True)):
        y = 5 + n * row_h
        shown = html.escape(cell.text(shareable))
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{html.escape(_short(name, 46))}</text>"
        )
        if value is None:
            parts.append(
                f'<rect x="{zero + 2}" y="{y + 3}" width="18" height="16" fill="none" '
                f'stroke="{GREY}" stroke-dasharray="3,2"><title>{shown}</title></rect>'
                f'<text x="{zero + 26}" y="{y + 15}" font-size="11">{shown}</text>'
            )
            continue
        width = max(2.0, half * abs(value) / top)
        x = zero if value >= 0 else zero - width
        colour = GREEN if value >= 0 else RED
        parts.append(
            f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="16" rx="2" '
            f'fill="{colour}"><title>{shown}</title></rect>'
            f'<text x="{zero + (width + 6 if value >= 0 else 6):.1f}" y="{y + 15}" '
            f'font-size="11">{"+" if value > 0 else ""}{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def weeks(series: list[tuple[dt.date, Cell]], shareable: bool) -> str:
    """Drafts per week as columns over every week from the first to the last (empty weeks
    included); a suppressed week is an outlined stub marked "<3"."""
    first, last = series[0][0], series[-1][0]
    count = (last - first).days // 7 + 1
    by_week = dict(series)
    values = [c.number(shareable) for _, c in series]
    top = max([v for v in values if v is not None] + [3.0])
    left, plot_h, bottom = 40, 180, 40
    col = max(3.0, min(24.0, 720 / count))
    width = max(320.0, left + col * count + 60)
    parts = [_open(width, plot_h + bottom + 10, "Drafts per week")]
    for tick in (0, round(top / 2), top):
        y = 10 + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10:.1f}" y2="{y:.1f}" stroke="{GREY}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{tick:g}</text>"
        )
    for n in range(count):
        monday = first + dt.timedelta(days=7 * n)
        x = left + n * col
        cell = by_week.get(monday)
        if n % max(1, count // 8) == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{plot_h + 28}" font-size="10">{monday.isoformat()}</text>'
            )
        if cell is None:
            continue
        shown = html.escape(cell.text(shareable))
        value = cell.number(shareable)
        if value is None:
            h = plot_h * 3 / top
            parts.append(
                f'<rect x="{x:.1f}" y="{10 + plot_h - h:.1f}" width="{col - 1:.1f}" '
                f'height="{h:.1f}" fill="none" stroke="{BLUE}" stroke-dasharray="2,2">'
                f"<title>{monday.isoformat()}: {shown}</title></rect>"
            )
            continue
        h = plot_h * value / top
        parts.append(
            f'<rect x="{x:.1f}" y="{10 + plot_h - h:.1f}" width="{col - 1:.1f}" height="{h:.1f}" '
            f'fill="{BLUE}"><title>{monday.isoformat()}: {shown}</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)


def chart(fig: Figure, shareable: bool) -> str:
    """The SVG chart of a figure ("" for a table-only figure or an empty one)."""
    if not fig.rows or fig.chart is None:
        return ""
    if fig.chart == "weeks":
        return weeks(fig.series, shareable) if fig.series else ""
    labels = [row[0].text(shareable) for row in fig.rows]
    if fig.chart == "radar":
        dims = [row[1] for row in fig.rows if row[0].text(shareable) != "overall"]
        return radar(labels[: len(dims)], dims, shareable) if all(d.values for d in dims) else ""
    if fig.chart == "heat":
        return heat(fig, shareable) if len(fig.columns) > 2 else ""
    if fig.chart == "impact":
        cells = [row[1] for row in fig.rows]
        return change_bars(labels, cells, shareable) if any(c.values for c in cells) else ""
    if fig.chart == "money":
        cells = [row[1] for row in fig.rows if isinstance(row[1], Money)]
        return bars(labels, cells, shareable, fig.title) if any(c.n for c in cells) else ""
    cells = [row[1] for row in fig.rows]
    if fig.chart == "hbar" and not any(isinstance(c, Stats) and c.values for c in cells):
        return ""
    return bars(labels, cells, shareable, fig.title)
