"""The case index's Chroma connection: the client (embedded folder or `chroma run` server),
transient errors retried for a while then reported, and the published build found by
following the pointer collection `<name>.pointer` (see `dih_ai.index`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from dih_ai.config import current
from dih_ai.corpus import CHUNKER_VERSION
from dih_ai.errors import CaseIndexError, ConfigError, DihAiError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.config import Settings
    from langchain_core.embeddings import Embeddings

DEFAULT_COLLECTION = "fabbriche-vetrina"
INDEX_FORMAT = 2
_T = TypeVar("_T")
_C = TypeVar("_C")


def default_index_dir() -> Path:
    """The embedded index folder: `DIH_AI_INDEX_DIR`, else `<user cache>/index`."""
    from dih_ai.resources import cache_dir

    return current().index_dir or cache_dir() / "index"


def _client_settings() -> Settings:
    from chromadb.config import Settings

    # Assessment work is confidential: Chroma's product telemetry stays off.
    return Settings(anonymized_telemetry=False, allow_reset=True)


def not_found(exc: Exception) -> bool:
    """Whether `exc` is Chroma's answer for a collection that does not exist."""
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError) or "does not exist" in str(exc)


def included(column: _C | None) -> _C:
    """A column a read asked for (Chroma types every column but the ids as optional)."""
    if column is None:
        raise CaseIndexError("the case index answered without a column it was asked for")
    return column


class IndexConnection:
    """A case index's Chroma client, its retries and its published build (reads only)."""

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
        self._client: ClientAPI | None = None
        self._build: Collection | None = None  # the published build being read
        self._count: int | None = None  # its chunk count (a build never changes)

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

    def _connect(self) -> ClientAPI:
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

    def client(self) -> ClientAPI:
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

    def _exists(self) -> bool:
        return self.path is None or (self.path / "chroma.sqlite3").exists()

    def _pointer_meta(self) -> dict[str, Any]:
        try:
            pointer = self.client().get_collection(f"{self.collection_name}.pointer")
            return dict(pointer.metadata or {})
        except Exception as exc:
            if not_found(exc):
                return {}
            raise

    def _find_current(self) -> Collection | None:
        name = self._pointer_meta().get("current")
        return self.client().get_collection(name) if name else None

    def _current(self) -> Collection | None:
        """The published build, or None when there is none (no retry: callers retry)."""
        if self._build is None and self._exists():
            self._build = self._find_current()
        return self._build

    def _read(self, action: Callable[[Collection], _T], empty: _T) -> _T:
        def attempt() -> _T:
            build = self._current()
            return empty if build is None else action(build)

        return self._retry(attempt, "read the case index")

    def refresh(self) -> None:
        """Follow the pointer again at the next read (to see a build published since)."""
        self._build, self._count = None, None

    def _mismatch(
        self, build: Collection, keys: tuple[str, ...] = ("embedder", "chunker")
    ) -> str | None:
        """Why `build` cannot serve this index (by default: why its vectors cannot be reused)."""
        meta = build.metadata or {}
        for key in keys:
            expected = self._expected_metadata()[key]
            if meta.get(key) != expected:
                return f"{key} is {meta.get(key)!r}, expected {expected!r}"
        return None

    @staticmethod
    def _hashes(build: Collection) -> dict[str, str]:
        """The content hash of every chunk of `build`, by chunk id."""
        data = build.get(include=["metadatas"])
        return {
            i: str((m or {}).get("content_hash", ""))
            for i, m in zip(data["ids"], data["metadatas"] or [], strict=False)
        }
