"""The `dih-ai` command. Exit status: 0 done, 1 failed (model, index), 2 bad input."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dih_ai.errors import DihAiError, InputError

app = typer.Typer(
    name="dih-ai",
    help="Draft the AI sections of a digital-maturity roadmap from assessment results, "
    "grounded in Fabbriche Vetrina case studies.\n\n"
    "Examples:\n\n"
    "  dih-ai demo\n\n"
    "  dih-ai draft meccanica.yaml --format html --out meccanica.html\n\n"
    "Exit status: 0 done, 1 failed (model, index), 2 bad input.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
corpus_app = typer.Typer(help="Check and list the case-study corpus.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
eval_app = typer.Typer(invoke_without_command=True)  # help: the callback's docstring
app.add_typer(eval_app, name="eval")


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


LangOpt = Annotated[
    Language | None,
    typer.Option("--lang", help="Write the draft in this language (default: the assessment's)."),
]


class ListFormat(StrEnum):
    text = "text"
    json = "json"


CorpusOpt = Annotated[
    Path | None, typer.Option("--corpus", help="Corpus folder (default: the bundled corpus).")
]
IndexOpt = Annotated[
    Path | None,
    typer.Option(
        "--index-dir",
        envvar="DIH_AI_INDEX_DIR",
        help="Embedded Chroma folder (default: user cache).",
    ),
]
ChromaOpt = Annotated[
    str | None,
    typer.Option(
        "--chroma-url",
        envvar="DIH_AI_CHROMA_URL",
        help="Use a Chroma server (chroma run) instead of the embedded index.",
    ),
]


BackendOpt = Annotated[
    Backend,
    typer.Option(
        "--backend",
        envvar="DIH_AI_BACKEND",
        help="offline, openai, or auto (a model when one is configured).",
    ),
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name.")]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="Print the calls, prompt tokens and estimated cost; send nothing."
    ),
]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")]
AsOfOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        envvar="DIH_AI_AS_OF",
        formats=["%Y-%m-%d"],
        help="Drafting date YYYY-MM-DD (default today): what is in force and which funding is "
        "open are computed on it, never on the assessment date.",
    ),
]
BrandingOpt = Annotated[
    Path | None,
    typer.Option(
        "--branding",
        envvar="DIH_AI_BRANDING",
        help="The hub's branding YAML (name, logo, colours, footer) for html, docx and pdf.",
    ),
]


def _fail(error: DihAiError) -> None:
    if isinstance(error, InputError):
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2)
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(1)


def _write(content: str | bytes, out: Path | None) -> None:
    if out is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            out.write_bytes(content)
        else:
            out.write_text(content, encoding="utf-8")
    except OSError as error:
        typer.echo(f"--out: {out}: {error.strerror}; expected a writable file path", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {out}", err=True)


def _check_out(fmt: DraftFormat, out: Path | None) -> None:
    """Refuse, before any work, an output that cannot be written."""
    if fmt in (DraftFormat.docx, DraftFormat.pdf) and out is None:
        typer.echo(f"--format {fmt.value} needs --out FILE.{fmt.value}", err=True)
        raise typer.Exit(2)
    if out is not None and out.is_dir():
        typer.echo(f"--out: {out}: is a folder; expected a file path", err=True)
        raise typer.Exit(2)


def _branding(path: Path | None):
    """The hub's branding (the neutral one without a file); a bad file exits 2."""
    from dih_ai.documents.branding import load_branding

    try:
        return load_branding(path)
    except DihAiError as error:
        _fail(error)


def _emit(document, fmt: DraftFormat, out: Path | None, branding=None) -> None:
    """Write a draft or deep dive in the format asked, to a file or stdout (the caller ran
    `_check_out` and `_branding` before doing the work)."""
    from dih_ai.render import to_json, to_markdown

    if fmt in (DraftFormat.docx, DraftFormat.pdf, DraftFormat.html):
        from dih_ai.documents import to_docx, to_html, to_pdf

        render = {"docx": to_docx, "pdf": to_pdf, "html": to_html}[fmt.value]
        try:
            content = render(document, branding)
        except DihAiError as error:
            _fail(error)
        _write(content, out)
        return
    _write(to_json(document) if fmt is DraftFormat.json else to_markdown(document), out)


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing when piped or in CI."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _workspace(corpus: Path | None, index_dir: Path | None, chroma_url: str | None):
    from dih_ai.pipeline import Workspace

    if chroma_url and index_dir:
        index_dir = None  # a server URL wins over the env/default folder
    with _progress("indexing the case studies") as on_progress:
        workspace = Workspace.open(
            corpus, index_dir, chroma_url=chroma_url, on_progress=on_progress
        )
    for warning in workspace.warnings:
        typer.echo(f"warning: {warning}", err=True)
    return workspace


