"""On-disk cache of model answers: the same inputs, prompt version and model never cost a
second call. One JSON file per answer, named by the digest of everything that shaped it."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


class AnswerCache:
    """A folder of cached answers (`<cache>/llm/` by default)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(**parts: Any) -> str:
        """The digest of the request's parts (model, method, prompt version, messages...)."""
        blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached answer, or None."""
        path = self.folder / key[:2] / f"{key}.json"
        try:
            answer = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return answer if isinstance(answer, dict) else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store an answer atomically (a killed run never leaves a half-written file)."""
        path = self.folder / key[:2] / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
