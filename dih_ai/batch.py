"""Batch drafting: many assessments, bounded concurrency, resumable, nothing lost.

Each draft is written (atomically) as soon as it is done; a rerun of the same command skips
the companies whose draft is already there, so a killed run redoes only what is missing.
Model answers are cached too, so even a half-written company repeats no paid call. Every
company ends with a status: drafted, already drafted, invalid input, or failed (with why).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from dih_ai.assessment.load import LoadedAssessment, load_assessments
from dih_ai.assessment.models import Assessment
from dih_ai.draft import RoadmapDraft, Usage
from dih_ai.errors import ArgumentError, InputError, Problem
from dih_ai.knowledge import drafting_date
from dih_ai.pipeline import Workspace, draft_roadmap
from dih_ai.plan import check_dates
from dih_ai.render import to_json, to_markdown
from dih_ai.writers import Writer

BATCH_FORMATS = ("json", "md", "html", "docx", "pdf")
Status = Literal["drafted", "already_drafted", "invalid_input", "failed"]
BaselineFor = Callable[[Assessment], Assessment | None]  # a company's earlier assessment


class CompanyResult(BaseModel):
    """What happened to one company of the batch."""

    source: str
    company_id: str | None = None
    status: Status
    message: str = ""
    outputs: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0


class BatchSummary(BaseModel):
    """The batch as a whole."""

    results: list[CompanyResult]
    seconds: float

    def count(self, status: Status) -> int:
        """How many companies ended with `status`."""
        return sum(r.status == status for r in self.results)

    @property
    def usage(self) -> Usage:
        """Tokens, calls and cost added up."""
        return sum((r.usage for r in self.results), Usage())

    def text(self) -> str:
        """The summary for people."""
        u = self.usage
        return (
            f"{self.count('drafted')} drafted, {self.count('already_drafted')} already "
            f"drafted, {self.count('invalid_input')} invalid input, {self.count('failed')} "
            f"failed; {u.llm_calls} model calls, {u.prompt_tokens + u.completion_tokens} "
            f"tokens, ${u.cost_usd:.4f}; {self.seconds:.1f} s"
        )


def output_stem(loaded: LoadedAssessment) -> str:
    """File name (without suffix) of a company's draft: `<id>` at T0, `<id>-t1` later."""
    a = loaded.assessment
    return a.company.id if a.dma.stage == "T0" else f"{a.company.id}-{a.dma.stage.lower()}"


def _write_atomic(path: Path, content: str | bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}.{threading.get_ident()}")
    if isinstance(content, bytes):
        tmp.write_bytes(content)
    else:
        tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)


def _render(draft: RoadmapDraft, fmt: str) -> str | bytes:
    if fmt == "md":
        return to_markdown(draft)
    from dih_ai.documents import to_docx, to_html, to_pdf

    renderers: dict[str, Callable[[RoadmapDraft], str | bytes]] = {
        "html": to_html,
        "docx": to_docx,
        "pdf": to_pdf,
    }
    return renderers[fmt](draft)


def _already_drafted(path: Path, company_id: str) -> bool:
    try:
        draft = RoadmapDraft.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return draft.company_id == company_id


