"""The example notebook runs top to bottom offline, in a real Jupyter kernel, and its objects
show themselves as rich HTML."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.conftest import _SESSION_CACHE, ROOT

NOTEBOOK = ROOT / "examples" / "tour.ipynb"


def test_example_notebook_runs_offline(tmp_path: Path, workspace) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", folder)
    notebook = nbformat.read(folder / NOTEBOOK.name, as_version=4)
    # the kernel shares the session's cache and index (built by the `workspace` fixture)
    os.environ["DIH_AI_INDEX_DIR"] = str(_SESSION_CACHE / "session-index")
    try:
        NotebookClient(
            notebook,
            timeout=600,
            kernel_name="python3",  # ipykernel's own spec: this interpreter, the project venv
            resources={"metadata": {"path": str(folder)}},
        ).execute()
    finally:
        os.environ.pop("DIH_AI_INDEX_DIR", None)
    outputs = {
        n: cell.get("outputs", [])
        for n, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
    }
    errors = [o for cells in outputs.values() for o in cells if o.get("output_type") == "error"]
    assert not errors
    html = [
        o["data"]["text/html"]
        for cells in outputs.values()
        for o in cells
        if o.get("output_type") == "execute_result" and "text/html" in o.get("data", {})
    ]
    # assessment, readiness, draft and deep dive render as HTML; the draft with its radar
    assert len(html) >= 4
    assert any("<svg" in h and "Roadmap AI" in h for h in html)
    assert any("Deep Dive" in h for h in html)
    assert (folder / "notebook-output" / "draft.html").stat().st_size > 10_000
    assert (folder / "notebook-output" / "deep-dive.docx").stat().st_size > 10_000
