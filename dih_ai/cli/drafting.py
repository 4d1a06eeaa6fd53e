"""`dih-ai validate`, `dih-ai draft` and `dih-ai batch`: assessments into drafts."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dih_ai.cli.options import (
    STORE,
    WRITER,
    AsOfOpt,
    BrandingOpt,
    CaseStore,
    DocumentFormatOpt,
    DraftFormat,
    DryRunOpt,
    LangOpt,
    OutFileOpt,
    WriterChoice,
    day,
    grouped,
    language_code,
)
from dih_ai.cli.output import branding, check_out, emit
from dih_ai.cli.progress import progress
from dih_ai.vocab import Language

if TYPE_CHECKING:
    from dih_ai.batch import BatchSummary, CompanyResult
    from dih_ai.batch_api import BatchState
    from dih_ai.config import Settings
    from dih_ai.pipeline import Workspace

BatchFormatsOpt = Annotated[
    list[DraftFormat] | None,
    typer.Option(
        "--format",
        help="md, html, docx or pdf, repeatable (default md); the JSON is always written. "
        "DIH_AI_BRANDING names the hub's branding file.",
    ),
]

BatchApiOpt = Annotated[
    bool,
    typer.Option(
        "--batch-api",
        help="Send every section through the OpenAI Batch API (half price, within 24 h); "
        "rerun the same command to resume a killed run without re-submitting.",
    ),
]


def validate(
    paths: Annotated[list[Path], typer.Argument(help="Assessment files or folders.")],
    as_of: AsOfOpt = None,
) -> None:
    """Check assessment files; print one line per problem (file: field: expected). An
    assessment dated after the drafting date (--as-of, default today) is a problem.

    Example: dih-ai validate assessments/
    """
    from dih_ai.assessment.load import load_assessments
    from dih_ai.errors import InputError
    from dih_ai.knowledge import drafting_date
    from dih_ai.plan import check_dates

    result = load_assessments(paths)
    on = drafting_date(day(as_of))
    for loaded in list(result.assessments):
        try:
            check_dates(loaded.assessment, on, loaded.source)
        except InputError as error:
            result.problems.extend(error.problems)
            result.assessments.remove(loaded)
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"{len(result.assessments)} valid, {len(result.problems)} problems", err=True)
    raise typer.Exit(2 if result.problems else 0)


@grouped
def draft(
    path: Annotated[Path, typer.Argument(help="One assessment file.")],
    fmt: DocumentFormatOpt = DraftFormat.md,
    out: OutFileOpt = None,
    branding_file: BrandingOpt = None,
    k: Annotated[int, typer.Option("--k", min=0, max=20, help="Cases to retrieve.")] = 5,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="The same company's earlier (T0) assessment file."),
    ] = None,
    lang: LangOpt = None,
    as_of: AsOfOpt = None,
    choice: WriterChoice = WRITER,
    dry_run: DryRunOpt = False,
    store: CaseStore = STORE,
) -> None:
    """Draft the AI sections for one assessment, on the drafting date (--as-of, default today).

    Examples:
      dih-ai draft meccanica.yaml --format json --out out/meccanica.json
      dih-ai draft meccanica.yaml --as-of 2026-12-03
      dih-ai draft meccanica.yaml --format pdf --branding hub/branding.yaml --out m.pdf
      dih-ai draft meccanica.yaml --backend openai --model gpt-4o-mini --dry-run
      dih-ai draft meccanica.yaml --base-url http://127.0.0.1:8080/v1 --model local
    """
    from dih_ai.assessment.load import load_assessment
    from dih_ai.estimate import estimate_draft
    from dih_ai.knowledge import drafting_date
    from dih_ai.pipeline import draft_roadmap
    from dih_ai.plan import check_dates

    check_out(fmt, out)
    brand = branding(branding_file)
    assessment = load_assessment(path)
    if lang is not None:
        assessment = assessment.model_copy(update={"language": language_code(lang)})
    before = load_assessment(baseline) if baseline else None
    on = drafting_date(day(as_of))
    check_dates(assessment, on, str(path))
    settings = choice.settings()
    workspace = store.open()
    if dry_run:
        estimate = estimate_draft(assessment, workspace, settings, k=k, baseline=before, as_of=on)
        typer.echo(estimate.text())
        return
    result = draft_roadmap(assessment, workspace, k=k, baseline=before, settings=settings, as_of=on)
    emit(result, fmt, out, brand)


@grouped
def batch(
    paths: Annotated[list[Path], typer.Argument(help="Assessment files, folders, JSONL or CSV.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the drafts.")] = Path("drafts"),
    formats: BatchFormatsOpt = None,
    lang: LangOpt = None,
    as_of: AsOfOpt = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 4,
    choice: WriterChoice = WRITER,
    k: Annotated[int, typer.Option("--k", min=0, max=20)] = 5,
    batch_api: BatchApiOpt = False,
    store: CaseStore = STORE,
) -> None:
    """Draft many companies; resumable: rerun the same command and only what is missing is done.

    Each draft is written as soon as it is done (<company>.json, and .md, .html or .docx as
    asked); batch-status.jsonl logs every company (drafted, already drafted, invalid input,
    failed) and batch-summary.json the totals. Exit 0 all drafted, 1 some failed, 2 some
    invalid input.

    Examples:
      dih-ai batch assessments/ --out drafts/ --concurrency 8
      dih-ai batch call-2026.jsonl --out drafts/ --format html --format docx --backend openai
      dih-ai batch assessments/ --out drafts/ --backend openai --batch-api
    """
    from dih_ai.batch import run_batch
    from dih_ai.writers.factory import make_writer

    settings = choice.settings()
    workspace = store.open()
    kinds = ("json", *(f.value for f in formats or [DraftFormat.md]))
    language = language_code(lang)
    if batch_api:
        _batch_api(paths, workspace, out, settings, kinds, language, k, as_of=day(as_of))
        return
    writer = make_writer(settings)
    connect = getattr(writer, "connect", None)
    if connect is not None:
        connect()  # the model client, once, before the worker threads
    with progress("drafting") as bar:
        on_start, on_result = _reporters(bar)
        summary = run_batch(
            paths,
            workspace,
            out,
            writer=writer,
            concurrency=concurrency,
            on_result=on_result,
            k=k,
            formats=kinds,
            language=language,
            on_start=on_start,
            as_of=day(as_of),
        )
    # the bar has gone: now the problems, one line each
    _finish_batch(summary, show_problems=sys.stderr.isatty())


def _reporters(
    bar: Callable[[int, int], None] | None,
) -> tuple[Callable[[int], None], Callable[[CompanyResult], None]]:
    """`run_batch`'s callbacks: the progress bar when there is one, else a line on stderr
    for each company that failed or was invalid, as it ends."""
    counts = {"done": 0, "total": 0}

    def on_start(total: int) -> None:
        counts["total"] = total

    def on_result(result: CompanyResult) -> None:
        counts["done"] += 1
        if bar is not None:
            bar(counts["done"], counts["total"])
        elif result.status in ("failed", "invalid_input"):
            typer.echo(f"{result.status}: {result.message}", err=True)

    return on_start, on_result


def _batch_api(
    paths: list[Path],
    workspace: Workspace,
    out: Path,
    settings: Settings,
    formats: tuple[str, ...],
    language: Language | None,
    k: int,
    *,
    as_of: dt.date | None,
) -> None:
    """`dih-ai batch --batch-api`: the drafts through the OpenAI Batch API."""
    from dih_ai.batch_api import run_batch_api
    from dih_ai.errors import ConfigError

    if settings.resolved_backend() != "openai":
        raise ConfigError("--batch-api needs a model: set OPENAI_API_KEY or --backend openai")

    def on_status(state: BatchState) -> None:
        typer.echo(f"batch {state.batch_id or '(not yet created)'}: {state.status}", err=True)

    summary = run_batch_api(
        paths,
        workspace,
        out,
        settings=settings,
        formats=formats,
        k=k,
        language=language,
        poll_s=settings.batch_poll_s,
        on_status=on_status,
        as_of=as_of,
    )
    _finish_batch(summary, show_problems=True)


def _finish_batch(summary: BatchSummary, show_problems: bool) -> None:
    """A batch's problems (one line each, when asked), its summary, and its exit status:
    2 when some input was invalid, 1 when some draft failed."""
    if show_problems:
        for result in summary.results:
            if result.status in ("failed", "invalid_input"):
                typer.echo(f"{result.status}: {result.message}", err=True)
    typer.echo(summary.text())
    if summary.count("invalid_input"):
        raise typer.Exit(2)
    if summary.count("failed"):
        raise typer.Exit(1)