def invalid_input_results(problems: Iterable[Problem]) -> list[CompanyResult]:
    """One `invalid_input` result per bad file, its problems joined on one line."""
    by_source: dict[str, list[str]] = {}
    for problem in problems:
        by_source.setdefault(problem.file, []).append(str(problem))
    return [
        CompanyResult(source=source, status="invalid_input", message="; ".join(lines))
        for source, lines in by_source.items()
    ]


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, each one a batch writes (an `ArgumentError` names the others)."""
    formats = tuple(formats)
    unknown = sorted(set(formats) - set(BATCH_FORMATS))
    if unknown:
        raise ArgumentError(f"unknown formats {unknown}; expected some of {list(BATCH_FORMATS)}")
    return formats


class ResultLog:
    """The companies' results as they come, each appended to `<out>/batch-status.jsonl`
    and passed to `on_result` (safe from several threads)."""

    def __init__(self, out: Path, on_result: Callable[[CompanyResult], None] | None) -> None:
        self.results: list[CompanyResult] = []
        self.path = out / "batch-status.jsonl"
        self.on_result = on_result
        self._lock = threading.Lock()

    def record(self, result: CompanyResult) -> None:
        """Keep `result`, log it, and pass it on."""
        with self._lock:
            self.results.append(result)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(result.model_dump_json() + "\n")
        if self.on_result:
            self.on_result(result)


def write_outputs(out: Path, stem: str, draft: RoadmapDraft, formats: tuple[str, ...]) -> list[str]:
    """Write `draft` as `<out>/<stem>.<format>`, the JSON always and last (its presence marks
    the company done); the paths written, the JSON first."""
    outputs = []
    for fmt in (f for f in BATCH_FORMATS if f in formats and f != "json"):
        _write_atomic(out / f"{stem}.{fmt}", _render(draft, fmt))
        outputs.append(str(out / f"{stem}.{fmt}"))
    json_path = out / f"{stem}.json"
    _write_atomic(json_path, to_json(draft))  # last: its presence means "done"
    return [str(json_path), *outputs]


def write_summary(out: Path, summary: BatchSummary) -> None:
    """Save `summary`, with its usage added up, as `<out>/batch-summary.json`."""
    _write_atomic(
        out / "batch-summary.json",
        json.dumps(
            {**summary.model_dump(mode="json"), "usage": summary.usage.model_dump()}, indent=2
        ),
    )


def failed_result(source: str, company_id: str, error: Exception, began: float) -> CompanyResult:
    """A company whose draft raised `error` (one company's failure never stops the batch)."""
    return CompanyResult(
        source=source,
        company_id=company_id,
        status="failed",
        message=f"{type(error).__name__}: {error}",
        seconds=round(time.perf_counter() - began, 3),
    )


@dataclass(frozen=True)
class _Drafting:
    """What `run_batch` drafts each company with."""

    workspace: Workspace
    out: Path
    writer: Writer
    formats: tuple[str, ...]
    k: int
    language: str | None
    as_of: dt.date
    baseline_for: BaselineFor

    def company(self, item: LoadedAssessment) -> CompanyResult:
        """Draft one company, unless its draft is there or its dates are wrong."""
        assessment = item.assessment
        if self.language:
            assessment = assessment.model_copy(update={"language": self.language})
        stem = output_stem(item)
        json_path = self.out / f"{stem}.json"
        if _already_drafted(json_path, assessment.company.id):
            return CompanyResult(
                source=item.source,
                company_id=assessment.company.id,
                status="already_drafted",
                outputs=[str(json_path)],
            )
        began = time.perf_counter()
        try:
            check_dates(assessment, self.as_of, item.source)
        except InputError as error:
            return CompanyResult(
                source=item.source,
                company_id=assessment.company.id,
                status="invalid_input",
                message=str(error),
            )
        try:
            draft = draft_roadmap(
                assessment,
                self.workspace,
                writer=self.writer,
                k=self.k,
                baseline=self.baseline_for(assessment),
                as_of=self.as_of,
            )
        except Exception as error:  # one company's failure never stops the batch
            return failed_result(item.source, assessment.company.id, error, began)
        return CompanyResult(
            source=item.source,
            company_id=assessment.company.id,
            status="drafted",
            outputs=write_outputs(self.out, stem, draft, self.formats),
            usage=draft.usage,
            seconds=round(time.perf_counter() - began, 3),
        )


def run_batch(
    paths: Iterable[str | Path],
    workspace: Workspace,
    out: Path,
    *,
    writer: Writer | None = None,
    concurrency: int = 4,
    formats: Iterable[str] = ("json", "md"),
    on_result: Callable[[CompanyResult], None] | None = None,
    k: int = 5,
    language: str | None = None,
    on_start: Callable[[int], None] | None = None,
    as_of: dt.date | None = None,
) -> BatchSummary:
    """Draft every assessment in `paths` into `out`, skipping those already drafted.

    `formats`: any of json, md, html, docx, pdf; the JSON is always written, last (its presence
    marks a company done). `language` writes every draft in it instead of the assessment's.
    Without a `writer`, the environment chooses one (see `make_writer`). `on_start` gets the
    number of companies (for a progress bar), `on_result` each company's result. `as_of` is
    the drafting date of every draft (default `$DIH_AI_AS_OF`, else today); an assessment
    dated after it is invalid input.
    """
    from dih_ai.writers.factory import make_writer

    formats = check_formats(formats)
    writer = writer or make_writer()
    as_of = drafting_date(as_of)
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    loaded = load_assessments(paths)
    if on_start:
        on_start(len(loaded.assessments) + len({p.file for p in loaded.problems}))
    log = ResultLog(out, on_result)
    for result in invalid_input_results(loaded.problems):
        log.record(result)
    drafting = _Drafting(workspace, out, writer, formats, k, language, as_of, loaded.baseline_for)
    workspace.searcher.search_chunks(["warm-up"])  # build shared state before the threads
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = [pool.submit(drafting.company, item) for item in loaded.assessments]
        for future in as_completed(futures):
            log.record(future.result())
    summary = BatchSummary(
        results=sorted(log.results, key=lambda r: r.source),
        seconds=round(time.perf_counter() - start, 3),
    )
    write_summary(out, summary)
    return summary
