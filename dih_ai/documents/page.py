"""A draft or a deep dive as one self-contained HTML page (inline SVG charts, the logo as a
data: URI), styled by the hub's branding; the same page, printed, is the PDF."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from dih_ai.documents.branding import Branding, load_branding
from dih_ai.documents.charts import gantt_svg, radar_svg
from dih_ai.documents.common import (
    WORDS,
    consultant_notes,
    initiative_table,
    made_by,
    number,
    sections_without_label,
    title,
)
from dih_ai.draft import RoadmapDraft
from dih_ai.grounding import CASE_CITATION
from dih_ai.resources import template_folders

if TYPE_CHECKING:
    from dih_ai.deep_dive import DeepDive


def css_string(text: str | None) -> Markup:
    """`text` as a quoted CSS string, safe inside a <style> element."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;-–·@+()'/_&" else f"\\{ord(ch):x} " for ch in text or ""
    )
    return Markup(f'"{escaped}"')


@functools.cache
def _html_environment(folders: tuple[str, ...]) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(list(folders)),
        autoescape=select_autoescape(["html", "j2"]),
    )
    environment.filters["css_string"] = css_string
    return environment


def _environment() -> Environment:
    return _html_environment(template_folders("html"))


def markdown_html(text: str) -> str:
    """Markdown as HTML; each case citation `[cs-id]` links to its entry in the sources. Only
    real citations do: escaped brackets of untrusted text stay plain text."""
    from markdown_it import MarkdownIt

    cited: list[str] = []

    def mark(match: re.Match[str]) -> str:
        cited.append(match.group(1))
        return f"DIHAICITE{len(cited) - 1}X"

    rendered = (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .render(CASE_CITATION.sub(mark, text))
    )
    return re.sub(
        r"DIHAICITE(\d+)X",
        lambda m: f'[<a href="#{cited[int(m.group(1))]}">{cited[int(m.group(1))]}</a>]',
        rendered,
    )


def to_html(document: RoadmapDraft | DeepDive, branding: Branding | None = None) -> str:
    """A draft or a deep dive as one self-contained HTML page, in the hub's look
    (`branding`, else `load_branding()`: `$DIH_AI_BRANDING` or the neutral default)."""
    brand = branding or load_branding()
    colors = brand.colors
    common = {
        "title": title(document),
        "made_by": made_by(document.language, document.generated_by),
        "words": WORDS[document.language],
        "sections": [
            {"id": s.id, "title": s.title, "html": markdown_html(s.markdown)}
            for s in sections_without_label(document.sections, document.generated_by.label)
        ],
        "notes": consultant_notes(document),
        "brand": brand,
        "logo": brand.logo_data_uri(),
        "foot": brand.foot(),
        "tint": brand.tint(),
    }
    if isinstance(document, RoadmapDraft):
        scores = document.readiness.dma_scores
        radar = radar_svg(scores, document.language, color=colors.primary) if scores else ""
        template = "draft.html.j2"
        table = initiative_table(document) if document.initiatives else []
        common |= {"draft": document, "doc": document, "radar": radar, "initiatives": table}
        common["scores"] = {
            "ai_readiness": number(document.readiness.ai_readiness, document.language),
            "dma_overall": number(document.readiness.dma_overall, document.language),
        }
    else:
        plan = document.plan
        gantt = gantt_svg(
            plan.phases, plan.milestones, document.language, colors.primary, colors.accent
        )
        template = "deep_dive.html.j2"
        common |= {"dive": document, "doc": document, "gantt": gantt}
    return _environment().get_template(template).render(**common)
