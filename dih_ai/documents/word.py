"""A draft or a deep dive as a Word document, at parity with the HTML page: the radar, the
gates and the Gantt chart as images, tables with styled header rows and columns fitted to
their content, the writer's label once, a table of contents field, page numbers, and the
hub's logo, colours and footer."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from dih_ai.documents.branding import Branding, load_branding
from dih_ai.documents.charts import gantt_svg, gates_svg, radar_svg, svg_png
from dih_ai.documents.common import (
    WORDS,
    consultant_notes,
    initiative_table,
    made_by,
    number,
    sections_without_label,
    title,
)
from dih_ai.draft import Citation, RoadmapDraft
from dih_ai.vocab import Language

if TYPE_CHECKING:
    from dih_ai.deep_dive import DeepDive

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_WIDTH_CM = 17.0  # A4 less 2 cm margins
CHARS_PER_CM = 4.6  # 9 pt text in a table cell (DejaVu Sans, the widest fallback)
CELL_PADDING_CM = 0.45  # left and right cell margins, and some slack


# -- low-level Word XML ----------------------------------------------------------------------
def _element(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _field(paragraph: Any, instruction: str, shown: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC ...) in `paragraph`, `shown` until it is updated."""
    run = paragraph.add_run()
    run._r.append(_element("w:fldChar", fldCharType="begin"))
    code = _element("w:instrText")
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="end"))


def _shade(cell_or_paragraph: Any, fill: str) -> None:
    element = cell_or_paragraph._element
    props = (
        element.get_or_add_tcPr()
        if hasattr(element, "get_or_add_tcPr")
        else element.get_or_add_pPr()
    )
    props.append(_element("w:shd", val="clear", color="auto", fill=fill.lstrip("#")))


def _rgb(colour: str) -> Any:
    from docx.shared import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


# -- Markdown to Word ------------------------------------------------------------------------
def _plain(markdown: str, strip: bool = True) -> str:
    """Markdown inline text as plain text: emphasis, code marks, links and escapes undone;
    underscores inside words (use-case ids) and other symbols kept."""
    text = re.sub(r"^\s*(#{1,6}|>)\s*", "", markdown, flags=re.M)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<!\w)[*_](\S(?:.*?\S)?)[*_](?!\w)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"\\([\\\[\]|*_`#>])", r"\1", text)  # escapes shown as characters
    return text.strip() if strip else text


def _inline(paragraph: Any, markdown: str, bold: bool = False) -> Any:
    """Add Markdown inline text to a paragraph: **bold** stays bold, the rest plain."""
    for n, part in enumerate(re.split(r"(?<!\\)\*\*(.+?)(?<!\\)\*\*", markdown)):
        text = _plain(part, strip=False)
        if text:
            paragraph.add_run(text).bold = bold or n % 2 == 1
    return paragraph


def column_widths(rows: list[list[str]], total_cm: float = TEXT_WIDTH_CM) -> list[float]:
    """Column widths (cm) fitted to the content: each column wants its longest line (up to
    a cap), never less than its longest word; a table that needs more than the text width
    gets all of it, shared out as the columns want more than their longest word."""
    columns = max(len(r) for r in rows)
    cells = [[(r[i] if i < len(r) else "") for r in rows] for i in range(columns)]
    wanted = [max(3, min(60, max(len(c) for c in col))) for col in cells]
    least: list[float] = [
        max(3, min(20, max((len(w) for c in col for w in c.split()), default=3))) for col in cells
    ]
    room = (total_cm - CELL_PADDING_CM * columns) * CHARS_PER_CM  # characters on one line
    if sum(wanted) <= room:
        chars = [float(w) for w in wanted]
    else:
        cap = float(max(least))  # words too long for the room: the longest ones wrap first
        while sum(min(m, cap) for m in least) > room and cap > 3:
            cap -= 0.5
        least = [min(m, cap) for m in least]
        spare = max(0.0, room - sum(least))
        extra = [w - m for w, m in zip(wanted, least, strict=True)]
        chars = [m + spare * e / (sum(extra) or 1) for m, e in zip(least, extra, strict=True)]
        chars = [c * room / sum(chars) for c in chars]
    return [round(c / CHARS_PER_CM + CELL_PADDING_CM, 2) for c in chars]


