"""Many distinct companies for batch tests and benchmarks, made from the bundled assessments."""

from __future__ import annotations

from pathlib import Path

import yaml

from dih_ai.resources import bundled_dir

SOURCES = bundled_dir("evals") / "retrieval" / "assessments"


def write_companies(folder: Path, count: int) -> Path:
    """Write `count` T0 assessments into `folder`, each its own company (`azienda-NNN`,
    "Azienda Numero NNN S.r.l."), cycling over the bundled assessments."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(SOURCES.glob("*.yaml"))
    for n in range(count):
        data = yaml.safe_load(sources[n % len(sources)].read_text(encoding="utf-8"))
        data["company"]["id"] = f"azienda-{n:03d}"
        data["company"]["name"] = f"Azienda Numero {n:03d} S.r.l."
        data["dma"]["stage"] = "T0"
        (folder / f"a{n:03d}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    return folder
