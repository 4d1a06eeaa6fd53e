"""Writing the case index, under the index lock: a new build `<name>.build-<n>-<hex>` (the
vectors of unchanged chunks copied, only new or changed ones embedded), marked complete,
then published by switching the pointer (see `dih_ai.index`)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dih_ai.corpus import Chunk, Corpus, chunks, corpus_hash
from dih_ai.errors import CaseIndexError, ConfigError
from dih_ai.index_chroma import IndexConnection, included, not_found
from dih_ai.index_lock import LOCK_FILE, ServerLease, folder_lock
from dih_ai.index_models import SyncReport, compare

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import GetResult, PyEmbeddings

WRITE_WAIT_S = 3600.0  # `dih-ai index` / `sync()` wait this long for another writer
_COPY_BATCH = 500  # chunk vectors copied from an earlier build per call

Progress = Callable[[int, int], None]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


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


class IndexBuilder(IndexConnection):
    """The writing side of a case index: `sync` under the index lock."""

    batch_size = 64  # chunks embedded and written per call
    _lease: ServerLease | None = None  # held while writing to a Chroma server

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
        on_progress: Progress | None = None,
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

    def _open_for_writing(self, report: SyncReport) -> ClientAPI:
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

    def _sync(self, corpus: Corpus, report: SyncReport, on_progress: Progress | None) -> None:
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
        compare(corpus, indexed, report)
        if current_name and reason:
            report.rebuilt_because = report.rebuilt_because or reason
        if current_name and not reason and not (report.added or report.updated or report.removed):
            self._drop(unfinished, report.dropped_unfinished)  # nothing to write: tidy up
            return
        sources = [(source, indexed)] if source else []
        sources += self._reusable(client, unfinished)
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

    def _reusable(
        self, client: ClientAPI, unfinished: list[str]
    ) -> list[tuple[Collection, dict[str, str]]]:
        """The unfinished builds whose vectors can be copied (a killed build's vectors are
        as good as any), with their chunks' content hashes."""
        sources = []
        for name in unfinished:
            with contextlib.suppress(Exception):
                build = client.get_collection(name)
                if self._mismatch(build) is None:
                    sources.append((build, self._hashes(build)))
        return sources

    def _current_for_writing(
        self, name: str | None, names: list[str]
    ) -> tuple[Collection | None, str | None]:
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
        sources: list[tuple[Collection, dict[str, str]]],
        generation: int,
        report: SyncReport,
        on_progress: Progress | None = None,
    ) -> str:
        """Write `corpus` into a new build, copying what `sources` hold; return its name."""
        client = self.client()
        name = f"{self.collection_name}.build-{generation}-{uuid.uuid4().hex[:8]}"
        meta = {**self._expected_metadata(), "state": "building", "started_at": _now()}
        build = self._retry(lambda: client.create_collection(name, metadata=meta), "create")
        wanted = {c.id: c for case in corpus.cases.values() for c in chunks(case)}
        for source, have in sources:
            report.chunks_copied += self._copy(build, source, have, wanted)
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

    def _copy(
        self,
        build: Collection,
        source: Collection,
        have: dict[str, str],
        wanted: dict[str, Chunk],
    ) -> int:
        """Copy into `build` the vectors of `source` whose chunk is wanted unchanged, taking
        each copied chunk out of `wanted`; return how many were copied."""
        ids = [
            i
            for i, h in have.items()
            if i in wanted and wanted[i].metadata.get("content_hash") == h
        ]
        copied = 0
        for start in range(0, len(ids), _COPY_BATCH):
            part = ids[start : start + _COPY_BATCH]

            def read(part: list[str] = part) -> GetResult:
                return source.get(ids=part, include=["embeddings"])

            got = self._retry(read, "copy")
            items = [wanted.pop(i) for i in got["ids"]]
            self._put(build, items, included(got["embeddings"]))
            copied += len(items)
        return copied

    def _put(
        self, build: Collection, items: list[Chunk], vectors: Iterable[Iterable[float]]
    ) -> None:
        tries: list[int] = []
        embeddings: PyEmbeddings = [list(map(float, v)) for v in vectors]

        def write() -> None:  # `add` (faster) into the fresh build; `upsert` when retrying
            method = build.upsert if tries else build.add
            tries.append(1)
            method(
                ids=[c.id for c in items],
                embeddings=embeddings,
                documents=[c.text for c in items],
                metadatas=[c.metadata for c in items],
            )

        self._retry(write, "write the build")

    def _publish(self, new: str, previous: str | None, generation: int) -> None:
        """Switch the pointer to `new`: one metadata write, atomic for every reader."""
        client = self.client()
        meta: dict[str, Any] = {"current": new, "generation": generation, "switched_at": _now()}
        if previous:
            meta["previous"] = previous
        name = f"{self.collection_name}.pointer"

        def switch() -> None:
            try:
                pointer = client.get_collection(name)
            except Exception as exc:
                if not not_found(exc):
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
