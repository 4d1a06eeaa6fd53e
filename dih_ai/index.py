"""The case-study index: Chroma (embedded by default, a `chroma run` server when a URL is set)
through `langchain_chroma.Chroma`, with the project's embedder and cosine distance.

Syncing is incremental: each chunk records its case's content hash, so an unchanged case
costs no embedding, a changed one is re-embedded, a deleted one disappears. The collection
records the embedder and the chunker; an index made with others is rebuilt, never mixed.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from dih_ai.corpus import CHUNKER_VERSION, Chunk, Corpus, chunks
from dih_ai.errors import ConfigError, IndexError_

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

DEFAULT_COLLECTION = "fabbriche-vetrina"
INDEX_FORMAT = 1


@dataclass
class SyncReport:
    """What a sync did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    chunks_embedded: int = 0
    rebuilt_because: str | None = None

    def summary(self) -> str:
        """One line for people."""
        text = (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged; "
            f"{self.chunks_embedded} chunks embedded"
        )
        if self.rebuilt_because:
            text = f"index rebuilt ({self.rebuilt_because}); " + text
        return text


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index."""

    id: str
    text: str
    metadata: dict[str, Any]


def default_index_dir() -> Path:
    """The embedded index folder: `DIH_AI_INDEX_DIR`, else `<user cache>/index`."""
    import os

    from dih_ai.resources import cache_dir

    env = os.environ.get("DIH_AI_INDEX_DIR")
    return Path(env) if env else cache_dir() / "index"


def _client_settings() -> Any:
    from chromadb.config import Settings

    # Assessment work is confidential: Chroma's product telemetry stays off.
    return Settings(anonymized_telemetry=False, allow_reset=True)


class CaseIndex:
    """A Chroma collection of case-study chunks, kept in step with a corpus."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        url: str | None = None,
        embedder: Embeddings | None = None,
        collection: str = DEFAULT_COLLECTION,
    ) -> None:
        if path is not None and url is not None:
            raise ConfigError("give an index folder or a Chroma server URL, not both")
        self.url = url
        self.path = None if url else Path(path) if path else default_index_dir()
        if embedder is None:
            from dih_ai.embeddings import E5Embeddings

            embedder = E5Embeddings()
        self.embedder = embedder
        self.collection_name = collection
        self._client: Any = None
        self._store: Chroma | None = None
        self._count: int | None = None  # chunk count, cached between writes
        self.rebuild_reason: str | None = None  # set when the folder had to be started again

    # -- connection ---------------------------------------------------------------------
    @property
    def embedder_id(self) -> str:
        """The name stored with the index for the embedder that made its vectors."""
        return str(getattr(self.embedder, "model_id", type(self.embedder).__name__))

    def _expected_metadata(self) -> dict[str, Any]:
        return {
            "hnsw:space": "cosine",
            "dih_ai_index": INDEX_FORMAT,
            "embedder": self.embedder_id,
            "chunker": CHUNKER_VERSION,
        }

    def client(self) -> Any:
        """The chromadb client (embedded `PersistentClient` or `HttpClient`)."""
        if self._client is None:
            import chromadb

            if self.url:
                parsed = urlparse(self.url)
                if not parsed.hostname:
                    raise ConfigError(f"not a Chroma server URL: {self.url!r}")
                self._client = chromadb.HttpClient(
                    host=parsed.hostname,
                    port=parsed.port or 8000,
                    ssl=parsed.scheme == "https",
                    settings=_client_settings(),
                )
            else:
                assert self.path is not None
                self.path.mkdir(parents=True, exist_ok=True)
                try:
                    self._client = chromadb.PersistentClient(
                        path=str(self.path), settings=_client_settings()
                    )
                except Exception as exc:  # a corrupted folder: say so, then start clean
                    self._client = self._recreate_folder(exc)
        return self._client

    def _recreate_folder(self, cause: Exception) -> Any:
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        assert self.path is not None
        self.rebuild_reason = f"index folder unreadable ({type(cause).__name__}); rebuilt"
        SharedSystemClient.clear_system_cache()  # drop the cached handle on the broken folder
        self._store = None
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self.path), settings=_client_settings())

    def store(self) -> Chroma:
        """The LangChain vector store over the collection."""
        if self._store is None:
            from langchain_chroma import Chroma

            self._store = Chroma(
                collection_name=self.collection_name,
                embedding_function=self.embedder,
                client=self.client(),
                collection_metadata=self._expected_metadata(),
            )
        return self._store

    def _collection(self) -> Any:
        return self.store()._collection

    # -- sync ---------------------------------------------------------------------------
    def _mismatch(self) -> str | None:
        meta = self._collection().metadata or {}
        for key in ("dih_ai_index", "embedder", "chunker"):
            expected = self._expected_metadata()[key]
            if meta.get(key) != expected:
                return f"{key} is {meta.get(key)!r}, expected {expected!r}"
        if meta.get("state") == "writing":
            return "an earlier build did not finish"
        return None

    def _reset_collection(self) -> None:
        self._count = None
        client = self.client()
        with contextlib.suppress(Exception):
            client.delete_collection(self.collection_name)
        self._store = None

    def _set_state(self, state: str) -> None:
        collection = self._collection()
        meta = {k: v for k, v in (collection.metadata or {}).items() if not k.startswith("hnsw:")}
        meta["state"] = state
        collection.modify(metadata=meta)

    def sync(
        self, corpus: Corpus, on_progress: Callable[[int, int], None] | None = None
    ) -> SyncReport:
        """Bring the index in step with `corpus`, embedding only what changed.

        `on_progress(done, total)` is called as chunks are embedded (for a progress bar)."""
        report = SyncReport()
        try:
            reason = self._mismatch()
        except Exception as exc:
            if self.path is None:  # a server: start the collection again
                reason = f"collection unreadable ({type(exc).__name__})"
            else:  # an embedded folder: start the folder again (sets rebuild_reason)
                self._client = self._recreate_folder(exc)
                reason = None
        reason = self.rebuild_reason or reason  # the folder may have been recreated on open
        if reason:
            self._reset_collection()
            report.rebuilt_because = reason
            self.rebuild_reason = None
        try:
            self._sync(corpus, report, on_progress)
        except ConfigError:
            raise
        except Exception as exc:
            raise IndexError_(f"could not update the case index: {exc}") from exc
        return report

    def _sync(
        self,
        corpus: Corpus,
        report: SyncReport,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        collection = self._collection()
        existing = collection.get(include=["metadatas"])
        indexed: dict[str, tuple[str, set[str]]] = {}
        for chunk_id, meta in zip(existing["ids"], existing["metadatas"] or [], strict=False):
            case_id = str((meta or {}).get("case_id", ""))
            digest, ids = indexed.get(case_id, (str((meta or {}).get("content_hash", "")), set()))
            ids.add(chunk_id)
            indexed[case_id] = (digest, ids)
        to_delete: list[str] = []
        to_add: list[Chunk] = []
        for case_id, case in corpus.cases.items():
            old = indexed.get(case_id)
            if old and old[0] == case.content_hash:
                report.unchanged += 1
                continue
            if old:
                to_delete.extend(old[1])
                report.updated.append(case_id)
            else:
                report.added.append(case_id)
            to_add.extend(chunks(case))
        for case_id, (_, ids) in indexed.items():
            if case_id not in corpus.cases:
                to_delete.extend(ids)
                report.removed.append(case_id)
        if not to_delete and not to_add:
            return
        self._count = None
        self._set_state("writing")
        if to_delete:
            collection.delete(ids=to_delete)
        if to_add:
            self.add_chunks(to_add, on_progress=on_progress)
            report.chunks_embedded = len(to_add)
        self._set_state("complete")

    def add_chunks(
        self,
        items: list[Chunk],
        batch_size: int = 64,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Embed and write chunks (ids are stable, so writing twice does not duplicate)."""
        store = self.store()
        self._count = None
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            store.add_texts(
                texts=[c.text for c in batch],
                metadatas=[c.metadata for c in batch],
                ids=[c.id for c in batch],
            )
            if on_progress:
                on_progress(start + len(batch), len(items))

    # -- reading ------------------------------------------------------------------------
    def count(self) -> int:
        """Number of chunks in the index (cached between writes)."""
        if self._count is None:
            self._count = int(self._collection().count())
        return self._count

    def all_chunks(self) -> list[StoredChunk]:
        """Every chunk (for the lexical side of retrieval)."""
        data = self._collection().get(include=["documents", "metadatas"])
        return [
            StoredChunk(id=i, text=d or "", metadata=dict(m or {}))
            for i, d, m in zip(data["ids"], data["documents"], data["metadatas"], strict=False)
        ]

    def dense_search(self, query: str, k: int) -> list[tuple[StoredChunk, float]]:
        """The k nearest chunks to `query` with cosine similarity (1 = same direction)."""
        return self.dense_search_many([query], k)[0]

    def dense_search_many(
        self, queries: list[str], k: int
    ) -> list[list[tuple[StoredChunk, float]]]:
        """`dense_search` for several queries, embedded and searched in one call each."""
        if not queries:
            return []
        if self.count() == 0:
            return [[] for _ in queries]
        embed_many = getattr(self.embedder, "embed_queries", None)
        vectors = (
            embed_many(queries) if embed_many else [self.embedder.embed_query(q) for q in queries]
        )
        result = self._collection().query(
            query_embeddings=vectors,
            n_results=min(k, self.count()),
            include=["documents", "metadatas", "distances"],
        )
        out: list[list[tuple[StoredChunk, float]]] = []
        for row in range(len(queries)):
            hits = zip(
                result["ids"][row],
                result["documents"][row],
                result["metadatas"][row],
                result["distances"][row],
                strict=False,
            )
            out.append(
                [
                    (StoredChunk(id=i, text=d or "", metadata=dict(m or {})), 1.0 - dist)
                    for i, d, m, dist in hits
                ]
            )
        return out
