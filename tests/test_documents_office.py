"""The DOCX files opened by their real reader: LibreOffice (Debian's libreoffice-writer-nogui,
installed by `make test`) converts them headless to PDF, and the PDF's text layer shows what
a reader sees: the title with the company's name, the contents, the charts as images, the
page numbers, the hub's header and footer on every page."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from dih_ai.deep_dive import deep_dive
from dih_ai.documents import load_branding, svg_png, to_docx
from dih_ai.pipeline import draft_roadmap
from dih_ai.writers.offline import OfflineWriter

NAME = "Officina Meccanica Esempio S.r.l."


def _office() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice is not installed (make test installs libreoffice-writer-nogui)"
    return path


def _open_in_office(docx: bytes, folder: Path, name: str) -> tuple[list[str], int]:
    """The DOCX converted to PDF by LibreOffice: the text of each page, the images in all."""
    source = folder / f"{name}.docx"
    source.write_bytes(docx)
    profile = (folder / "lo-profile").resolve().as_uri()
    done = subprocess.run(
        [
            _office(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = folder / f"{name}.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    images = sum(len(p.images) for p in reader.pages)
    return [" ".join((p.extract_text() or "").split()) for p in reader.pages], images


@pytest.fixture(scope="module")
def meccanica():
    from dih_ai.assessment.load import load_assessment
    from tests.conftest import EXAMPLES

    return load_assessment(EXAMPLES / "officina-meccanica.yaml")


@pytest.fixture(scope="module")
def draft(meccanica, workspace):
    return draft_roadmap(meccanica, workspace, writer=OfflineWriter())


def test_a_draft_docx_in_libreoffice(draft, tmp_path) -> None:
    pages, images = _open_in_office(to_docx(draft), tmp_path, "draft")
    text = " ".join(pages)
    assert 4 <= len(pages) <= 30
    assert pages[0].startswith(f"Roadmap AI – bozza: {NAME}")
    assert "Indice" in pages[0]
    for section in draft.sections:  # in the contents, and as a heading
        assert text.count(" ".join(section.title.split())) >= 2, section.title
    assert text.count(draft.generated_by.label) == 1
    assert images >= 2  # the radar and the gates
    assert "Motivo" in text and "Orizzonte" in text  # the gates' and initiatives' tables
    for number, page in enumerate(pages, start=1):
        assert f"Pagina {number} di {len(pages)}" in page


def test_a_deep_dive_docx_in_libreoffice(draft, meccanica, workspace, tmp_path) -> None:
    dive = deep_dive(
        draft, "uc-predictive-maintenance", workspace, writer=OfflineWriter(), assessment=meccanica
    )
    pages, images = _open_in_office(to_docx(dive), tmp_path, "dive")
    assert f"– {NAME}" in pages[0] and images >= 1  # the Gantt chart
    assert pages[-1].endswith(f"Pagina {len(pages)} di {len(pages)}")


def test_a_branded_docx_in_libreoffice(draft, tmp_path) -> None:
    (tmp_path / "logo.png").write_bytes(
        svg_png(
            '<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30">'
            '<circle cx="15" cy="15" r="14" fill="#0b6e4f"/></svg>'
        )
    )
    (tmp_path / "branding.yaml").write_text(
        "name: DIH Emilia Test\nlogo: logo.png\ncolors: {primary: '#0b6e4f'}\n"
        "footer: Riservato\ncontact: dih@example.org\n",
        encoding="utf-8",
    )
    pages, images = _open_in_office(
        to_docx(draft, load_branding(tmp_path / "branding.yaml")), tmp_path, "branded"
    )
    for page in pages:
        assert "DIH Emilia Test" in page and "Riservato · dih@example.org" in page
    assert images >= 2 + len(pages)  # the charts, and the logo on every page
