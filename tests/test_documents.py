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
    header = ["Horizon", "Initiative", "Use case", "AI Act risk", "Effort", "KPIs"]
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == header)
    order = {"0-6m": 0, "6-18m": 1, "18-36m": 2}
    assert [r.cells[1].text for r in table.rows[1:]] == [
        i.title for i in sorted(draft.initiatives, key=lambda i: order[i.horizon])
    ]
    refs = [p.text for p in document.paragraphs if p.text.startswith("[cs-")]
    assert len(refs) == len(draft.citations)


def test_the_offline_label_shows_once_in_html(meccanica, workspace) -> None:
    from dih_ai.deep_dive import deep_dive

    draft = draft_roadmap(meccanica, workspace)
    label = draft.generated_by.label
    assert label and draft.sections[0].markdown.startswith(f"> {label}")  # the Markdown has it
    assert to_html(draft).count(label) == 1  # the page shows it once, as a banner
    dive = deep_dive(draft, "ai-literacy", workspace)
    assert to_html(dive).count(label) == 1


def test_notebook_representations(meccanica, food, workspace) -> None:
    from dih_ai.analysis import analyse

    draft = draft_roadmap(meccanica, workspace)
    assert draft._repr_markdown_().startswith("# Roadmap AI")
    assert draft._repr_html_().startswith("<!doctype html>")
    shown = meccanica._repr_markdown_()
    assert shown.startswith("**Officina Meccanica Esempio S.r.l.** (`officina-meccanica-esempio`)")
    assert "| automazione e intelligenza artificiale | 18 |" in shown
    assert "<svg" in meccanica._repr_html_() and "<table>" in meccanica._repr_html_()
    readiness = analyse(meccanica)
    assert "| Dati | da chiudere |" in readiness._repr_markdown_()  # Italian, as its reasons
    assert "| Cybersecurity | to close |" in analyse(food)._repr_markdown_()
    assert "<svg" in readiness._repr_html_()


def test_a_hub_restyles_documents_with_its_own_templates(
    meccanica, workspace, tmp_path, monkeypatch
) -> None:
    from dih_ai.resources import TEMPLATES_DIR
    from dih_ai.writers.offline import OfflineWriter

    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "draft.html.j2").write_text(
        "<html><body><h1>Hub Lombardia – {{ title }}</h1>"
        "{% for s in sections %}{{ s.html | safe }}{% endfor %}</body></html>",
        encoding="utf-8",
    )
    (tmp_path / "offline").mkdir()
    bundled = (TEMPLATES_DIR / "offline" / "it.md.j2").read_text(encoding="utf-8")
    (tmp_path / "offline" / "it.md.j2").write_text(
        bundled.replace("> {{ d.label }}", "> {{ d.label }} (stile dell'hub)", 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("DIH_AI_TEMPLATES_DIR", str(tmp_path))
    draft = draft_roadmap(meccanica, workspace, writer=OfflineWriter())
    assert "(stile dell'hub)" in draft.sections[0].markdown
    page = to_html(draft)
    assert page.startswith("<html><body><h1>Hub Lombardia – Roadmap AI")
    # templates the hub did not copy still come from the package
    from dih_ai.deep_dive import deep_dive

    dive = deep_dive(draft, "ai-literacy", workspace, writer=OfflineWriter())
    assert "<svg" in to_html(dive) and dive.sections[0].markdown.startswith("> ")
