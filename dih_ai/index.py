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
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from dih_ai.config import current
from dih_ai.corpus import CHUNKER_VERSION, Chunk, Corpus, chunks, corpus_hash
from dih_ai.errors import CaseIndexError, ConfigError, DihAiError
from dih_ai.index_lock import LOCK_FILE, LockTimeout, ServerLease, folder_lock

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

DEFAULT_COLLECTION = "fabbriche-vetrina"
INDEX_FORMAT = 2
WRITE_WAIT_S = 3600.0  # `dih-ai index` / `sync()` wait this long for another writer
DRAFT_WAIT_S = 2.0  # a draft waits this long to bring a stale index in step, then reads it
_T = TypeVar("_T")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass
class SyncReport:
    """What a sync did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    chunks_embedded: int = 0
    chunks_copied: int = 0
    rebuilt_because: str | None = None
    dropped_unfinished: list[str] = field(default_factory=list)
    build: str | None = None  # the collection published by this sync, if any
    corpus: Corpus | None = field(default=None, repr=False)  # the corpus it indexed

    def summary(self) -> str:
        """One line for people."""
        text = (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged; "
            f"{self.chunks_embedded} chunks embedded"
        )
        if self.dropped_unfinished:
            text += f"; dropped {len(self.dropped_unfinished)} unfinished earlier build(s)"
        if self.rebuilt_because:
            text = f"index rebuilt ({self.rebuilt_because}); " + text
        return text


@dataclass
class Staleness:
    """How the published index differs from a corpus (cases by id)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    unusable: str | None = None  # why the index cannot be read for this corpus at all
    built_at: str | None = None

    @property
    def fresh(self) -> bool:
        """The index holds exactly this corpus."""
        return not (self.added or self.updated or self.removed or self.unusable)

    def describe(self) -> str:
        """How stale, in words."""
        if self.unusable:
            return self.unusable
        text = (
            f"{len(self.added)} case(s) added, {len(self.updated)} changed, "
            f"{len(self.removed)} removed since it was built"
        )
        return text + (f" ({self.built_at})" if self.built_at else "")


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index."""

    id: str
    text: str
    metadata: dict[str, Any]


def default_index_dir() -> Path:
    """The embedded index folder: `DIH_AI_INDEX_DIR`, else `<user cache>/index`."""
    from dih_ai.resources import cache_dir

    return current().index_dir or cache_dir() / "index"


def _client_settings() -> Any:
    from chromadb.config import Settings

    # Assessment work is confidential: Chroma's product telemetry stays off.
    return Settings(anonymized_telemetry=False, allow_reset=True)


def _not_found(exc: Exception) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError) or "does not exist" in str(exc)


def _case_of(chunk_id: str) -> str:
    return chunk_id.split("#", 1)[0]


def _latest(corpus: Corpus) -> Corpus:
    """`corpus` as its folder holds it now (the given one if a file there does not load).
    Files are only hashed when nothing changed: parsing is for a folder that did."""
    import hashlib

    from dih_ai.corpus import load_corpus

    root = corpus.root
    if root is None or not root.is_dir() or corpus.problems:
        return corpus

    def digest(path: Path) -> str:  # as corpus.py computes `content_hash`
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]

    try:
        on_disk = {
            f"corpus/{p.relative_to(root).as_posix()}": digest(p)
            for p in root.rglob("*.md")
            if p.name.lower() != "readme.md"
        }
    except OSError:
        return corpus
    if on_disk == {c.path: c.content_hash for c in corpus.cases.values()}:
        return corpus
    again = load_corpus(root)
    return corpus if again.problems else again


class CaseIndex:
    """A Chroma collection of case-study chunks, kept in step with a corpus."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        url: str | None = None,
        embedder: Embeddings | None = None,
        collection: str = DEFAULT_COLLECTION,
        retry_s: float | None = None,
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
        # how long transient errors (a busy SQLite file, a server restarting) are retried
        if retry_s is None:
            retry_s = current().index_retry_s
        self.retry_s = retry_s if retry_s is not None else 30.0 if url else 10.0
        self._client: Any = None
        self._build: Any = None  # the published build being read (a chromadb collection)
        self._count: int | None = None  # its chunk count (a build never changes)
        self._lease: ServerLease | None = None
        self.batch_size = 64  # chunks embedded and written per call

    # -- connection ---------------------------------------------------------------------
    @property
    def embedder_id(self) -> str:
        """The name stored with the index for the embedder that made its vectors."""
        return str(getattr(self.embedder, "model_id", type(self.embedder).__name__))

    @property
    def where(self) -> str:
        """The folder or server, for messages."""
        return self.url or str(self.path)

    def _expected_metadata(self) -> dict[str, Any]:
        return {
            "hnsw:space": "cosine",
            "dih_ai_index": INDEX_FORMAT,
            "embedder": self.embedder_id,
            "chunker": CHUNKER_VERSION,
        }

    def _connect(self) -> Any:
        import chromadb

        if self.url:
            parsed = urlparse(self.url)
            if not parsed.hostname:
                raise ConfigError(f"not a Chroma server URL: {self.url!r}")
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=_client_settings(),
            )
        assert self.path is not None
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            return chromadb.PersistentClient(path=str(self.path), settings=_client_settings())
        except Exception:
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient.clear_system_cache()  # no cached handle on a folder that failed
            raise

    def client(self) -> Any:
        """The chromadb client (embedded `PersistentClient` or `HttpClient`)."""
        if self._client is None:
            self._client = self._retry(self._connect, "open the case index")
        return self._client

    def _retry(self, action: Callable[[], _T], what: str) -> _T:
        """Run `action`, retrying any error but ours for `retry_s` seconds, then report it."""
        deadline = time.monotonic() + self.retry_s
        pause, tries = 0.1, 0
        while True:
            tries += 1
            try:
                return action()
            except DihAiError:
                raise
            except Exception as exc:
                if time.monotonic() + pause > deadline:
                    raise CaseIndexError(
                        f"could not {what} at {self.where} ({tries} tries in "
                        f"{self.retry_s:g} s): {type(exc).__name__}: {exc}"
                    ) from exc
                self._build, self._count = None, None  # follow the pointer again
            time.sleep(pause)
            pause = min(pause * 2, 2.0)

    # -- reading ------------------------------------------------------------------------
    def _exists(self) -> bool:
        return self.path is None or (self.path / "chroma.sqlite3").exists()

    def _pointer_meta(self) -> dict[str, Any]:
        try:
            pointer = self.client().get_collection(f"{self.collection_name}.pointer")
            return dict(pointer.metadata or {})
        except Exception as exc:
            if _not_found(exc):
                return {}
            raise

    def _find_current(self) -> Any:
        name = self._pointer_meta().get("current")
        return self.client().get_collection(name) if name else None

    def _current(self) -> Any:
        """The published build, or None when there is none (no retry: callers retry)."""
        if self._build is None and self._exists():
            self._build = self._find_current()
        return self._build

    def _read(self, action: Callable[[Any], _T], empty: _T) -> _T:
        def attempt() -> _T:
            build = self._current()
            return empty if build is None else action(build)

        return self._retry(attempt, "read the case index")

    def refresh(self) -> None:
        """Follow the pointer again at the next read (to see a build published since)."""
        self._build, self._count = None, None

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
        return [
            StoredChunk(id=i, text=d or "", metadata=dict(m or {}))
            for i, d, m in zip(data["ids"], data["documents"], data["metadatas"], strict=False)
        ]

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

    def dense_ids_many(self, queries: list[str], k: int) -> list[list[tuple[str, float]]]:
        """The ids of the k nearest chunks to each query, with cosine similarity, without
        reading their text and metadata back (for a searcher that holds every chunk: at
        10,000 chunks that read is most of a query's time)."""
        count = self.count() if queries else 0
        if count == 0:
            return [[] for _ in queries]
        vectors = self._query_vectors(queries)
        result = self._read(
            lambda b: b.query(
                query_embeddings=vectors, n_results=min(k, count), include=["distances"]
            ),
            None,
        )
        if result is None:
            return [[] for _ in queries]
        return [
            [
                (i, 1.0 - d)
                for i, d in zip(result["ids"][row], result["distances"][row], strict=False)
            ]
            for row in range(len(queries))
        ]

    def _query_vectors(self, queries: list[str]) -> list[list[float]]:
        embed_many = getattr(self.embedder, "embed_queries", None)
        return (
            embed_many(queries) if embed_many else [self.embedder.embed_query(q) for q in queries]
        )

    def dense_search_many(
        self, queries: list[str], k: int
    ) -> list[list[tuple[StoredChunk, float]]]:
        """`dense_search` for several queries, embedded and searched in one call each."""
        if not queries:
            return []
        if self.count() == 0:
            return [[] for _ in queries]
        vectors = self._query_vectors(queries)
        result = self._read(
            lambda b: b.query(
                query_embeddings=vectors,
                n_results=min(k, int(b.count())),
                include=["documents", "metadatas", "distances"],
            ),
            None,
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

    # -- how the index stands against a corpus ------------------------------------------
    def _mismatch(self, build: Any, keys: tuple[str, ...] = ("embedder", "chunker")) -> str | None:
        """Why `build` cannot serve this index (by default: why its vectors cannot be reused)."""
        meta = build.metadata or {}
        for key in keys:
            expected = self._expected_metadata()[key]
            if meta.get(key) != expected:
                return f"{key} is {meta.get(key)!r}, expected {expected!r}"
        return None

    @staticmethod
    def _hashes(build: Any) -> dict[str, str]:
        data = build.get(include=["metadatas"])
        return {
            i: str((m or {}).get("content_hash", ""))
            for i, m in zip(data["ids"], data["metadatas"] or [], strict=False)
        }

    @staticmethod
    def _compare(corpus: Corpus, indexed: dict[str, str], into: Any) -> None:
        """Count into `into` the cases added, updated, removed and unchanged, by content hash
        (enough: a build is only ever published complete)."""
        by_case: dict[str, set[str]] = {}
        for chunk_id, digest in indexed.items():
            by_case.setdefault(_case_of(chunk_id), set()).add(digest)
        for case_id, case in corpus.cases.items():
            have = by_case.get(case_id)
            if not have:
                into.added.append(case_id)
            elif have != {case.content_hash}:
                into.updated.append(case_id)
            else:
                into.unchanged += 1
        into.removed.extend(c for c in by_case if c not in corpus.cases)

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
                self._compare(corpus, self._retry(lambda: self._hashes(build), "read"), state)
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

    # -- writing (under the lock) -------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, wait_s: float) -> Iterator[None]:
        if self.url:
            lease = ServerLease(self.client(), self.collection_name)
            with lease.hold(wait_s, self._retry):
                self._lease = lease
                try:
                    yield
                finally:
                    self._lease = None
        else:
            assert self.path is not None
            with folder_lock(self.path, wait_s):
                yield

    def sync(
        self,
        corpus: Corpus,
        on_progress: Callable[[int, int], None] | None = None,
        *,
        wait_s: float = WRITE_WAIT_S,
    ) -> SyncReport:
        """Bring the index in step with `corpus`, embedding only what changed.

        Takes the index lock (waits up to `wait_s` for another writer, else `LockTimeout`).
        The corpus is read again from its folder once the lock is held, so a writer that
        loaded it earlier never puts back an older version than the one on disk.
        `on_progress(done, total)` is called as chunks are embedded (for a progress bar)."""
        report = SyncReport()
        try:
            with self._locked(wait_s):
                self.refresh()
                corpus = report.corpus = _latest(corpus)
                self._sync(corpus, report, on_progress)
        except (ConfigError, CaseIndexError):
            raise
        except Exception as exc:
            raise CaseIndexError(f"could not update the case index at {self.where}: {exc}") from exc
        finally:
            self.refresh()
        return report

    def _open_for_writing(self, report: SyncReport) -> Any:
        """The client; an embedded folder still unreadable under the lock is set aside."""
        try:
            return self.client()
        except CaseIndexError as exc:
            cause = exc.__cause__
            if self.url or not isinstance(cause, Exception) or isinstance(cause, OSError):
                raise
            moved = self._set_aside()
        report.rebuilt_because = (
            f"index folder unreadable ({type(cause).__name__}), confirmed under the lock; "
            f"its files were moved to {moved}"
        )
        return self.client()

    def _set_aside(self) -> Path:
        assert self.path is not None
        aside = self.path / f"corrupt-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
        aside.mkdir()
        for entry in self.path.iterdir():
            if entry.name != LOCK_FILE and not entry.name.startswith("corrupt-"):
                entry.rename(aside / entry.name)
        return aside

    def _sync(
        self,
        corpus: Corpus,
        report: SyncReport,
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        client = self._open_for_writing(report)
        base = self.collection_name
        pointer = self._retry(self._pointer_meta, "read the index pointer")
        current_name, previous = pointer.get("current"), pointer.get("previous")
        names = self._retry(lambda: [c.name for c in client.list_collections()], "list builds")
        # a build that is neither current nor previous was left by a writer that died: under
        # the lock, nobody else can be writing it
        unfinished = [
            n for n in names if n.startswith(f"{base}.build-") and n not in (current_name, previous)
        ]
        legacy = base if current_name is None and base in names else None  # format 1
        source, reason = self._current_for_writing(current_name or legacy, names)
        if (
            current_name
            and source
            and (source.metadata or {}).get("corpus_hash") == corpus_hash(corpus)
        ):
            report.unchanged = len(corpus.cases)  # the build records what it was made of
            self._drop(unfinished, report.dropped_unfinished)
            return
        indexed = self._retry(lambda: self._hashes(source), "read the build") if source else {}
        self._compare(corpus, indexed, report)
        if current_name and reason:
            report.rebuilt_because = report.rebuilt_because or reason
        if current_name and not reason and not (report.added or report.updated or report.removed):
            self._drop(unfinished, report.dropped_unfinished)  # nothing to write: tidy up
            return
        sources = [(source, indexed)] if source else []
        for name in unfinished:  # a killed build's vectors are as good as any: reuse them
            with contextlib.suppress(Exception):
                build = client.get_collection(name)
                if self._mismatch(build) is None:
                    sources.append((build, self._hashes(build)))
        generation = int(pointer.get("generation", 0)) + 1
        new = self._write_build(corpus, sources, generation, report, on_progress)
        if self._lease is not None and not self._lease.still_held():
            raise CaseIndexError(
                f"lost the index lease on {self.where} while writing; {new} was not published"
            )
        self._publish(new, current_name or legacy, generation)
        report.build = new
        self._drop(unfinished, report.dropped_unfinished)
        if previous and previous not in (current_name, new):
            self._drop([previous], [])  # superseded twice: no reader should hold it now

    def _current_for_writing(self, name: str | None, names: list[str]) -> tuple[Any, str | None]:
        """The build to copy from, and why to start afresh: decided under the lock."""
        if name is None:
            return None, None
        if name not in names:
            return None, f"collection {name} is missing"
        try:
            build = self._retry(lambda: self.client().get_collection(name), "read the build")
            self._retry(lambda: build.peek(1), "read the build")
        except CaseIndexError as exc:
            self._retry(self.client().heartbeat, "reach the index")  # a network error stops here
            return None, f"collection {name} unreadable, confirmed under the lock: {exc}"
        mismatch = self._mismatch(build)  # a format-1 index: its vectors are reused as they are
        return (None, mismatch) if mismatch else (build, None)

    def _write_build(
        self,
        corpus: Corpus,
        sources: list[tuple[Any, dict[str, str]]],
        generation: int,
        report: SyncReport,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> str:
        client = self.client()
        name = f"{self.collection_name}.build-{generation}-{uuid.uuid4().hex[:8]}"
        meta = {**self._expected_metadata(), "state": "building", "started_at": _now()}
        build = self._retry(lambda: client.create_collection(name, metadata=meta), "create")
        wanted = {c.id: c for case in corpus.cases.values() for c in chunks(case)}
        for source, have in sources:
            ids = [
                i
                for i, h in have.items()
                if i in wanted and wanted[i].metadata.get("content_hash") == h
            ]
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                got = self._retry(
                    lambda s=source, p=part: s.get(ids=p, include=["embeddings"]), "copy"
                )
                items = [wanted.pop(i) for i in got["ids"]]
                self._put(build, items, list(got["embeddings"]))
                report.chunks_copied += len(items)
        todo = list(wanted.values())
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            self._put(build, batch, self.embedder.embed_documents([c.text for c in batch]))
            report.chunks_embedded += len(batch)
            if on_progress:
                on_progress(start + len(batch), len(todo))
        done = {
            **self._expected_metadata(),
            "state": "complete",
            "built_at": _now(),
            "corpus_hash": corpus_hash(corpus),
        }
        done.pop("hnsw:space")  # fixed at creation
        self._retry(lambda: build.modify(metadata=done), "finish the build")
        return name

    def _put(self, build: Any, items: list[Chunk], vectors: list[Any]) -> None:
        tries: list[int] = []

        def write() -> None:  # `add` (faster) into the fresh build; `upsert` when retrying
            method = build.upsert if tries else build.add
            tries.append(1)
            method(
                ids=[c.id for c in items],
                embeddings=[list(map(float, v)) for v in vectors],
                documents=[c.text for c in items],
                metadatas=[c.metadata for c in items],
            )

        self._retry(write, "write the build")

    def _publish(self, new: str, previous: str | None, generation: int) -> None:
        """Switch the pointer to `new`: one metadata write, atomic for every reader."""
        client = self.client()
        meta = {"current": new, "generation": generation, "switched_at": _now()}
        if previous:
            meta["previous"] = previous
        name = f"{self.collection_name}.pointer"

        def switch() -> None:
            try:
                pointer = client.get_collection(name)
            except Exception as exc:
                if not _not_found(exc):
                    raise
                client.create_collection(name, metadata=meta)  # the first build
                return
            pointer.modify(metadata=meta)

        self._retry(switch, "publish the build")

    def _drop(self, names: list[str], dropped: list[str]) -> None:
        for name in names:
            with contextlib.suppress(Exception):  # tidying up: a failure costs only disk
                self.client().delete_collection(name)
                dropped.append(name)
