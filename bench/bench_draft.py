"""Offline pipeline figures: index build, incremental re-index, retrieval, draft and deep-dive
latency.

Run: .venv/bin/python bench/bench_draft.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe

ROOT = Path(__file__).resolve().parent.parent
RUNS = 30


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    from dih_ai.assessment.load import load_assessment
    from dih_ai.corpus import load_corpus
    from dih_ai.deep_dive import deep_dive
    from dih_ai.index import CaseIndex
    from dih_ai.pipeline import Workspace, draft_roadmap
    from dih_ai.plan import make_plan
    from dih_ai.resources import default_corpus_dir
    from dih_ai.retrieval import retrieve_cases

    print(f"machine: {describe()}")
    corpus = load_corpus(default_corpus_dir())
    with tempfile.TemporaryDirectory() as folder:
        index = CaseIndex(Path(folder) / "ix")
        index.embedder.embed_query("warm-up")  # load the model outside the timing
        start = time.perf_counter()
        report = index.sync(corpus)
        build = time.perf_counter() - start
        print(
            f"index build, bundled corpus: {len(corpus.cases)} cases, "
            f"{report.chunks_embedded} chunks, {build:.1f} s "
            f"({build / report.chunks_embedded * 1000:.0f} ms/chunk)"
        )
        start = time.perf_counter()
        again = CaseIndex(Path(folder) / "ix").sync(corpus)
        print(
            f"re-index, unchanged corpus: {(time.perf_counter() - start) * 1000:.0f} ms "
            f"({again.chunks_embedded} chunks embedded)"
        )

        workspace = Workspace.open(index_dir=Path(folder) / "ix")
        for name in ("officina-meccanica.yaml", "food-en.json"):
            assessment = load_assessment(ROOT / "examples" / "assessments" / name)
            plan = make_plan(assessment)
            draft_roadmap(assessment, workspace)  # warm
            retrieval, drafts = [], []
            for _ in range(RUNS):
                start = time.perf_counter()
                retrieve_cases(assessment, workspace.index, plan, searcher=workspace.searcher)
                retrieval.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                draft_roadmap(assessment, workspace)
                drafts.append((time.perf_counter() - start) * 1000)
            print(
                f"{name}: retrieval p50 {statistics.median(retrieval):.0f} ms, "
                f"p95 {pct(retrieval, 0.95):.0f} ms; offline draft (warm index) "
                f"p50 {statistics.median(drafts):.0f} ms, p95 {pct(drafts, 0.95):.0f} ms"
            )
            draft = draft_roadmap(assessment, workspace)
            dives = []
            for _ in range(max(1, RUNS // len(draft.initiatives))):
                for initiative in draft.initiatives:
                    start = time.perf_counter()
                    deep_dive(draft, initiative.id, workspace)
                    dives.append((time.perf_counter() - start) * 1000)
            print(
                f"{name}: offline deep dive, {len(draft.initiatives)} initiatives: "
                f"p50 {statistics.median(dives):.0f} ms, p95 {pct(dives, 0.95):.0f} ms"
            )


if __name__ == "__main__":
    main()
