"""The charts of the documents, as SVG (HTML and PDF draw them inline) and as PNG for DOCX
(the same SVG rasterised offline by CairoSVG): the DMA radar, the readiness gates and a
deep dive's Gantt chart."""

from __future__ import annotations

import html
import math
import textwrap
from typing import TYPE_CHECKING

from dih_ai.errors import ConfigError
from dih_ai.resources import load_data
from dih_ai.vocab import Language

if TYPE_CHECKING:
    from dih_ai.analysis import Gate
    from dih_ai.deep_dive import Milestone, Phase

PRIMARY, ACCENT, GRID = "#3b6ea5", "#e0a800", "#c9d2dc"
PASS, FAIL = "#2e7d32", "#c62828"
FONT = 'font-family="DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif"'
WEEKS = {"it": "settimane", "en": "weeks"}


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def radar_svg(
    scores: dict[str, float], language: Language, size: int = 300, color: str = PRIMARY
) -> str:
    """An SVG radar chart of the six DMA dimensions (0-100), labels outside the chart."""
    labels = load_data("readiness.yaml")["labels"]
    keys = list(scores)
    width, height = size + 420, size + 40
    cx, cy, radius = width / 2, height / 2, size / 2 - 20

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / len(keys)
        r = radius * value / 100
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} role="img" aria-label="DMA radar">'
    ]
    for ring in (25, 50, 75, 100):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(len(keys))))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}"/>')
    for i, key in enumerate(keys):
        x, y = point(i, 100)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        lx, ly = point(i, 110)
        name = labels.get(f"dma.{key}", {}).get(language, key)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="11" text-anchor="{anchor}">'
            f"{html.escape(name[:40])}: {scores[key]:g}</text>"
        )
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, scores[k]) for i, k in enumerate(keys)))
    parts.append(
        f'<polygon points="{pts}" fill="{color}" fill-opacity="0.35" stroke="{color}" '
        'stroke-width="2"/></svg>'
    )
    return "".join(parts)


def gates_svg(gates: list[Gate], passed: str, failed: str, width: int = 720) -> str:
    """The readiness gates as SVG boxes, two a row: green passed, red to close, with the
    reason (the same data the HTML page shows as boxes)."""
    gap, pad, line_h = 12, 10, 15
    box_w = (width - gap) / 2
    chars = int((box_w - 2 * pad) / 6.4)
    boxes = []
    for gate in gates:
        head = f"{gate.title or gate.id}: {passed if gate.passed else failed}"
        lines = textwrap.wrap(gate.reason or "", chars, max_lines=6, placeholder=" …")
        boxes.append((gate.passed, _short(head, chars), lines))
    rows = [boxes[i : i + 2] for i in range(0, len(boxes), 2)]
    heights = [2 * pad + line_h + 4 + line_h * max(len(b[2]) for b in row) for row in rows]
    height = sum(heights) + gap * max(0, len(rows) - 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} role="img" aria-label="readiness gates">'
    ]
    y = 0.0
    for row, row_h in zip(rows, heights, strict=True):
        for col, (ok, head, lines) in enumerate(row):
            x = col * (box_w + gap)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w:.1f}" height="{row_h}" rx="6" '
                f'fill="{PASS if ok else FAIL}"/>'
                f'<text x="{x + pad:.1f}" y="{y + pad + 12:.1f}" font-size="13" '
                f'font-weight="bold" fill="#ffffff">{html.escape(head)}</text>'
            )
            for n, text in enumerate(lines):
                parts.append(
                    f'<text x="{x + pad:.1f}" y="{y + pad + 12 + line_h + 4 + n * line_h:.1f}" '
                    f'font-size="11" fill="#ffffff">{html.escape(text)}</text>'
                )
        y += row_h + gap
    parts.append("</svg>")
    return "".join(parts)


def gantt_svg(
    phases: list[Phase],
    milestones: list[Milestone],
    language: Language,
    color: str = PRIMARY,
    accent: str = ACCENT,
) -> str:
    """An SVG Gantt chart: one bar per phase over the weeks, a diamond per milestone."""
    total = max((p.end_week for p in phases), default=1) or 1
    label_w, chart_w, row_h, top = 260, 520, 28, 30
    height = top + row_h * len(phases) + 10
    width = label_w + chart_w + 20
    scale = chart_w / total

    def x(week: float) -> float:
        return label_w + week * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} role="img" aria-label="Gantt">'
    ]
    step = 4 if total <= 40 else 8
    for week in range(0, total + 1, step):
        parts.append(
            f'<line x1="{x(week):.1f}" y1="{top - 8}" x2="{x(week):.1f}" y2="{height - 6}" '
            'stroke="#e3e8ee"/>'
            f'<text x="{x(week):.1f}" y="{top - 12}" font-size="10" text-anchor="middle">'
            f"{week}</text>"
        )
    parts.append(
        f'<text x="{label_w - 8}" y="{top - 12}" font-size="10" text-anchor="end">'
        f"{html.escape(WEEKS[language])}</text>"
    )
    ends = {m.phase: m for m in milestones}
    for row, phase in enumerate(phases):
        y = top + row * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" font-size="12" text-anchor="end">'
            f"{html.escape(_short(phase.title, 40))}</text>"
            f'<rect x="{x(phase.start_week):.1f}" y="{y + 5}" '
            f'width="{max(2.0, (phase.end_week - phase.start_week) * scale):.1f}" height="16" '
            f'rx="3" fill="{color}"><title>{html.escape(phase.title)}: '
            f"{phase.start_week}-{phase.end_week}</title></rect>"
        )
        milestone = ends.get(phase.id)
        if milestone is not None:
            mx, my = x(milestone.week), y + 13
            parts.append(
                f'<polygon points="{mx:.1f},{my - 7} {mx + 7:.1f},{my} {mx:.1f},{my + 7} '
                f'{mx - 7:.1f},{my}" fill="{accent}"><title>{html.escape(milestone.title)}'
                "</title></polygon>"
            )
    parts.append("</svg>")
    return "".join(parts)


def svg_png(svg: str, scale: float = 2.0) -> bytes:
    """An SVG rasterised to PNG, offline (CairoSVG on Debian's libcairo2)."""
    try:
        import cairosvg
    except (ImportError, OSError) as error:
        raise ConfigError(
            "charts in DOCX need CairoSVG and Debian's libcairo2 "
            f"(apt-get install libcairo2): {error}"
        ) from None

    # safe mode (unsafe=False): no XML entities, no external file or URL, only data: URIs
    return bytes(cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False))
