"""Portfolio report over many drafts: load, aggregate and render (HTML, Markdown, XLSX, CSV).

Real offline drafts of `--base` generated companies (tests/companies.py) are cloned into a
batch output folder of `--drafts` drafts (distinct company ids, their assessments beside
them, a third of the companies also at T1 with higher scores), then the report is timed.

Run: .venv/bin/python bench/bench_portfolio.py --drafts 1000
     .venv/bin/python bench/bench_portfolio.py --drafts 1000 --from drafts/   # reuse a batch
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe  # noqa: E402


def draft_base(folder: Path, count: int, index_dir: Path | None) -> Path:
    """`count` real offline drafts of generated companies (a batch output folder)."""
    from dih_ai.batch import run_batch
    from dih_ai.pipeline import Workspace
    from dih_ai.writers.offline import OfflineWriter
    from tests.companies import write_companies

    sources = write_companies(folder / "in", count)
    workspace = Workspace.open(index_dir=index_dir)
    run_batch([sources], workspace, folder / "base", writer=OfflineWriter(), formats=("json",))
    return folder / "base"


def clone(base: Path, out: Path, drafts: int) -> int:
    """Fill `out` with `drafts` drafts cloned from the batch folder `base`; returns how many
    companies have a T0 and a T1."""
    status = [json.loads(line) for line in (base / "batch-status.jsonl").read_text().splitlines()]
    done = [s for s in status if s["status"] in ("drafted", "already_drafted")]
    out.mkdir(parents=True, exist_ok=True)
    (out / "assessments").mkdir(exist_ok=True)
    lines, written, n, pairs = [], 0, 0, 0
    while written < drafts:
        entry = done[n % len(done)]
        draft = json.loads(Path(entry["outputs"][0]).read_text(encoding="utf-8"))
        data = yaml.safe_load(Path(entry["source"]).read_text(encoding="utf-8"))
        company = f"azienda-{n:04d}"
        stages = ["T0", "T1"] if n % 3 == 0 and written + 2 <= drafts else ["T0"]
        pairs += len(stages) == 2
        for stage in stages:
            data["company"]["id"] = draft["company_id"] = company
            data["dma"]["stage"] = stage
            if stage == "T1":
                for key, value in data["dma"]["scores"].items():
                    data["dma"]["scores"][key] = min(100, value + 5)
                    draft["readiness"]["dma_scores"][key] = min(100, value + 5)
            stem = company if stage == "T0" else f"{company}-t1"
            source = out / "assessments" / f"{stem}.yaml"
            source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            (out / f"{stem}.json").write_text(json.dumps(draft, ensure_ascii=False))
            lines.append(json.dumps({"source": str(source), "company_id": company}))
            written += 1
        n += 1
    (out / "batch-status.jsonl").write_text("\n".join(lines) + "\n")
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=1000)
    parser.add_argument("--base", type=int, default=28, help="companies drafted for real")
    parser.add_argument("--from", dest="source", type=Path, help="reuse this batch output")
    parser.add_argument("--index-dir", type=Path, help="Chroma folder (default: user cache)")
    args = parser.parse_args()

    from dih_ai.portfolio import portfolio_report

    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = args.source or draft_base(folder, args.base, args.index_dir)
        pairs = clone(base, folder / "portfolio-in", args.drafts)
        start, cpu = time.perf_counter(), time.process_time()
        report = portfolio_report([folder / "portfolio-in"])
        loaded = time.perf_counter()
        html = report.to_html()
        markdown = report.to_markdown()
        xlsx = report.to_xlsx()
        csv = report.to_csv()
        end, cpu = time.perf_counter(), time.process_time() - cpu
    p = report.portfolio
    print(
        f"{len(p.drafts)} drafts, {len(p.companies)} companies, {pairs} T0-T1 pairs, "
        f"{len(p.skipped)} skipped"
    )
    print(
        f"load+aggregate {loaded - start:.2f} s; render html {len(html) // 1024} KiB, md "
        f"{len(markdown) // 1024} KiB, xlsx {len(xlsx) // 1024} KiB, csv {len(csv) // 1024} KiB "
        f"in {end - loaded:.2f} s; total {end - start:.2f} s wall, {cpu:.2f} s CPU"
    )
    print(f"load average {os.getloadavg()[0]:.1f} (other work on the machine)")


if __name__ == "__main__":
    main()
