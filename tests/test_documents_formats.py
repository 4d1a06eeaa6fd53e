"""The same draft as HTML, DOCX and PDF: the same charts and tables, the company's name in
the title, the writer's label once, the hub's branding in every format, the PDF read back
from its text layer, rendered with no network."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from dih_ai.deep_dive import deep_dive
from dih_ai.documents import load_branding, svg_png, to_docx, to_html, to_pdf
from dih_ai.documents.word import column_widths
from dih_ai.errors import ConfigError, InputError
from dih_ai.pipeline import draft_roadmap
from dih_ai.writers.offline import OfflineWriter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NAME = "Officina Meccanica Esempio S.r.l."


@pytest.fixture(scope="module")
def draft(workspace):
    from dih_ai.assessment.load import load_assessment
    from tests.conftest import EXAMPLES

    meccanica = load_assessment(EXAMPLES / "officina-meccanica.yaml")
    return draft_roadmap(meccanica, workspace, writer=OfflineWriter())


@pytest.fixture(scope="module")
def dive(draft, workspace):
    from dih_ai.assessment.load import load_assessment
    from tests.conftest import EXAMPLES

    meccanica = load_assessment(EXAMPLES / "officina-meccanica.yaml")
    return deep_dive(
        draft, "uc-predictive-maintenance", workspace, writer=OfflineWriter(), assessment=meccanica
    )


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Path:
    """A hub's branding file with a PNG logo."""
    folder = tmp_path_factory.mktemp("hub")
    logo = svg_png(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
        '<rect width="120" height="40" fill="#8a1538"/></svg>',
        scale=1,
    )
    (folder / "logo.png").write_bytes(logo)
    (folder / "branding.yaml").write_text(
        "name: Hub Manifattura Lombarda\nlogo: logo.png\n"
        "colors: {primary: '#8a1538', accent: '#f2a900'}\n"
        "footer: Documento riservato – Hub Manifattura\ncontact: info@hub.example\n",
        encoding="utf-8",
    )
    return folder / "branding.yaml"


def _docx_text(document) -> str:
    """Every paragraph and table cell, in order of the XML."""
    return "\n".join(t.text or "" for t in document.element.body.iter(f"{W}t"))