def _settings(backend: Backend, model: str | None, base_url: str | None):
    from dih_ai.config import Settings

    values: dict[str, object] = {"backend": backend.value}
    if model:
        values["model"] = model
    if base_url:
        values["base_url"] = base_url
    return Settings(**values)


def _finish_batch(summary, show_problems: bool) -> None:
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


def _dry_run(assessment, workspace, settings, k, baseline, as_of=None) -> None:
    from dih_ai.pipeline import prepare
    from dih_ai.writers.llm import LLMWriter

    if settings.resolved_backend() == "offline":
        typer.echo("offline writer: no model calls, no tokens, no cost")
        return
    data, _ = prepare(assessment, workspace, k=k, baseline=baseline, as_of=as_of)
    writer = LLMWriter(settings)
    _print_calls(writer, writer.estimate(data))


def _print_calls(writer, calls) -> None:
    """The --dry-run table: calls, prompt tokens, output limit, sources, cost."""
    typer.echo(f"model {writer.model_name} ({writer.method}); nothing sent")
    typer.echo(f"{'section':<16} {'prompt':>7} {'max out':>8} {'sources':>7} {'cost $':>9}")
    for call in calls:
        typer.echo(
            f"{call.section_id:<16} {call.prompt_tokens:>7} "
            f"{call.max_completion_tokens:>8} {call.sources_used:>7} "
            f"{call.cost_usd:>9.4f}"
        )
    total_in = sum(c.prompt_tokens for c in calls)
    cached = sum(getattr(c, "cached_tokens", 0) for c in calls)
    total_out = sum(c.max_completion_tokens for c in calls)
    typer.echo(
        f"{len(calls)} calls, {total_in} prompt tokens ({cached} expected from the provider's "
        f"prompt cache), at most {total_out} completion tokens, at most "
        f"${sum(c.cost_usd for c in calls):.4f} "
        "(before any re-ask; list prices in data/prices.yaml)"
    )


@app.command()
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
    day = drafting_date(as_of.date() if as_of else None)
    for loaded in list(result.assessments):
        try:
            check_dates(loaded.assessment, day, loaded.source)
        except InputError as error:
            result.problems.extend(error.problems)
            result.assessments.remove(loaded)
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"{len(result.assessments)} valid, {len(result.problems)} problems", err=True)
    raise typer.Exit(2 if result.problems else 0)


@app.command()
def draft(
    path: Annotated[Path, typer.Argument(help="One assessment file.")],
    fmt: Annotated[
        DraftFormat, typer.Option("--format", help="md, html, docx, pdf or json.")
    ] = DraftFormat.md,
    out: Annotated[Path | None, typer.Option("--out", help="Write here (default: stdout).")] = None,
    branding: BrandingOpt = None,
    k: Annotated[int, typer.Option("--k", min=0, max=20, help="Cases to retrieve.")] = 5,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="The same company's earlier (T0) assessment file."),
    ] = None,
    lang: LangOpt = None,
    as_of: AsOfOpt = None,
    backend: BackendOpt = Backend.auto,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    dry_run: DryRunOpt = False,
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    chroma_url: ChromaOpt = None,
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
    from dih_ai.knowledge import drafting_date
    from dih_ai.pipeline import draft_roadmap
    from dih_ai.plan import check_dates

    _check_out(fmt, out)
    brand = _branding(branding)
    try:
        assessment = load_assessment(path)
        if lang is not None:
            assessment = assessment.model_copy(update={"language": lang.value})
        before = load_assessment(baseline) if baseline else None
        day = drafting_date(as_of.date() if as_of else None)
        check_dates(assessment, day, str(path))
        settings = _settings(backend, model, base_url)
        workspace = _workspace(corpus, index_dir, chroma_url)
        if dry_run:
            _dry_run(assessment, workspace, settings, k, before, day)
            return
        result = draft_roadmap(
            assessment, workspace, k=k, baseline=before, settings=settings, as_of=day
        )
    except DihAiError as error:
        _fail(error)
    _emit(result, fmt, out, brand)


