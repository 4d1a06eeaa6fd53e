"""Batch API mode (`dih-ai batch --batch-api`): a year's roadmaps at half the price.

Every section request of every pending company goes into one JSONL file, which is uploaded
to the provider's `/v1/files` and submitted to `/v1/batches`; the batch id is stored in
`<out>/.batch-api/state.json` before anything else happens, so a killed run resumes by
polling the same batch, never by submitting again. When the batch ends (completed, expired
or failed), its answers are downloaded, each is checked with the model writer's rules, the
ones that fail (and the requests the batch did not answer) are re-asked synchronously, and
the drafts are written as `run_batch` writes them.

Every draft is made on one drafting date (`as_of`, default `$DIH_AI_AS_OF`, else today), as in
`run_batch`: an assessment dated after it is `invalid_input` and the others go on. The date is
stored with the batch, so a run resumed another day drafts on the date its requests were
built on.

What is uploaded is what a synchronous call sends: pseudonymised prompts (no company name,
VAT number or id; request ids are opaque numbers), checked again before upload.

The run is here; the request and answer format is in `batch_api_requests`, the state and
summary models in `batch_api_state` (their names importable from here too).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from dih_ai.assessment.load import LoadedAssessment, load_assessments
from dih_ai.assessment.models import Assessment
from dih_ai.batch import (
    BaselineFor,
    CompanyResult,
    ResultLog,
    _already_drafted,
    _write_atomic,
    check_formats,
    failed_result,
    invalid_input_results,
    output_stem,
    write_outputs,
    write_summary,
)
from dih_ai.batch_api_requests import (
    ENDPOINT,
    BatchAnswers,
    answers_for,
    parse_answer,
    request_body,
    request_line,
)
from dih_ai.batch_api_state import TERMINAL, BatchApiSummary, BatchCompany, BatchState
from dih_ai.config import Settings
from dih_ai.errors import ConfigError, InputError, WriterError
from dih_ai.knowledge import drafting_date
from dih_ai.pipeline import Workspace, draft_roadmap, prepare
from dih_ai.plan import check_dates
from dih_ai.writers.llm import LLMWriter, SectionJob

__all__ = [
    "ENDPOINT",
    "TERMINAL",
    "BatchApiRun",
    "BatchApiSummary",
    "BatchCompany",
    "BatchState",
    "parse_answer",
    "request_body",
    "run_batch_api",
]


def _openai_client(settings: Settings) -> Any:
    """An `openai.OpenAI` client for `settings` (OpenAI or a compatible server)."""
    import openai

    key = settings.api_key.get_secret_value() if settings.api_key else None
    if not key and not settings.base_url:
        raise ConfigError("Batch API mode needs OPENAI_API_KEY (or a base URL)")
    return openai.OpenAI(
        api_key=key or "not-needed",
        base_url=settings.base_url,
        max_retries=settings.max_retries,
        timeout=settings.timeout_s,
    )


class BatchApiRun:
    """One Batch API run over a folder of assessments (see the module docstring)."""

    def __init__(
        self,
        workspace: Workspace,
        out: Path,
        *,
        settings: Settings | None = None,
        writer: LLMWriter | None = None,
        client: Any = None,
        k: int = 5,
        language: str | None = None,
        poll_s: float = 30.0,
        on_status: Callable[[BatchState], None] | None = None,
        as_of: dt.date | None = None,
    ) -> None:
        self.writer = writer or LLMWriter(settings)
        self.as_of = drafting_date(as_of)
        settings = self.writer.settings
        if settings.azure_endpoint:
            raise ConfigError("Batch API mode supports OpenAI and compatible servers, not Azure")
        self.client = client if client is not None else _openai_client(settings)
        self.workspace = workspace
        self.out = out
        self.folder = out / ".batch-api"
        self.k = k
        self.language = language
        self.poll_s = poll_s
        self.on_status = on_status

    # -- state ---------------------------------------------------------------------------
    @property
    def state_path(self) -> Path:
        """Where the run's state is saved."""
        return self.folder / "state.json"

    def load_state(self) -> BatchState | None:
        """The saved state, None when there is none (or it does not load)."""
        try:
            return BatchState.model_validate_json(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, state: BatchState) -> None:
        """Save `state` and pass it to `on_status`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.state_path, state.model_dump_json(indent=2))
        if self.on_status:
            self.on_status(state)

    # -- steps ---------------------------------------------------------------------------
    def _assessment(self, item: LoadedAssessment) -> Assessment:
        a = item.assessment
        return a.model_copy(update={"language": self.language}) if self.language else a

    def build(self, pending: list[LoadedAssessment], baseline: BaselineFor) -> BatchState:
        """Write the JSONL of every section request of every pending company."""
        self.folder.mkdir(parents=True, exist_ok=True)
        companies, lines = [], []
        for n, item in enumerate(pending):
            company, requests = self._requests(f"c{n:05d}", item, baseline)
            companies.append(company)
            lines += requests
        content = "".join(line + "\n" for line in lines)
        run = hashlib.sha256(content.encode()).hexdigest()[:16]
        _write_atomic(self.folder / "requests.jsonl", content)
        return BatchState(
            run=run,
            model=self.writer.model_name,
            as_of=self.as_of,
            companies=companies,
            requests=len(lines),
        )

    def _requests(
        self, key: str, item: LoadedAssessment, baseline: BaselineFor
    ) -> tuple[BatchCompany, list[str]]:
        """One company's section requests as JSONL lines, each checked to reveal nothing of
        the company (defence in depth: prompts are built from scrubbed data)."""
        assessment = self._assessment(item)
        data, privacy = prepare(
            assessment, self.workspace, k=self.k, baseline=baseline(assessment), as_of=self.as_of
        )
        job = SectionJob.roadmap(data, self.writer.fallback)
        lines = []
        for section_id in job.section_ids:
            body = request_body(self.writer, self.writer.section_messages(job, section_id))
            line = request_line(f"{key}-{section_id}", body)
            if privacy.leaks(line):
                raise WriterError(f"{item.source}: a request would reveal the company")
            lines.append(line)
        company = BatchCompany(
            key=key, source=item.source, company_id=assessment.company.id, stem=output_stem(item)
        )
        return company, lines

    def submit(self, state: BatchState) -> None:
        """Upload the JSONL and create the batch, saving each id as soon as it exists. A
        batch already created for this run (found by its metadata) is never created again."""
        if state.batch_id:
            return
        if state.input_file_id:
            found = self._find_batch(state.run)
            if found is not None:
                state.batch_id, state.status = found.id, found.status
                self.save(state)
                return
        else:
            with (self.folder / "requests.jsonl").open("rb") as fh:
                uploaded = self.client.files.create(
                    file=("requests.jsonl", fh.read()), purpose="batch"
                )
            state.input_file_id = uploaded.id
            self.save(state)
        batch = self.client.batches.create(
            input_file_id=state.input_file_id,
            endpoint=ENDPOINT,
            completion_window="24h",
            metadata={"dih_ai_run": state.run},
        )
        state.batch_id, state.status = batch.id, batch.status
        self.save(state)

    def _find_batch(self, run: str) -> Any:
        for batch in self.client.batches.list(limit=100):
            if (batch.metadata or {}).get("dih_ai_run") == run:
                return batch
        return None

    def wait(self, state: BatchState) -> None:
        """Poll until the batch ends; save its status on every change."""
        while state.status not in TERMINAL:
            batch = self.client.batches.retrieve(state.batch_id)
            if batch.status != state.status or batch.status in TERMINAL:
                state.status = batch.status
                state.output_file_id = batch.output_file_id
                state.error_file_id = batch.error_file_id
                self.save(state)
            if state.status not in TERMINAL:
                time.sleep(self.poll_s)

    def download(self, state: BatchState) -> dict[str, dict[str, Any]]:
        """The batch's output lines by request id (downloaded once, kept on disk)."""
        path = self.folder / "output.jsonl"
        if not state.downloaded:
            text = ""
            if state.output_file_id:
                text = self.client.files.content(state.output_file_id).text
            _write_atomic(path, text)
            state.downloaded = True
            self.save(state)
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
        return {line["custom_id"]: line for line in lines}

    # -- the run -------------------------------------------------------------------------
    def run(
        self,
        paths: Iterable[str | Path],
        formats: Iterable[str] = ("json", "md"),
        on_result: Callable[[CompanyResult], None] | None = None,
    ) -> BatchApiSummary:
        """Draft every assessment in `paths` through the Batch API (see the module doc)."""
        formats = check_formats(formats)
        start = time.perf_counter()
        self.out.mkdir(parents=True, exist_ok=True)
        loaded = load_assessments(paths)
        log = ResultLog(self.out, on_result)
        for result in invalid_input_results(loaded.problems):
            log.record(result)
        pending = self._not_drafted(loaded.assessments, log)
        state = self._stored_state(pending)
        pending = self._dated(pending, log)
        by_key: dict[str, LoadedAssessment] = {}
        answers: dict[str, dict[str, Any]] = {}
        if pending:
            state = self._ended_batch(pending, state, loaded.baseline_for)
            answers = self.download(state)
            by_key = self._submitted(pending, state, log)
        summary = BatchApiSummary(
            results=[],
            seconds=0.0,
            batch_id=state.batch_id if state else None,
            batch_status=state.status if state else None,
        )
        for key, item in by_key.items():
            log.record(self._draft(key, item, answers, loaded.baseline_for, formats, summary))
        summary.results = sorted(log.results, key=lambda r: r.source)
        summary.seconds = round(time.perf_counter() - start, 3)
        write_summary(self.out, summary)
        return summary

    def _not_drafted(
        self, assessments: list[LoadedAssessment], log: ResultLog
    ) -> list[LoadedAssessment]:
        """The assessments still to draft; those whose draft is there are recorded."""
        pending = []
        for item in assessments:
            json_path = self.out / f"{output_stem(item)}.json"
            if _already_drafted(json_path, item.assessment.company.id):
                log.record(
                    CompanyResult(
                        source=item.source,
                        company_id=item.assessment.company.id,
                        status="already_drafted",
                        outputs=[str(json_path)],
                    )
                )
            else:
                pending.append(item)
        return pending

    def _stored_state(self, pending: list[LoadedAssessment]) -> BatchState | None:
        """The saved run, if it is for some of `pending` (a submitted one sets the drafting
        date: its answers were asked on it)."""
        state = self.load_state()
        if state and not {c.source for c in state.companies} & {p.source for p in pending}:
            return None  # the stored run is all drafted: this is a new one
        if state and state.batch_id and state.as_of:
            self.as_of = state.as_of
        return state

    def _dated(self, pending: list[LoadedAssessment], log: ResultLog) -> list[LoadedAssessment]:
        """`pending` less the assessments dated after the drafting date (recorded invalid)."""
        dated = []
        for item in pending:
            try:
                check_dates(item.assessment, self.as_of, item.source)
            except InputError as error:
                log.record(
                    CompanyResult(
                        source=item.source,
                        company_id=item.assessment.company.id,
                        status="invalid_input",
                        message=str(error),
                    )
                )
            else:
                dated.append(item)
        return dated

    def _ended_batch(
        self, pending: list[LoadedAssessment], state: BatchState | None, baseline: BaselineFor
    ) -> BatchState:
        """The batch of `pending`'s requests, once ended: the stored one when it was
        submitted, else built (kept when its requests are the stored ones), submitted, polled."""
        if state is None or not state.batch_id:
            fresh = self.build(pending, baseline)
            if state is None or state.run != fresh.run:
                state = fresh
                self.save(state)
        self.submit(state)
        self.wait(state)
        return state

    def _submitted(
        self, pending: list[LoadedAssessment], state: BatchState, log: ResultLog
    ) -> dict[str, LoadedAssessment]:
        """The pending assessments in the batch, by request key; the others are recorded
        failed (a rerun submits them)."""
        items = {item.source: item for item in pending}
        by_key = {c.key: items[c.source] for c in state.companies if c.source in items}
        submitted = {c.source for c in state.companies}
        for item in pending:
            if item.source not in submitted:
                log.record(
                    CompanyResult(
                        source=item.source,
                        company_id=item.assessment.company.id,
                        status="failed",
                        message=f"not in batch {state.batch_id}: rerun to submit it",
                    )
                )
        return by_key

    def _draft(
        self,
        key: str,
        item: LoadedAssessment,
        answers: dict[str, dict[str, Any]],
        baseline: BaselineFor,
        formats: tuple[str, ...],
        summary: BatchApiSummary,
    ) -> CompanyResult:
        """Draft one company from its batch answers, counting them into `summary`."""
        assessment = self._assessment(item)
        began = time.perf_counter()
        prefilled, tokens = answers_for(key, answers)
        writer = BatchAnswers(self.writer, prefilled, tokens)
        try:
            draft = draft_roadmap(
                assessment,
                self.workspace,
                writer=writer,
                k=self.k,
                baseline=baseline(assessment),
                as_of=self.as_of,
            )
        except Exception as error:  # one company's failure never stops the batch
            return failed_result(item.source, assessment.company.id, error, began)
        summary.add_answers(self.writer.model_name, tokens.values(), writer.re_asked)
        return CompanyResult(
            source=item.source,
            company_id=assessment.company.id,
            status="drafted",
            outputs=write_outputs(self.out, output_stem(item), draft, formats),
            usage=draft.usage,
            seconds=round(time.perf_counter() - began, 3),
        )


def run_batch_api(
    paths: Iterable[str | Path],
    workspace: Workspace,
    out: Path,
    *,
    settings: Settings | None = None,
    writer: LLMWriter | None = None,
    client: Any = None,
    formats: Iterable[str] = ("json", "md"),
    k: int = 5,
    language: str | None = None,
    poll_s: float = 30.0,
    on_status: Callable[[BatchState], None] | None = None,
    on_result: Callable[[CompanyResult], None] | None = None,
    as_of: dt.date | None = None,
) -> BatchApiSummary:
    """Draft every assessment in `paths` into `out` through the OpenAI Batch API; rerun the
    same command after a kill to resume (the batch is polled again, never re-submitted).
    `as_of` is the drafting date of every draft (default `$DIH_AI_AS_OF`, else today); an
    assessment dated after it is invalid input, as in `run_batch`."""
    run = BatchApiRun(
        workspace,
        out,
        settings=settings,
        writer=writer,
        client=client,
        k=k,
        language=language,
        poll_s=poll_s,
        on_status=on_status,
        as_of=as_of,
    )
    return run.run(paths, formats, on_result)
