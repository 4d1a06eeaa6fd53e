"""Batch throughput with a model: N companies through the loopback test server with a fixed
latency per call; compares wall time with the ideal (calls x latency / concurrency).

Run: .venv/bin/python bench/bench_batch.py --companies 127 --latency 1 --concurrency 16
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    from dih_ai.batch import run_batch
    from dih_ai.pipeline import Workspace
    from tests.companies import write_companies
    from tests.fake_openai import FakeOpenAI, fake_writer

    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_companies(Path(tmp) / "in", args.companies)
        workspace = Workspace.open(index_dir=Path(tmp) / "index")
        server = FakeOpenAI(latency=args.latency).start()
        try:
            writer = fake_writer(server, timeout_s=60)
            writer._structured()
            start = time.perf_counter()
            summary = run_batch(
                [folder], workspace, Path(tmp) / "out", writer=writer, concurrency=args.concurrency
            )
            wall = time.perf_counter() - start
        finally:
            server.stop()
    calls = summary.usage.llm_calls
    ideal = calls * args.latency / args.concurrency
    print(
        f"{summary.count('drafted')} drafted, {calls} calls, latency {args.latency:g} s, "
        f"concurrency {args.concurrency}"
    )
    print(f"wall {wall:.1f} s; ideal {ideal:.1f} s; overhead {100 * (wall / ideal - 1):.1f}%")


if __name__ == "__main__":
    main()
