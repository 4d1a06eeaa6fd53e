"""Where the library finds its files: bundled prompts, corpus, data and templates, and its cache.

In a checkout, `prompts/` and `corpus/` sit at the top of the repository; an installed
wheel carries them in `dih_ai/_bundled/`. Data files and templates always live inside
the package.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from dih_ai.config import Settings, current
from dih_ai.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
TEMPLATES_DIR = PACKAGE_DIR / "templates"


def bundled_dir(name: str) -> Path:
    """Return the folder `prompts` or `corpus`, from the installed package or the checkout."""
    for candidate in (PACKAGE_DIR / "_bundled" / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"the bundled folder '{name}' is missing from the dih_ai installation")


def default_corpus_dir() -> Path:
    """The bundled Fabbriche Vetrina corpus."""
    return bundled_dir("corpus")


def prompts_dir() -> Path:
    """The bundled prompt files."""
    return bundled_dir("prompts")


def data_path(name: str) -> Path:
    """Where the data file `name` is read from: the hub's copy in `$DIH_AI_DATA_DIR` when it
    has one (a hub updates a funding call or a date there, without touching the package),
    else the bundled file in `dih_ai/data/`."""
    override = current().data_dir
    if override and (override / name).is_file():
        return override / name
    return DATA_DIR / name


def load_data(name: str) -> dict[str, Any]:
    """Load a YAML data file (thresholds, catalogues, dated facts); see `data_path`."""
    path = data_path(name)
    stat = path.stat()
    data = _load_yaml(str(path), stat.st_mtime_ns, stat.st_size)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top of the data file")
    return data


def labels() -> dict[str, Any]:
    """The reader-facing words of `data/labels.yaml` (sections, sectors, phrases...)."""
    return load_data("labels.yaml")


@functools.cache
def _load_yaml(path: str, mtime_ns: int, size: int) -> Any:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def template_folders(kind: str) -> tuple[str, ...]:
    """Where the `kind` templates ("offline", "html") are looked up, first match wins: the
    hub's own folder `$DIH_AI_TEMPLATES_DIR/<kind>` when set, then the bundled one. A hub
    restyles a document by copying one template there and editing it."""
    folders = [str(TEMPLATES_DIR / kind)]
    override = current().templates_dir
    if override:
        folders.insert(0, str(override / kind))
    return tuple(folders)


def cache_dir(settings: Settings | None = None) -> Path:
    """The user cache folder: the settings' `cache_dir` (`DIH_AI_CACHE_DIR`), else the
    platform's user cache folder."""
    path = (settings or current()).cache_dir
    if path is None:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("dih-ai", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
