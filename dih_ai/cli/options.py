"""The options the commands share, declared once, and the option groups a command takes as
one parameter: `CaseStore` (--corpus, --index-dir, --chroma-url) and `WriterChoice`
(--backend, --model, --base-url). A command declares `store: CaseStore = CaseStore()` and
`@grouped` puts the group's options in that place for typer (so `--help` lists them there).

Options fall back on their environment variables through `dih_ai.config` (the library reads
them when an option is not given), never through typer.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import typer

from dih_ai.cli.progress import progress

if TYPE_CHECKING:
    from dih_ai.config import Settings
    from dih_ai.pipeline import Workspace
    from dih_ai.vocab import Language as LanguageCode


class DraftFormat(StrEnum):
    md = "md"
    html = "html"
    docx = "docx"
    pdf = "pdf"
    json = "json"


class Backend(StrEnum):
    auto = "auto"
    offline = "offline"
    openai = "openai"


class Language(StrEnum):
    it = "it"
    en = "en"


def language_code(choice: Language | None) -> LanguageCode | None:
    """The library's language code of a `--lang` choice (None: not given)."""
    return None if choice is None else ("it" if choice is Language.it else "en")


class ListFormat(StrEnum):
    text = "text"
    json = "json"


def _chroma_url(value: str | None) -> str | None:
    """--chroma-url, else DIH_AI_CHROMA_URL (read only by the commands that have the option)."""
    from dih_ai.config import current  # only then: `dih-ai --help` loads no settings

    return value or current().chroma_url


LangOpt = Annotated[
    Language | None,
    typer.Option("--lang", help="Write the draft in this language (default: the assessment's)."),
]
CorpusOpt = Annotated[
    Path | None, typer.Option("--corpus", help="Corpus folder (default: the bundled corpus).")
]
IndexOpt = Annotated[
    Path | None,
    typer.Option(
        "--index-dir", help="Embedded Chroma folder (default: DIH_AI_INDEX_DIR, else user cache)."
    ),
]
ChromaOpt = Annotated[
    str | None,
    typer.Option(
        "--chroma-url",
        callback=_chroma_url,
        help="Use a Chroma server (chroma run) instead of the embedded index "
        "(default: DIH_AI_CHROMA_URL).",
    ),
]
BackendOpt = Annotated[
    Backend | None,
    typer.Option(
        "--backend",
        help="offline, openai, or auto (a model when one is configured); default: "
        "DIH_AI_BACKEND, else auto.",
    ),
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name.")]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="Print the calls, prompt tokens and estimated cost; send nothing."
    ),
]
AsOfOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Drafting date YYYY-MM-DD (default: DIH_AI_AS_OF, else today): what is in force "
        "and which funding is open are computed on it, never on the assessment date.",
    ),
]
BrandingOpt = Annotated[
    Path | None,
    typer.Option(
        "--branding",
        help="The hub's branding YAML (name, logo, colours, footer) for html, docx and pdf "
        "(default: DIH_AI_BRANDING).",
    ),
]
DocumentFormatOpt = Annotated[
    DraftFormat, typer.Option("--format", help="md, html, docx, pdf or json.")
]
OutFileOpt = Annotated[Path | None, typer.Option("--out", help="Write here (default: stdout).")]
ListFormatOpt = Annotated[ListFormat, typer.Option("--format", help="text or json.")]


def day(as_of: dt.datetime | None) -> dt.date | None:
    """The date of an --as-of value (None: not given)."""
    return as_of.date() if as_of else None


@dataclass(frozen=True)
class CaseStore:
    """Where the case studies are: the corpus folder and its index (a folder or a server)."""

    corpus: Path | None = None
    index_dir: Path | None = None
    chroma_url: str | None = None

    OPTIONS: ClassVar[dict[str, Any]] = {
        "corpus": CorpusOpt,
        "index_dir": IndexOpt,
        "chroma_url": ChromaOpt,
    }

    def open(self) -> Workspace:
        """The corpus and its index, indexed first when needed (a progress bar on a
        terminal); its warnings printed on stderr. A server URL wins over a folder."""
        from dih_ai.pipeline import Workspace

        index_dir = None if self.chroma_url else self.index_dir
        with progress("indexing the case studies") as on_progress:
            workspace = Workspace.open(
                self.corpus, index_dir, chroma_url=self.chroma_url, on_progress=on_progress
            )
        for warning in workspace.warnings:
            typer.echo(f"warning: {warning}", err=True)
        return workspace


@dataclass(frozen=True)
class WriterChoice:
    """Which writer: the backend, the model and the server given on the command line."""

    backend: Backend | None = None
    model: str | None = None
    base_url: str | None = None

    OPTIONS: ClassVar[dict[str, Any]] = {
        "backend": BackendOpt,
        "model": ModelOpt,
        "base_url": BaseUrlOpt,
    }

    def settings(self) -> Settings:
        """The settings: these options over the environment."""
        from dih_ai.config import settings

        values: dict[str, Any] = {"backend": self.backend.value} if self.backend else {}
        if self.model:
            values["model"] = self.model
        if self.base_url:
            values["base_url"] = self.base_url
        return settings(**values)


GROUPS = (CaseStore, WriterChoice)
STORE = CaseStore()  # the defaults a command declares its groups with (typer never uses them)
WRITER = WriterChoice()


def grouped(command: Callable[..., None]) -> Callable[..., None]:
    """Let `command` take option groups: each parameter annotated with a group becomes that
    group's options, in its place, for typer; the command is called with the group."""
    signature = inspect.signature(command, eval_str=True)
    params: list[inspect.Parameter] = []
    groups: dict[str, Any] = {}
    for param in signature.parameters.values():
        if param.annotation not in GROUPS:
            params.append(param)
            continue
        groups[param.name] = param.annotation
        params += [
            inspect.Parameter(name, param.kind, default=None, annotation=option)
            for name, option in param.annotation.OPTIONS.items()
        ]

    @functools.wraps(command)
    def run(**values: Any) -> None:
        for name, group in groups.items():
            values[name] = group(**{option: values.pop(option) for option in group.OPTIONS})
        command(**values)

    run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    return run