def _table(document: Any, rows: list[list[str]], brand: Branding, markdown: bool = True) -> Any:
    """A table, first row the header: bold on the hub's tint, repeated on every page; rows
    never split across pages; columns fitted to the content. Cells are Markdown, or plain
    text when `markdown` is false."""
    from docx.shared import Cm, Pt

    columns = max(len(r) for r in rows)
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    table.autofit = False
    widths = column_widths([[_plain(c) if markdown else c for c in r] for r in rows])
    for row_number, cells in enumerate(rows):
        row = table.add_row()
        row_props = row._tr.get_or_add_trPr()
        row_props.append(_element("w:cantSplit"))
        if row_number == 0:
            row_props.append(_element("w:tblHeader"))
        for i, cell in enumerate(row.cells):
            cell.width = Cm(widths[i])
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_before = Pt(1)
            paragraph.paragraph_format.space_after = Pt(1)
            text = cells[i] if i < len(cells) else ""
            if markdown:
                _inline(paragraph, text, bold=row_number == 0)
            else:
                paragraph.add_run(text).bold = row_number == 0
            for run in paragraph.runs:
                run.font.size = Pt(9)
            if row_number == 0:
                _shade(cell, brand.tint())
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    document.add_paragraph().paragraph_format.space_after = Pt(2)  # air before the text
    return table


