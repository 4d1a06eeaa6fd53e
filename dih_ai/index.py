"""The case-study index: Chroma (embedded by default, a `chroma run` server when a URL is set),
with the project's embedder and cosine distance, safe for many processes at once.

A published build is a collection that is never modified again. A pointer collection
(`<name>.pointer`) names the current build; readers follow it and take no lock. A writer
holds the index lock (`index_lock`), writes a new build `<name>.build-<n>-<hex>` (copying the
vectors of unchanged chunks, embedding only new or changed ones), marks it complete, and
switches the pointer, one atomic metadata write. The build it replaced stays until the next
switch, so readers holding it finish; builds a killed writer left behind are dropped by the
next lock holder. Errors are retried and reported, never answered by deleting anything; only
a folder or build still unreadable under the lock is set aside and rebuilt, and the report
says so.

`CaseIndex` reads here; it connects in `index_chroma`, writes in `index_build` under the lock
of `index_lock`, and reports with the models of `index_models` (all importable from here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dih_ai.corpus import Corpus, corpus_hash
from dih_ai.errors import CaseIndexError
from dih_ai.index_build import WRITE_WAIT_S, IndexBuilder
from dih_ai.index_chroma import DEFAULT_COLLECTION, INDEX_FORMAT, default_index_dir, included
from dih_ai.index_lock import LockTimeout
from dih_ai.index_models import Staleness, StoredChunk, SyncReport, compare

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from chromadb.api.types import PyEmbeddings
    from langchain_chroma import Chroma

__all__ = [
    "DEFAULT_COLLECTION",
    "DRAFT_WAIT_S",
    "INDEX_FORMAT",
    "WRITE_WAIT_S",
    "CaseIndex",
    "Staleness",
    "StoredChunk",
    "SyncReport",
    "default_index_dir",
]

DRAFT_WAIT_S = 2.0  # a draft waits this long to bring a stale index in step, then reads it


def _stored(
    ids: Sequence[str],
    documents: Sequence[str | None],
    metadatas: Sequence[Mapping[str, Any] | None],
) -> list[StoredChunk]:
    return [
        StoredChunk(id=i, text=d or "", metadata=dict(m or {}))
        for i, d, m in zip(ids, documents, metadatas, strict=False)
    ]


class CaseIndex(IndexBuilder):
    """A Chroma collection of case-study chunks, kept in step with a corpus."""

    def count(self) -> int:
        """Number of chunks in the index."""
        if self._count is None:
            self._count = self._read(lambda b: int(b.count()), 0)
        return self._count

    def all_chunks(self) -> list[StoredChunk]:
        """Every chunk (for the lexical side of retrieval)."""
        data = self._read(lambda b: b.get(include=["documents", "metadatas"]), None)
        if data is None:
            return []
        return _stored(data["ids"], included(data["documents"]), included(data["metadatas"]))

    def store(self) -> Chroma:
        """The LangChain vector store over the current build (read it; `sync` writes)."""
        from langchain_chroma import Chroma

        build = self._read(lambda b: b, None)
        if build is None:
            raise CaseIndexError(f"{self.where}: no case index yet; run `dih-ai index`")
        return Chroma(
            collection_name=build.name, embedding_function=self.embedder, client=self.client()
        )

    def dense_search(self, query: str, k: int) -> list[tuple[StoredChunk, float]]:
        """The k nearest chunks to `query` with cosine similarity (1 = same direction)."""
        return self.dense_search_many([query], k)[0]

    def build_name(self) -> str | None:
        """The build that reads go to (every change publishes a new one); None when none."""
        build = self._read(lambda b: b, None)
        return None if build is None else str(build.name)

    def dense_ids_many(
        self, queries: list[str], k: int, vectors: PyEmbeddings | None = None
    ) -> list[list[tuple[str, float]]]:
        """The ids of the k nearest chunks to each query, with cosine similarity, without
        reading their text and metadata back (for a searcher that holds every chunk: at
        10,000 chunks that read is most of a query's time). `vectors`, when given, are the
        queries' embeddings already made (see `query_vectors`)."""
        count = self.count() if queries else 0
        if count == 0:
            return [[] for _ in queries]
        vectors = self.query_vectors(queries) if vectors is None else vectors
        result = self._read(
            lambda b: b.query(
                query_embeddings=vectors, n_results=min(k, count), include=["distances"]
            ),
            None,
        )
        if result is None:
            return [[] for _ in queries]
        distances = included(result["distances"])
        return [
            [(i, 1.0 - d) for i, d in zip(result["ids"][row], distances[row], strict=False)]
            for row in range(len(queries))
        ]

    def query_vectors(self, queries: list[str]) -> PyEmbeddings:
        """The embeddings of search queries, by this index's embedder (one call)."""
        embed_many = getattr(self.embedder, "embed_queries", None)
        return (
            embed_many(queries) if embed_many else [self.embedder.embed_query(q) for q in queries]
        )

    def dense_search_many(
        self, queries: list[str], k: int, vectors: PyEmbeddings | None = None
    ) -> list[list[tuple[StoredChunk, float]]]:
        """`dense_search` for several queries, embedded (unless `vectors` are given) and
        searched in one call each."""
        if not queries:
            return []
        if self.count() == 0:
            return [[] for _ in queries]
        vectors = self.query_vectors(queries) if vectors is None else vectors
        result = self._read(
            lambda b: b.query(
                query_embeddings=vectors,
                n_results=min(k, int(b.count())),
                include=["documents", "metadatas", "distances"],
            ),
            None,
        )
        if result is None:  # no build any more
            return [[] for _ in queries]
        documents = included(result["documents"])
        metadatas = included(result["metadatas"])
        distances = included(result["distances"])
        return [
            list(
                zip(
                    _stored(result["ids"][row], documents[row], metadatas[row]),
                    (1.0 - d for d in distances[row]),
                    strict=False,
                )
            )
            for row in range(len(queries))
        ]

    def staleness(self, corpus: Corpus) -> Staleness:
        """How the published index differs from `corpus`; reads only, takes no lock."""
        state = Staleness()
        try:
            build = self._read(lambda b: b, None)
            if build is None:
                state.unusable = "there is no case index yet"
                return state
            meta = build.metadata or {}
            state.built_at = meta.get("built_at")
            state.unusable = self._mismatch(build, ("dih_ai_index", "embedder", "chunker"))
            if state.unusable is None and meta.get("corpus_hash") == corpus_hash(corpus):
                state.unchanged = len(corpus.cases)  # the build records what it was made of
            elif state.unusable is None:
                compare(corpus, self._retry(lambda: self._hashes(build), "read"), state)
        except CaseIndexError as exc:
            state.unusable = str(exc)
        return state

    def ensure_current(
        self,
        corpus: Corpus,
        on_progress: Callable[[int, int], None] | None = None,
        *,
        wait_s: float = DRAFT_WAIT_S,
    ) -> tuple[Corpus, list[str]]:
        """For a reader (a draft): sync only when the index differs from `corpus`.

        A stale index is brought in step if the lock comes within `wait_s`; otherwise it is
        read as it is and the returned warning says how stale. With no usable index at all
        this waits for the writer (`WRITE_WAIT_S`), then builds it if still needed.
        Returns the corpus the index now holds (re-read under the lock) and the warnings."""
        state = self.staleness(corpus)
        if state.fresh:
            return corpus, []
        try:
            report = self.sync(
                corpus, on_progress, wait_s=wait_s if state.unusable is None else WRITE_WAIT_S
            )
        except LockTimeout:
            if state.unusable is not None:
                raise
            return corpus, [
                f"the case index at {self.where} is behind the corpus ({state.describe()}); "
                "another process is writing it, so this draft reads it as it is; "
                "run `dih-ai index` to bring it in step"
            ]
        return report.corpus or corpus, []
