"""The built wheel works on its own: prompts, corpus, data and templates come from the
installed package, run from a folder that is not the checkout.

The fresh venv gets the wheel itself (`--no-deps`); its third-party dependencies are made
visible from the project venv through a `.pth` line (site-packages only, so the checkout's
editable install is not). A full dependency install needs the registry and minutes; this
keeps the check offline and under a minute while still proving the wheel is self-contained.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return next(out.glob("dih_ai-*.whl"))


def test_wheel_carries_prompts_corpus_data_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "dih_ai/py.typed" in names
    assert sum(n.startswith("dih_ai/_bundled/corpus/cs-") for n in names) >= 30
    assert any(n.startswith("dih_ai/_bundled/prompts/") for n in names)
    assert "dih_ai/data/readiness.yaml" in names
    assert "dih_ai/templates/offline/it.md.j2" in names
    assert "dih_ai/data/samples/officina-meccanica.yaml" in names


def test_installed_wheel_runs_the_demo_from_elsewhere(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    deps = [p for p in site.getsitepackages() if p.endswith("site-packages")]
    Path(purelib.stdout.strip(), "project_deps.pth").write_text("\n".join(deps) + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "DIH_AI_CACHE_DIR": str(tmp_path / "cache")}
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import dih_ai.resources as r;print(r.PACKAGE_DIR);print(r.default_corpus_dir())",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    package_dir, corpus_dir = where.stdout.split()
    assert package_dir.startswith(str(venv)) and corpus_dir.startswith(str(venv))
    demo = subprocess.run(
        [str(venv / "bin" / "dih-ai"), "demo", "--out", "demo"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert demo.returncode == 0, demo.stderr
    data = json.loads((elsewhere / "demo" / "officina-meccanica-esempio.json").read_text())
    assert data["generated_by"]["backend"] == "offline" and data["citations"]
    assert all(c["path"].startswith("corpus/") for c in data["citations"])
