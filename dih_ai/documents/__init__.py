"""Documents for people, in the hub's look: one self-contained HTML page (a draft: the DMA
radar and the readiness gates; a deep dive: a Gantt chart of its phases), the same page as
an A4 PDF, and DOCX with the same charts as images. Templates a hub can restyle live in
`dih_ai/templates/html/`; its name, logo, colours and footer in a branding file
(docs/branding.md)."""

from __future__ import annotations

from dih_ai.documents.branding import Branding, load_branding
from dih_ai.documents.charts import gantt_svg, gates_svg, radar_svg, svg_png
from dih_ai.documents.common import WORDS
from dih_ai.documents.page import markdown_html, to_html
from dih_ai.documents.pdf import html_to_pdf, to_pdf
from dih_ai.documents.word import to_docx

__all__ = [
    "WORDS",
    "Branding",
    "gantt_svg",
    "gates_svg",
    "html_to_pdf",
    "load_branding",
    "markdown_html",
    "radar_svg",
    "svg_png",
    "to_docx",
    "to_html",
    "to_pdf",
]