@app.command()
def batch(
    paths: Annotated[list[Path], typer.Argument(help="Assessment files, folders, JSONL or CSV.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the drafts.")] = Path("drafts"),
    formats: Annotated[
        list[DraftFormat] | None,
        typer.Option(
            "--format",
            help="md, html, docx or pdf, repeatable (default md); the JSON is always written. "
            "DIH_AI_BRANDING names the hub's branding file.",
        ),
    ] = None,
    lang: LangOpt = None,
    as_of: AsOfOpt = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 4,
    backend: BackendOpt = Backend.auto,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    k: Annotated[int, typer.Option("--k", min=0, max=20)] = 5,
    batch_api: Annotated[
        bool,
        typer.Option(
            "--batch-api",
            help="Send every section through the OpenAI Batch API (half price, within 24 h); "
            "rerun the same command to resume a killed run without re-submitting.",
        ),
    ] = False,
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    chroma_url: ChromaOpt = None,
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
    from dih_ai.pipeline import make_writer

    try:
        settings = _settings(backend, model, base_url)
        workspace = _workspace(corpus, index_dir, chroma_url)
        if batch_api:
            _batch_api(paths, workspace, out, settings, formats, lang, k, as_of)
            return
        writer = make_writer(settings)
        if hasattr(writer, "_structured"):
            writer._structured()  # create the client once, before the worker threads
    except DihAiError as error:
        _fail(error)
    counts = {"done": 0, "total": 0}
    with _progress("drafting") as progress:

        def on_start(total: int) -> None:
            counts["total"] = total

        def on_result(result) -> None:
            counts["done"] += 1
            if progress is not None:
                progress(counts["done"], counts["total"])
            elif result.status in ("failed", "invalid_input"):
                typer.echo(f"{result.status}: {result.message}", err=True)

        summary = run_batch(
            paths,
            workspace,
            out,
            writer=writer,
            concurrency=concurrency,
            on_result=on_result,
            k=k,
            formats=("json", *(f.value for f in formats or [DraftFormat.md])),
            language=lang.value if lang else None,
            on_start=on_start,
            as_of=as_of.date() if as_of else None,
        )
    # the bar has gone: now the problems, one line each
    _finish_batch(summary, show_problems=sys.stderr.isatty())


class PortfolioFormat(StrEnum):
    html = "html"
    md = "md"
    xlsx = "xlsx"
    csv = "csv"
    pdf = "pdf"


@app.command()
def portfolio(
    paths: Annotated[
        list[Path], typer.Argument(help="Batch output folders, folders of drafts, draft files.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the report.")] = Path("portfolio"),
    assessments: Annotated[
        list[Path] | None,
        typer.Option("--assessments", help="Assessments the drafts were made from (repeatable)."),
    ] = None,
    formats: Annotated[
        list[PortfolioFormat] | None,
        typer.Option(
            "--format", help="html, md, xlsx, csv, pdf, repeatable (default: the first four)."
        ),
    ] = None,
    internal: Annotated[
        bool,
        typer.Option(
            "--internal",
            help="Every value and the company names (files end in -internal); not for sharing.",
        ),
    ] = False,
) -> None:
    """A portfolio report across all the hub's companies: counts, DMA, readiness, AI, money and
    T0-T1 impact, as HTML with charts, Markdown, and one row per company (XLSX, CSV).

    The report is aggregate and shareable: any figure over fewer than 3 companies shows "<3".
    Files that are not drafts are skipped and named on stderr. Exit 2 when an input is missing
    or no draft is found.

    Examples:
      dih-ai portfolio drafts/ --out report/
      dih-ai portfolio drafts-2026/ --assessments assessments/ --format html --format xlsx
      dih-ai portfolio drafts/ --out report/ --internal
    """
    from dih_ai.documents.pdf import html_to_pdf
    from dih_ai.portfolio import portfolio_report

    missing = [p for p in [*paths, *(assessments or [])] if not p.exists()]
    if missing:
        for path in missing:
            typer.echo(f"{path}: no such file or folder; expected drafts or assessments", err=True)
        raise typer.Exit(2)
    if out.exists() and not out.is_dir():
        typer.echo(f"--out: {out}: is a file; expected a folder", err=True)
        raise typer.Exit(2)
    try:
        report = portfolio_report(paths, assessments)
    except DihAiError as error:
        _fail(error)
    for skipped in report.skipped:
        typer.echo(f"skipped: {skipped}", err=True)
    if not report.portfolio.drafts:
        where = ", ".join(str(p) for p in paths)
        typer.echo(f"{where}: no draft found; expected draft JSON files (dih-ai batch)", err=True)
        raise typer.Exit(2)
    suffix = "-internal" if internal else ""
    outputs = {
        PortfolioFormat.html: (f"portfolio{suffix}.html", lambda: report.to_html(internal)),
        PortfolioFormat.md: (f"portfolio{suffix}.md", lambda: report.to_markdown(internal)),
        PortfolioFormat.xlsx: (f"portfolio{suffix}.xlsx", lambda: report.to_xlsx(internal)),
        PortfolioFormat.csv: (f"companies{suffix}.csv", lambda: report.to_csv(internal)),
        PortfolioFormat.pdf: (
            f"portfolio{suffix}.pdf",
            lambda: html_to_pdf(report.to_html(internal)),
        ),
    }
    for fmt in formats or [f for f in PortfolioFormat if f is not PortfolioFormat.pdf]:
        name, make = outputs[fmt]
        try:
            content = make()
        except DihAiError as error:
            _fail(error)
        _write(content, out / name)
    typer.echo(repr(report).removeprefix("PortfolioReport(").removesuffix(")"))


def _batch_api(paths, workspace, out, settings, formats, lang, k, as_of=None) -> None:
    """`dih-ai batch --batch-api`: the drafts through the OpenAI Batch API."""
    from dih_ai.batch_api import run_batch_api
    from dih_ai.errors import ConfigError

    if settings.resolved_backend() != "openai":
        raise ConfigError("--batch-api needs a model: set OPENAI_API_KEY or --backend openai")

    def on_status(state) -> None:
        typer.echo(f"batch {state.batch_id or '(not yet created)'}: {state.status}", err=True)

    summary = run_batch_api(
        paths,
        workspace,
        out,
        settings=settings,
        formats=("json", *(f.value for f in formats or [DraftFormat.md])),
        k=k,
        language=lang.value if lang else None,
        poll_s=settings.batch_poll_s,
        on_status=on_status,
        as_of=as_of.date() if as_of else None,
    )
    _finish_batch(summary, show_problems=True)


@app.command("deep-dive")
def deep_dive_command(
    draft_path: Annotated[
        Path, typer.Argument(metavar="DRAFT", help="A draft JSON (dih-ai draft --format json).")
    ],
    initiative_id: Annotated[
        str, typer.Argument(metavar="INITIATIVE_ID", help="e.g. uc-predictive-maintenance.")
    ],
    fmt: Annotated[
        DraftFormat, typer.Option("--format", help="md, html, docx, pdf or json.")
    ] = DraftFormat.md,
    out: Annotated[Path | None, typer.Option("--out", help="Write here (default: stdout).")] = None,
    branding: BrandingOpt = None,
    assessment_path: Annotated[
        Path | None,
        typer.Option(
            "--assessment",
            help="The draft's assessment: company profile, goals and notes, the company's name.",
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", help="Start date YYYY-MM-DD: dates the milestones."),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="Language (default: the draft's; another needs --assessment)."),
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=10, help="Cases to cite.")] = 3,
    backend: BackendOpt = Backend.auto,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    dry_run: DryRunOpt = False,
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    chroma_url: ChromaOpt = None,
) -> None:
    """Expand one initiative of a draft into an implementation plan (Deep Dive).

    Phases and activities, roles, data and infrastructure, risks, milestones, KPIs with the
    baselines to measure, cited cases. An unknown INITIATIVE_ID lists the draft's initiatives.

    Examples:
      dih-ai deep-dive out/meccanica.json uc-predictive-maintenance --start 2027-01-11
      dih-ai deep-dive out/meccanica.json gate-data --format html --out dd.html
      dih-ai deep-dive out/meccanica.json ai-literacy --assessment meccanica.yaml --lang en
    """
    import datetime as dt

    from dih_ai.assessment.load import load_assessment
    from dih_ai.deep_dive import check_same_company, deep_dive, find_initiative, load_draft
    from dih_ai.errors import Problem

    _check_out(fmt, out)
    brand = _branding(branding)
    try:
        try:
            begin = dt.date.fromisoformat(start) if start else None
        except ValueError:
            raise InputError(
                [Problem("--start", start or "", "expected a date as YYYY-MM-DD")]
            ) from None
        draft_doc = load_draft(draft_path)
        find_initiative(draft_doc, initiative_id, str(draft_path))
        assessment = load_assessment(assessment_path) if assessment_path else None
        if assessment is not None:
            check_same_company(draft_doc, assessment, str(assessment_path))
        settings = _settings(backend, model, base_url)
        if dry_run and settings.resolved_backend() == "offline":
            typer.echo("offline writer: no model calls, no tokens, no cost")
            return
        workspace = _workspace(corpus, index_dir, chroma_url)
        if dry_run:
            from dih_ai.deep_dive import prepare_deep_dive
            from dih_ai.writers.llm import LLMWriter, SectionJob

            writer = LLMWriter(settings)
            data = prepare_deep_dive(
                draft_doc,
                initiative_id,
                workspace,
                assessment=assessment,
                start=begin,
                k=k,
                language=lang.value if lang else None,
            )[0]
            _print_calls(writer, writer.estimate(SectionJob.deep_dive(data, writer.fallback)))
            return
        result = deep_dive(
            draft_doc,
            initiative_id,
            workspace,
            assessment=assessment,
            settings=settings,
            start=begin,
            k=k,
            language=lang.value if lang else None,
        )
    except DihAiError as error:
        _fail(error)
    _emit(result, fmt, out, brand)


@app.command()
def facts(
    as_of: AsOfOpt = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
) -> None:
    """List the dated facts the drafts rely on (AI Act milestones, funding calls, the DMA
    questionnaire, model prices) with their source, check date and review date; warn about
    those past their review date on --as-of (default today). Exit 0 even when some are due:
    a due fact is a reminder to the hub, not an error.

    Examples:
      dih-ai facts
      dih-ai facts --as-of 2027-07-01 --format json
    """
    from dih_ai.knowledge import drafting_date, list_facts

    day = drafting_date(as_of.date() if as_of else None)
    listed = list_facts(day)
    if fmt == ListFormat.json:
        typer.echo(json.dumps([f.model_dump(mode="json") for f in listed], indent=2))
    else:
        for fact in listed:
            typer.echo(fact.line)
    due = [f for f in listed if f.status != "ok"]
    for fact in due:
        typer.echo(
            f"warning: {fact.file}: {fact.id}: review was due on {fact.review_by}"
            if fact.status == "review_due"
            else f"warning: {fact.file}: {fact.id}: no checked_on date",
            err=True,
        )
    typer.echo(f"{len(listed)} facts, {len(due)} due for review on {day}", err=True)


@app.command()
def retrieve(
    path: Annotated[Path, typer.Argument(help="One assessment file.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many cases.")] = 5,
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    chroma_url: ChromaOpt = None,
) -> None:
    """List the case studies retrieved for an assessment, with scores and reasons.

    Example: dih-ai retrieve meccanica.yaml --k 5 --format json
    """
    from dih_ai.assessment.load import load_assessment
    from dih_ai.plan import make_plan
    from dih_ai.retrieval import retrieve_cases

    try:
        assessment = load_assessment(path)
        workspace = _workspace(corpus, index_dir, chroma_url)
        cases = retrieve_cases(
            assessment, workspace.index, make_plan(assessment), k=k, searcher=workspace.searcher
        )
    except DihAiError as error:
        _fail(error)
    rows = [{"id": c.id, "title": c.title, "score": c.score, "reason": c.reason} for c in cases]
    if fmt is ListFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        for n, row in enumerate(rows, start=1):
            sys.stdout.write(
                f"{n}. {row['id']}  {row['score']:.3f}  {row['title']}\n   {row['reason']}\n"
            )


@app.command()
def index(
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    chroma_url: ChromaOpt = None,
) -> None:
    """Build or update the case-study index (only changed cases are embedded).

    Example: dih-ai index --corpus corpus/
    """
    from dih_ai.corpus import load_corpus
    from dih_ai.index import CaseIndex
    from dih_ai.resources import default_corpus_dir

    try:
        loaded = load_corpus(corpus or default_corpus_dir())
        if loaded.problems:
            raise InputError(loaded.problems)
        case_index = CaseIndex(None if chroma_url else index_dir, url=chroma_url)
        with _progress("indexing the case studies") as on_progress:
            report = case_index.sync(loaded, on_progress=on_progress)
    except DihAiError as error:
        _fail(error)
    where = chroma_url or case_index.path
    typer.echo(f"{where}: {report.summary()}; {case_index.count()} chunks")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the draft.")] = Path("dih-ai-demo"),
    index_dir: IndexOpt = None,
) -> None:
    """Index the bundled corpus, draft the bundled sample assessment offline (Markdown, JSON,
    HTML) and write a Deep Dive on its first use case.

    Example: dih-ai demo --out demo/
    """
    from dih_ai.assessment.load import load_assessment
    from dih_ai.deep_dive import deep_dive
    from dih_ai.documents import to_html
    from dih_ai.pipeline import draft_roadmap
    from dih_ai.render import to_json, to_markdown
    from dih_ai.resources import DATA_DIR

    sample = DATA_DIR / "samples" / "officina-meccanica.yaml"
    try:
        workspace = _workspace(None, index_dir, None)
        assessment = load_assessment(sample)
        result = draft_roadmap(assessment, workspace)
        first = next((i for i in result.initiatives if i.use_case), result.initiatives[0])
        dive = deep_dive(result, first.id, workspace, assessment=assessment)
    except DihAiError as error:
        _fail(error)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / result.company_id
    written = {
        stem.with_suffix(".md"): to_markdown(result),
        stem.with_suffix(".json"): to_json(result),
        stem.with_suffix(".html"): to_html(result),
        out / f"{result.company_id}-deep-dive-{first.id}.md": to_markdown(dive),
    }
    for path, text in written.items():
        path.write_text(text, encoding="utf-8")
    typer.echo(f"sample assessment: {sample}")
    typer.echo(
        f"index: {workspace.index.path} ({workspace.index.count()} chunks, "
        f"{len(workspace.corpus.cases)} cases)"
    )
    typer.echo(
        f"draft ({result.generated_by.backend} writer, {len(result.citations)} cases cited) "
        f"and a deep dive on '{first.title}':"
    )
    for path in written:
        typer.echo(f"  {path}")


@corpus_app.command("validate")
def corpus_validate(corpus: CorpusOpt = None) -> None:
    """Check the corpus front matter against the vocabularies; warn on thin cases.

    Example: dih-ai corpus validate --corpus corpus/
    """
    from dih_ai.corpus import case_warnings, load_corpus
    from dih_ai.resources import default_corpus_dir

    loaded = load_corpus(corpus or default_corpus_dir())
    for problem in loaded.problems:
        typer.echo(str(problem), err=True)
    warnings = [w for case in loaded.cases.values() for w in case_warnings(case)]
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(
        f"{len(loaded.cases)} cases, {len(loaded.problems)} problems, {len(warnings)} warnings",
        err=True,
    )
    raise typer.Exit(2 if loaded.problems else 0)


@corpus_app.command("list")
def corpus_list(
    corpus: CorpusOpt = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
) -> None:
    """List the case studies (id, sector, size, AI use cases, title)."""
    from dih_ai.corpus import load_corpus
    from dih_ai.resources import default_corpus_dir

    loaded = load_corpus(corpus or default_corpus_dir())
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "sector": c.sector,
            "size_band": c.size_band,
            "ai_use_cases": c.ai_use_cases,
        }
        for c in loaded.cases.values()
    ]
    if fmt is ListFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        for r in rows:
            sys.stdout.write(
                f"{r['id']}\t{r['sector']}\t{r['size_band']}\t"
                f"{','.join(r['ai_use_cases'])}\t{r['title']}\n"
            )
    raise typer.Exit(2 if loaded.problems else 0)