def _pdf(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


def test_docx_at_parity_with_the_html(draft) -> None:
    document = Document(io.BytesIO(to_docx(draft)))
    title = document.paragraphs[0]
    assert title.style.name == "Title" and title.text == f"Roadmap AI – bozza: {NAME}"
    assert draft.company_id not in title.text
    text = _docx_text(document)
    assert text.count(draft.generated_by.label) == 1  # the label once, as a banner
    assert len(document.inline_shapes) == 2  # the radar and the gates, as images
    for shape in document.inline_shapes:
        assert shape.width > 0 and shape.height > 0
    body = document.element.body.xml
    assert "TOC \\o" in body and "Indice" in text
    footer = document.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    for table in document.tables:  # header rows styled and repeated, rows kept whole
        head = table.rows[0]
        assert head._tr.trPr.find(f"{W}tblHeader") is not None
        assert all(r.bold for c in head.cells for p in c.paragraphs for r in p.runs)
        assert head.cells[0]._tc.tcPr.find(f"{W}shd") is not None
        assert all(r._tr.trPr.find(f"{W}cantSplit") is not None for r in table.rows)
    gates = next(t for t in document.tables if "Motivo" in [c.text for c in t.rows[0].cells])
    widths = [c.width for c in gates.rows[0].cells]
    reason = [c.text for c in gates.rows[0].cells].index("Motivo")
    assert widths[reason] == max(widths) and widths[reason] > 2 * min(widths)  # fitted


def test_column_widths_fit_the_content() -> None:
    reason = "maturità dei dati 1,2/5 sotto la soglia di 2,5 " * 2
    rows = [["Requisito", "Esito", "Motivo"], ["Dati", "da chiudere", reason]]
    widths = column_widths(rows, total_cm=17)
    assert sum(widths) == pytest.approx(17, abs=0.05)
    assert widths[2] > widths[0] + widths[1]
    assert min(widths) >= len("Requisito") / 5.0  # never under the longest word


def test_deep_dive_docx_has_the_gantt_and_the_name(dive) -> None:
    document = Document(io.BytesIO(to_docx(dive)))
    assert document.paragraphs[0].text.endswith(f"– {NAME}")
    assert len(document.inline_shapes) == 1  # the Gantt chart
    assert _docx_text(document).count(dive.generated_by.label) == 1


def test_pdf_reads_back_with_the_same_content(draft) -> None:
    data = to_pdf(draft)
    assert data.startswith(b"%PDF-")
    reader, pages = _pdf(data)
    assert 3 <= len(pages) <= 30
    text = "\n".join(pages)
    flat = " ".join(text.split())
    assert f"Roadmap AI – bozza: {NAME}" in flat
    for section in draft.sections:
        assert " ".join(section.title.split()) in flat
    assert flat.count(draft.generated_by.label) == 1
    assert "Motivo" in flat and "DMA" in flat
    assert f"Pagina 1 di {len(pages)}" in " ".join(pages[0].split())
    box = reader.pages[0].mediabox  # A4 in points
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    fonts = _fonts(reader)
    assert fonts and all(embedded for embedded in fonts.values()), fonts


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font of the PDF and whether its program is embedded."""
    out = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            out[str(font.get("/BaseFont"))] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return out


def test_pdf_of_a_deep_dive_draws_the_gantt(dive) -> None:
    _, pages = _pdf(to_pdf(dive))
    flat = " ".join(" ".join(pages).split())
    assert f"– {NAME}" in flat
    for phase in dive.plan.phases[:3]:  # the Gantt's labels are text in the PDF
        assert " ".join(phase.title.split())[:30] in flat


def test_pdf_renders_with_no_network(draft, tmp_path, monkeypatch, caplog) -> None:
    import pytest_socket

    (tmp_path / "html").mkdir()
    bundled = Path(__file__).resolve().parent.parent / "dih_ai/templates/html/draft.html.j2"
    (tmp_path / "html" / "draft.html.j2").write_text(
        bundled.read_text(encoding="utf-8").replace(
            "<h1>", '<img src="http://192.0.2.1/tracker.png"><h1>', 1
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("DIH_AI_TEMPLATES_DIR", str(tmp_path))
    pytest_socket.disable_socket()  # not even loopback
    try:
        data = to_pdf(draft)
    finally:
        pytest_socket.enable_socket()
    assert data.startswith(b"%PDF-")
    assert "a document fetches nothing: http://192.0.2.1/tracker.png" in caplog.text


def test_a_missing_pdf_engine_is_one_clear_error(draft, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(ConfigError, match="PDF needs WeasyPrint and Debian's pango"):
        to_pdf(draft)


def test_branding_changes_every_format(draft, dive, hub) -> None:
    brand = load_branding(hub)
    page = to_html(draft, brand)
    assert "Hub Manifattura Lombarda" in page and 'src="data:image/png;base64,' in page
    assert "--primary: #8a1538" in page and "Documento riservato – Hub Manifattura" in page
    assert "#3b6ea5" not in page  # the charts take the hub's colour too
    assert 'fill="#8a1538"' in to_html(dive, brand)

    document = Document(io.BytesIO(to_docx(draft, brand)))
    header = document.sections[0].header
    assert "Hub Manifattura Lombarda" in header.paragraphs[0].text
    assert "<pic:pic" in header._element.xml  # the logo
    footer = document.sections[0].footer.paragraphs[0].text
    assert "Documento riservato – Hub Manifattura · info@hub.example" in footer
    assert str(document.styles["Heading 1"].font.color.rgb) == "8A1538"

    _, pages = _pdf(to_pdf(draft, brand))
    for text in pages:
        flat = " ".join(text.split())
        assert "Hub Manifattura Lombarda" in flat
        assert "Documento riservato – Hub Manifattura · info@hub.example" in flat


def test_the_default_branding_is_neutral(draft, monkeypatch) -> None:
    monkeypatch.delenv("DIH_AI_BRANDING", raising=False)
    brand = load_branding()
    assert (brand.name, brand.logo, brand.footer, brand.contact) == (None, None, None, None)
    page = to_html(draft)
    assert '<header class="brand">' not in page and '<footer class="brand-foot">' not in page


def test_branding_from_the_environment(draft, hub, monkeypatch) -> None:
    monkeypatch.setenv("DIH_AI_BRANDING", str(hub))
    assert "Hub Manifattura Lombarda" in to_html(draft)


@pytest.mark.parametrize(
    ("content", "field", "expected"),
    [
        ("colors: {primary: blue}", "colors.primary", "'blue' is not a colour; expected #rrggbb"),
        ("logo: missing.png", "logo", "No such file or directory; expected an image file"),
        ("logo: fake.png", "logo", "fake.png is not a .png image"),
        ("slogan: hi", "slogan", "unknown key"),
        ("- a list", "", "expected a mapping"),
    ],
)
def test_a_bad_branding_file_names_the_field(tmp_path, content, field, expected) -> None:
    (tmp_path / "fake.png").write_text("not an image")
    path = tmp_path / "branding.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_branding(path)
    line = str(caught.value.problems[0])
    assert line.startswith(f"{path}: {field}".rstrip(": ")) and expected in line


def test_notes_for_the_consultant_show_in_every_format(draft) -> None:
    if "notes_for_consultant" not in type(draft).model_fields:
        pytest.skip("this draft model has no notes_for_consultant")
    noted = draft.model_copy(update={"notes_for_consultant": ["Obiettivo in conflitto col piano"]})
    assert "Obiettivo in conflitto col piano" in to_html(noted)
    assert "Obiettivo in conflitto col piano" in _docx_text(Document(io.BytesIO(to_docx(noted))))
    assert "Obiettivo in conflitto col piano" in " ".join(_pdf(to_pdf(noted))[1])


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dih_ai.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


def test_cli_writes_a_branded_pdf(workspace, hub, tmp_path, examples) -> None:
    index = Path(os.environ["DIH_AI_CACHE_DIR"]) / "session-index"
    out = tmp_path / "m.pdf"
    done = _cli(
        "draft",
        str(examples / "officina-meccanica.yaml"),
        "--backend",
        "offline",
        "--index-dir",
        str(index),
        "--format",
        "pdf",
        "--branding",
        str(hub),
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    _, pages = _pdf(out.read_bytes())
    assert NAME in " ".join(pages[0].split()) and "Hub Manifattura Lombarda" in pages[0]


def test_cli_refuses_bad_document_options_before_any_work(tmp_path, examples) -> None:
    assessment = str(examples / "officina-meccanica.yaml")
    done = _cli("draft", assessment, "--format", "pdf")
    assert done.returncode == 2 and done.stderr.strip() == "--format pdf needs --out FILE.pdf"
    bad = tmp_path / "branding.yaml"
    bad.write_text("colors: {accent: '#12'}", encoding="utf-8")
    done = _cli("draft", assessment, "--format", "html", "--branding", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip() == f"{bad}: colors.accent: '#12' is not a colour; expected #rrggbb"
    assert "Traceback" not in done.stderr


def test_html_stays_self_contained_with_a_logo(draft, hub) -> None:
    page = to_html(draft, load_branding(hub))
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_branded_page_in_a_real_browser(draft, hub, tmp_path) -> None:
    from tests.browser import Browser

    browser = Browser()
    try:
        page = tmp_path / "branded.html"
        page.write_text(to_html(draft, load_branding(hub)), encoding="utf-8")
        browser.open(page)
        others = [u for u in browser.requested_urls() if u != page.resolve().as_uri()]
        assert all(u.startswith("data:image/png") for u in others), others  # the logo only
        assert browser.console_errors() == []
        shown = browser.evaluate(
            "(() => { const img = document.querySelector('.brand img');"
            " return {w: img.naturalWidth, h: img.naturalHeight,"
            " rule: getComputedStyle(document.querySelector('h2')).borderBottomColor,"
            " name: document.querySelector('.brand').innerText,"
            " foot: document.querySelector('.brand-foot').innerText}; })()"
        )
    finally:
        browser.close()
    assert (shown["w"], shown["h"]) == (120, 40)  # the logo decoded and laid out
    assert shown["rule"] == "rgb(138, 21, 56)"  # #8a1538
    assert shown["name"].strip() == "Hub Manifattura Lombarda"
    assert shown["foot"] == "Documento riservato – Hub Manifattura · info@hub.example"


def test_cli_prints_the_portfolio_report_to_pdf(draft, tmp_path) -> None:
    from dih_ai.render import to_json

    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "officina.json").write_text(to_json(draft), encoding="utf-8")
    done = _cli("portfolio", str(folder), "--out", str(tmp_path / "report"), "--format", "pdf")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == ["portfolio.pdf"]
    _, pages = _pdf((tmp_path / "report" / "portfolio.pdf").read_bytes())
    assert len(pages) >= 2 and "Portfolio report" in pages[0]
    assert NAME not in " ".join(pages)  # aggregate: no company is named
