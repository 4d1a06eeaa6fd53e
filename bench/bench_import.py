"""Cold start: `import dih_ai`, first use of heavy modules, and `dih-ai --help`.

Run: .venv/bin/python bench/bench_import.py
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe

RUNS = 7


def wall(cmd: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def importtime(module_code: str) -> list[tuple[int, str]]:
    """Cumulative microseconds per top-level module from `python -X importtime`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", module_code],
        capture_output=True,
        text=True,
        check=True,
    )
    best: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            root = match.group(3).split(".")[0]
            best[root] = max(best.get(root, 0), int(match.group(1)))
    return sorted(((us, name) for name, us in best.items()), reverse=True)


def main() -> None:
    print(f"machine: {describe()}")
    python = sys.executable
    base = wall([python, "-c", "pass"])
    print(f"python -c pass                    {base:7.1f} ms (median of {RUNS})")
    print(f"python -c 'import dih_ai'         {wall([python, '-c', 'import dih_ai']):7.1f} ms")
    code = "import dih_ai; dih_ai.load_assessment"
    print(f"  + load_assessment resolved      {wall([python, '-c', code]):7.1f} ms")
    code = "import dih_ai.pipeline"
    print(f"import dih_ai.pipeline (full)     {wall([python, '-c', code]):7.1f} ms")
    cli = str(Path(python).parent / "dih-ai")
    print(f"dih-ai --help                     {wall([cli, '--help']):7.1f} ms")
    print("\n-X importtime, `import dih_ai` (cumulative us per package):")
    for us, name in importtime("import dih_ai")[:5]:
        print(f"  {us:8d}  {name}")
    print("\n-X importtime, `import dih_ai.pipeline` (cumulative us per package, top 8):")
    for us, name in importtime("import dih_ai.pipeline")[:8]:
        print(f"  {us:8d}  {name}")


if __name__ == "__main__":
    main()