@eval_app.callback()
def eval_drafts(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", help="Run folder, e.g. runs/NAME.")] = None,
    cases: Annotated[
        Path | None,
        typer.Option("--cases", help="Reference cases folder (default: bundled evals/references)."),
    ] = None,
    backend: BackendOpt = Backend.auto,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    judge: Annotated[
        bool, typer.Option("--judge", help="Also score with an LLM judge (needs a model).")
    ] = False,
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    chroma_url: ChromaOpt = None,
) -> None:
    """Evaluate drafts against the reference roadmaps (this command), or retrieval.

    Drafts every reference case and scores it; writes result.json, report.md, report.html.

    Examples:
      dih-ai eval --backend offline --out runs/baseline
      dih-ai eval --backend openai --model gpt-4o-mini --out runs/4o-mini --judge
      dih-ai eval compare runs/baseline runs/4o-mini
      dih-ai eval retrieval
    """
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    from dih_ai.evaluation.drafts import evaluate_drafts
    from dih_ai.evaluation.report import write_run
    from dih_ai.pipeline import make_writer
    from dih_ai.resources import bundled_dir

    try:
        settings = _settings(backend, model, base_url)
        workspace = _workspace(corpus, index_dir, chroma_url)
        grader = None
        if judge:
            from dih_ai.evaluation.judge import LLMJudge

            grader = LLMJudge(settings)
        with _progress("evaluating") as on_case:
            run = evaluate_drafts(
                cases or bundled_dir("evals") / "references",
                workspace,
                name=out.name,
                writer=make_writer(settings),
                judge=grader,
                on_case=on_case,
            )
    except DihAiError as error:
        _fail(error)
    paths = write_run(run, out)
    for key in (
        "structure",
        "initiative_f1",
        "use_case_f1",
        "cited_recall",
        "figures_supported",
        "rouge_l",
        "embedding_similarity",
    ):
        typer.echo(f"{key:<22}{run.mean[key]:.3f}")
    for path in paths:
        typer.echo(f"wrote {path}")


