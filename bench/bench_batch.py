"""Drafting with a model through the loopback test server with a fixed latency per call.

First one draft alone: its wall time in multiples of one call's latency, and the peak number
of calls in flight (sections are written concurrently). Then N companies as a batch,
compared with the ideal (calls x latency / calls in flight).

Run: .venv/bin/python bench/bench_batch.py --companies 127 --latency 1 --concurrency 16
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=127)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=16, help="companies at a time")
    parser.add_argument("--max-concurrent-calls", type=int, default=16)
    parser.add_argument("--one", default="officina-meccanica.yaml")
    parser.add_argument("--batch-api", action="store_true", help="the companies via Batch API")
    parser.add_argument("--index-dir", type=Path, help="an index already built (default: new)")
    args = parser.parse_args()

    from dih_ai.assessment.load import load_assessment
    from dih_ai.batch import run_batch
    from dih_ai.pipeline import Workspace, draft_roadmap, prepare
    from tests.companies import write_companies
    from tests.fake_openai import FakeOpenAI, fake_writer

    print(f"machine: {describe()}")
    print("# load average at start: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_companies(Path(tmp) / "in", args.companies)
        workspace = Workspace.open(index_dir=args.index_dir or Path(tmp) / "index")
        server = FakeOpenAI(latency=args.latency).start()
        try:
            assessment = load_assessment(ROOT / "examples" / "assessments" / args.one)
            one = fake_writer(server, timeout_s=60)
            draft_roadmap(assessment, workspace, writer=fake_writer(server))  # warm
            server.peak_in_flight = 0
            start = time.perf_counter()
            draft = draft_roadmap(assessment, workspace, writer=one)
            single = time.perf_counter() - start
            data, _ = prepare(assessment, workspace)
            start = time.perf_counter()
            fake_writer(server).write(data)
            writing = time.perf_counter() - start
            server.latency = 0.0
            start = time.perf_counter()
            draft_roadmap(assessment, workspace, writer=fake_writer(server))
            own = time.perf_counter() - start
            server.latency = args.latency
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(
                f"# load average {load} (1, 5, 15 min) after the one-draft measures; "
                "whole-draft figures include the pipeline's CPU work, which load stretches"
            )
            print(
                f"one draft ({args.one}): {draft.usage.llm_calls} calls, wall {single:.1f} s = "
                f"{single / args.latency:.1f} x the {args.latency:g} s latency (peak "
                f"{server.peak_in_flight} calls in flight); writing its sections alone (after "
                f"analysis, plan and retrieval): {writing:.1f} s = {writing / args.latency:.1f}"
                f" x the latency; the whole draft with no latency: {own:.1f} s"
            )
            if args.companies and args.batch_api:
                from dih_ai.batch_api import run_batch_api

                start = time.perf_counter()
                summary = run_batch_api(
                    [folder],
                    workspace,
                    Path(tmp) / "out-batch-api",
                    writer=fake_writer(server, timeout_s=60),
                    poll_s=0.05,
                )
                print(f"Batch API, {args.companies} companies: {summary.text()}")
                drafted = max(1, summary.count("drafted"))
                per = summary.usage.cost_usd / drafted
                listed = per + summary.saved_usd / drafted
                print(
                    f"per company ${per:.4f}; for 127 companies ${127 * per:.2f} at Batch API "
                    f"prices, ${127 * listed:.2f} at synchronous list prices (the loopback "
                    "server's token counts)"
                )
                return
            if args.companies:
                writer = fake_writer(
                    server, timeout_s=60, max_concurrent_calls=args.max_concurrent_calls
                )
                writer._structured()
                server.peak_in_flight = 0
                start = time.perf_counter()
                summary = run_batch(
                    [folder],
                    workspace,
                    Path(tmp) / "out",
                    writer=writer,
                    concurrency=args.concurrency,
                )
                wall = time.perf_counter() - start
        finally:
            server.stop()
    if not args.companies:
        return
    calls = summary.usage.llm_calls
    ideal = calls * args.latency / args.max_concurrent_calls
    print(
        f"{summary.count('drafted')} drafted, {calls} calls, latency {args.latency:g} s, "
        f"{args.concurrency} companies at a time, at most {args.max_concurrent_calls} calls in "
        f"flight (peak {server.peak_in_flight})"
    )
    print(f"wall {wall:.1f} s; ideal {ideal:.1f} s; overhead {100 * (wall / ideal - 1):.1f}%")


if __name__ == "__main__":
    main()
