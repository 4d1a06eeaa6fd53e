"""Document rendering figures: one draft and one deep dive as HTML, DOCX (charts rasterised)
and PDF (WeasyPrint), neutral and branded; and a DOCX opened in LibreOffice (headless
conversion to PDF), when it is installed.

Run: .venv/bin/python bench/bench_documents.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def main() -> None:
    from dih_ai.assessment.load import load_assessment
    from dih_ai.deep_dive import deep_dive
    from dih_ai.documents import load_branding, svg_png, to_docx, to_html, to_pdf
    from dih_ai.pipeline import Workspace, draft_roadmap
    from dih_ai.writers.offline import OfflineWriter

    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        workspace = Workspace.open(index_dir=work / "ix")
        meccanica = load_assessment(ROOT / "examples" / "assessments" / "officina-meccanica.yaml")
        draft = draft_roadmap(meccanica, workspace, writer=OfflineWriter())
        dive = deep_dive(draft, "uc-predictive-maintenance", workspace, writer=OfflineWriter())
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30">'
            '<rect width="90" height="30"/></svg>'
        )
        (work / "logo.png").write_bytes(svg_png(svg))
        (work / "b.yaml").write_text("name: Hub\nlogo: logo.png\nfooter: Riservato\n")
        brands = {
            "neutral": load_branding(ROOT / "dih_ai" / "data" / "branding.yaml"),
            "branded": load_branding(work / "b.yaml"),
        }
        print("document     format  brand     median s   size KB")
        for name, document in (("draft", draft), ("deep dive", dive)):
            for fmt, render in (("html", to_html), ("docx", to_docx), ("pdf", to_pdf)):
                for brand_name, brand in brands.items():
                    times, size = [], 0
                    for _ in range(RUNS):
                        start = time.perf_counter()
                        size = len(render(document, brand))
                        times.append(time.perf_counter() - start)
                    print(
                        f"{name:<12} {fmt:<7} {brand_name:<9} {statistics.median(times):8.2f}"
                        f"  {size / 1024:8.0f}"
                    )
        office = shutil.which("soffice")
        if office:
            (work / "d.docx").write_bytes(to_docx(draft))
            start = time.perf_counter()
            subprocess.run(
                [
                    office,
                    f"-env:UserInstallation={(work / 'p').as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work),
                    str(work / "d.docx"),
                ],
                capture_output=True,
                check=True,
            )
            print(f"LibreOffice DOCX -> PDF (first start): {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