@eval_app.command("compare")
def eval_compare(
    run_a: Annotated[Path, typer.Argument(help="The earlier run folder.")],
    run_b: Annotated[Path, typer.Argument(help="The later run folder.")],
) -> None:
    """Per-metric deltas between two runs, and the cases that got worse.

    Example: dih-ai eval compare runs/baseline runs/new-prompt
    """
    from dih_ai.evaluation.report import compare, load_run

    try:
        comparison = compare(load_run(run_a), load_run(run_b))
    except DihAiError as error:
        _fail(error)
    sys.stdout.write(comparison.text() + "\n")


@eval_app.command("retrieval")
def eval_retrieval(
    relevance_set: Annotated[
        Path | None,
        typer.Option("--set", help="Relevance set folder (default: the bundled evals/retrieval)."),
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=20)] = 5,
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
    corpus: CorpusOpt = None,
    index_dir: IndexOpt = None,
    chroma_url: ChromaOpt = None,
) -> None:
    """Recall@k and nDCG@k of hybrid, dense-only and BM25-only retrieval, side by side.

    Example: dih-ai eval retrieval --k 5
    """
    from dih_ai.evaluation.retrieval import evaluate_retrieval
    from dih_ai.resources import bundled_dir

    try:
        workspace = _workspace(corpus, index_dir, chroma_url)
        report = evaluate_retrieval(
            relevance_set or bundled_dir("evals") / "retrieval", workspace.index, k=k
        )
    except DihAiError as error:
        _fail(error)
    if fmt is ListFormat.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(report.table() + "\n")


def main() -> None:
    """Entry point of the `dih-ai` command: never a traceback for expected errors."""
    try:
        app()
    except DihAiError as error:  # pragma: no cover - commands handle their own
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
