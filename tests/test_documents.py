"""Documents for people: self-contained HTML with the radar and gates, DOCX, notebook reprs."""

from __future__ import annotations

import io
import re

from docx import Document

from dih_ai.documents import to_docx, to_html
from dih_ai.pipeline import draft_roadmap


def test_html_is_one_self_contained_file(meccanica, workspace) -> None:
    draft = draft_roadmap(meccanica, workspace)
    page = to_html(draft)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched
    assert page.count("<polygon") == 5  # four rings and the company's shape
    assert page.count('class="gate fail"') == 3 and page.count('class="gate pass"') == 1
    for section in draft.sections:
        assert f'id="{section.id}"' in page
    assert 'href="#cs-torneria-cnc-predittiva"' in page and "scrittore offline" in page


def test_html_escapes_untrusted_text(meccanica, workspace) -> None:
    draft = draft_roadmap(meccanica, workspace)
    draft.sections[0].markdown += "\n\n<script>alert(1)</script>"
    assert "<script>" not in to_html(draft)


def test_docx_has_headings_initiative_tables_and_references(food, workspace) -> None:
    draft = draft_roadmap(food, workspace)
    document = Document(io.BytesIO(to_docx(draft)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [s.title for s in draft.sections] == [
        h for h in headings if h in {s.title for s in draft.sections}
    ]
    assert "Cited sources" in headings
    header = ["Initiative", "Use case", "AI Act risk", "Effort", "KPIs"]
    initiative_rows = sum(
        len(t.rows) - 1 for t in document.tables if [c.text for c in t.rows[0].cells] == header
    )
    assert initiative_rows == len(draft.initiatives)
    refs = [p.text for p in document.paragraphs if p.text.startswith("[cs-")]
    assert len(refs) == len(draft.citations)


def test_notebook_representations(meccanica, workspace) -> None:
    draft = draft_roadmap(meccanica, workspace)
    assert draft._repr_markdown_().startswith("# Roadmap AI")
    assert draft._repr_html_().startswith("<!doctype html>")