def _markdown_docx(document: Any, markdown: str, brand: Branding) -> None:
    """Add Markdown to a Word document: tables, sub-headings, lists, quotes, paragraphs."""
    for block in re.split(r"\n\s*\n", markdown):
        lines = [line for line in block.splitlines() if line.strip()]
        if lines and all(line.lstrip().startswith("|") for line in lines):
            rows = [
                [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
                for line in lines
                if not re.match(r"^\s*\|[-\s|:]+\|\s*$", line)
            ]
            _table(document, rows, brand)
        elif lines and lines[0].lstrip().startswith("#"):
            document.add_heading(_plain(lines[0]), level=2)
            if lines[1:]:
                _markdown_docx(document, "\n".join(lines[1:]), brand)
        elif lines and all(re.match(r"^\s*([-*]|\d+\.)\s", line) for line in lines):
            for line in lines:
                style = "List Number" if re.match(r"^\s*\d+\.", line) else "List Bullet"
                text = re.sub(r"^\s*([-*]|\d+\.)\s", "", line)
                _inline(document.add_paragraph(style=style), text)
        elif lines and all(line.lstrip().startswith(">") for line in lines):
            inner = [line.lstrip()[1:].strip() for line in lines]
            if all(re.match(r"^([-*]|\d+\.)\s", line) for line in inner if line):
                _markdown_docx(document, "\n".join(line for line in inner if line), brand)
            else:
                _inline(document.add_paragraph(style="Quote"), " ".join(inner))
        elif lines:
            _inline(document.add_paragraph(), " ".join(lines))


# -- the document ----------------------------------------------------------------------------
def _setup(brand: Branding, language: Language) -> Any:
    """An A4 document in the hub's colours, its logo and name in the header, its footer and
    the page numbers at the foot of every page."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = document.styles["Normal"].font
    normal.name, normal.size = "Calibri", Pt(10.5)  # a sans face, as the HTML page
    for style in ("Title", "Heading 1", "Heading 2"):
        document.styles[style].font.color.rgb = _rgb(brand.colors.primary)
    for rule in document.styles["Title"].element.iter(f"{W}bottom"):  # the line under it
        rule.set(f"{W}color", brand.colors.primary.lstrip("#").upper())
        rule.attrib.pop(f"{W}themeColor", None)
    settings = document.settings.element  # Word fills the TOC on opening (before w:compat)
    compat = settings.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}compat")
    update = _element("w:updateFields", val="true")
    settings.insert(
        list(settings).index(compat), update
    ) if compat is not None else settings.append(update)
    if brand.name or brand.logo_bytes:
        head = section.header.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if brand.logo_bytes:
            logo = brand.logo_bytes
            if brand.logo_type == "image/svg+xml":
                logo = svg_png(logo.decode("utf-8", "replace"))
            head.add_run().add_picture(io.BytesIO(logo), height=Cm(1.1))
            head.add_run("  ")
        if brand.name:
            run = head.add_run(brand.name)
            run.bold, run.font.size = True, Pt(9)
            run.font.color.rgb = _rgb(brand.colors.primary)
    foot = section.footer.paragraphs[0]
    foot.paragraph_format.tab_stops.add_tab_stop(Cm(17), WD_TAB_ALIGNMENT.RIGHT)
    words = WORDS[language]
    foot.add_run(f"{brand.foot()}\t{words['page']} ")
    _field(foot, "PAGE", "1")
    foot.add_run(f" {words['of']} ")
    _field(foot, "NUMPAGES", "1")
    for run in foot.runs:
        run.font.size = Pt(8)
    return document


def _opening(document: Any, doc: RoadmapDraft | DeepDive, brand: Branding) -> None:
    """Title, "made by", the label once as a banner, and the table of contents field (its
    entries already there, so any reader shows them; Word adds the page numbers)."""
    from docx.shared import Pt, RGBColor

    words = WORDS[doc.language]
    document.add_heading(title(doc), level=0)
    meta = document.add_paragraph().add_run(made_by(doc.language, doc.generated_by))
    meta.font.size, meta.font.color.rgb = Pt(9), RGBColor(0x5B, 0x66, 0x73)
    if doc.generated_by.label:
        banner = document.add_paragraph()
        banner.add_run(doc.generated_by.label).italic = True
        _shade(banner, "#fff4d6")
    heading = document.add_paragraph()
    heading.add_run(words["contents"]).bold = True
    entries = [s.title for s in doc.sections] + [words["sources"]]
    toc = document.add_paragraph()
    _field(toc, 'TOC \\o "1-1" \\h \\z \\u', "\n".join(entries))


def _picture(document: Any, svg: str, caption: str, width_cm: float = 16.0) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(svg_png(svg)), width=Cm(width_cm))
    if caption:
        text = document.add_paragraph().add_run(caption)
        text.italic, text.font.size = True, Pt(8)


def _closing(document: Any, doc: RoadmapDraft | DeepDive, citations: list[Citation]) -> bytes:
    words = WORDS[doc.language]
    notes = consultant_notes(doc)
    if notes:
        document.add_heading(words["notes"], level=1)
        for note in notes:
            document.add_paragraph(note, style="List Bullet")
    document.add_heading(words["sources"], level=1)
    for citation in citations:
        document.add_paragraph(
            f"[{citation.id}] {citation.title} ({citation.path})", style="List Bullet"
        )
    if doc.warnings:
        document.add_heading(words["warnings"], level=1)
        for warning in doc.warnings:
            document.add_paragraph(warning, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_docx(document_of: RoadmapDraft | DeepDive, branding: Branding | None = None) -> bytes:
    """A draft or a deep dive as a Word document (A4), in the hub's look (`branding`, else
    `load_branding()`)."""
    brand = branding or load_branding()
    doc = document_of
    words = WORDS[doc.language]
    document = _setup(brand, doc.language)
    _opening(document, doc, brand)
    sections = sections_without_label(doc.sections, doc.generated_by.label)
    if not isinstance(doc, RoadmapDraft):
        plan = doc.plan
        _picture(
            document,
            gantt_svg(
                plan.phases,
                plan.milestones,
                doc.language,
                brand.colors.primary,
                brand.colors.accent,
            ),
            words["gantt"],
        )
        for section in sections:
            document.add_heading(section.title, level=1)
            _markdown_docx(document, section.markdown, brand)
        return _closing(document, doc, doc.citations)
    readiness = doc.readiness
    if readiness.dma_scores:
        radar = radar_svg(readiness.dma_scores, doc.language, color=brand.colors.primary)
        _picture(document, radar, words["radar"])
    summary = document.add_paragraph()
    summary.add_run(f"{words['readiness']}: ").bold = True
    score = number(readiness.ai_readiness, doc.language)
    summary.add_run(f"{score}/100 ({readiness.level_label or readiness.level})")
    if readiness.dma_overall is not None:
        summary.add_run("   DMA: ").bold = True
        summary.add_run(f"{number(readiness.dma_overall, doc.language)}/100")
    if readiness.gates:
        _picture(document, gates_svg(readiness.gates, words["passed"], words["failed"]), "")
    for section in sections:
        document.add_heading(section.title, level=1)
        if section.id == "initiatives" and doc.initiatives:
            _table(document, initiative_table(doc), brand, markdown=False)
        _markdown_docx(document, section.markdown, brand)
    return _closing(document, doc, doc.citations)
