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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from dih_ai.assessment.load import LoadedAssessment, load_assessments
from dih_ai.batch import (
    BATCH_FORMATS,
    BatchSummary,
    CompanyResult,
    _already_drafted,
    _render,
    _write_atomic,
    check_formats,
    invalid_input_results,
    output_stem,
)
from dih_ai.config import Settings
from dih_ai.errors import ConfigError, InputError, WriterError
from dih_ai.knowledge import drafting_date
from dih_ai.pipeline import Workspace, draft_roadmap, prepare
from dih_ai.plan import check_dates
from dih_ai.render import to_json
from dih_ai.writers.llm import (
    LLMWriter,
    Prefilled,
    SectionAnswer,
    SectionJob,
    call_usage,
    cost_usd,
)

ENDPOINT = "/v1/chat/completions"
TERMINAL = ("completed", "expired", "failed", "cancelled")
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class _Company(BaseModel):
    key: str  # opaque: the only company reference that is uploaded
    source: str
    company_id: str
    stem: str


class BatchState(BaseModel):
    """What a run has submitted, saved after every step (`<out>/.batch-api/state.json`)."""

    run: str
    model: str
    as_of: dt.date | None = None  # the drafting date the requests were built on
    companies: list[_Company]
    requests: int
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    downloaded: bool = False


class BatchApiSummary(BatchSummary):
    """A batch run through the Batch API: its answers, re-asks and what it saved."""

    batch_id: str | None = None
    batch_status: str | None = None
    batch_answers: int = 0
    re_asked: int = 0
    batch_cost_usd: float = 0.0
    saved_usd: float = Field(default=0.0, description="against the same answers asked one by one")

    def text(self) -> str:
        """The summary for people, with the Batch API's share and saving."""
        return (
            f"{super().text()}; Batch API {self.batch_id} ({self.batch_status}): "
            f"{self.batch_answers} answers at half price (${self.batch_cost_usd:.4f}), "
            f"{self.re_asked} sections re-asked synchronously; saved ${self.saved_usd:.4f} "
            "against synchronous calls"
        )


def request_body(writer: LLMWriter, messages: list[Any]) -> dict[str, Any]:
    """The chat-completion body a synchronous call would send, for one JSONL line."""
    settings = writer.settings
    body: dict[str, Any] = {
        "model": writer.model_name,
        "messages": [{"role": _ROLES[m.type], "content": str(m.content)} for m in messages],
        "temperature": settings.temperature,
        "max_completion_tokens": settings.max_output_tokens,
    }
    if settings.seed is not None:
        body["seed"] = settings.seed
    if writer.method == "function_calling":
        from langchain_core.utils.function_calling import convert_to_openai_tool

        body["tools"] = [convert_to_openai_tool(SectionAnswer)]
        body["tool_choice"] = {"type": "function", "function": {"name": "SectionAnswer"}}
    elif writer.method == "json_schema":
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "SectionAnswer", "schema": SectionAnswer.model_json_schema()},
        }
    else:
        body["response_format"] = {"type": "json_object"}
    return body


def parse_answer(line: dict[str, Any]) -> tuple[Prefilled, tuple[int, int, int]] | None:
    """A batch output line as the writer's first attempt, and its (prompt, completion,
    cached) tokens; None when the request has no answer."""
    response = line.get("response") or {}
    if line.get("error") or response.get("status_code") != 200:
        return None
    body = response.get("body") or {}
    usage = body.get("usage") or {}
    tokens = (
        int(usage.get("prompt_tokens", 0)),
        int(usage.get("completion_tokens", 0)),
        int((usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0),
    )
    choice = (body.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    calls = message.get("tool_calls") or []
    raw = calls[0]["function"]["arguments"] if calls else str(message.get("content") or "")
    if choice.get("finish_reason") == "length":
        return Prefilled(None, raw, "the answer was cut by the length limit"), tokens
    try:
        return Prefilled(SectionAnswer.model_validate_json(raw), raw), tokens
    except ValueError as error:
        return Prefilled(None, raw, f"not the expected object: {str(error)[:200]}"), tokens


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
        if client is None:
            import openai

            key = settings.api_key.get_secret_value() if settings.api_key else None
            if not key and not settings.base_url:
                raise ConfigError("Batch API mode needs OPENAI_API_KEY (or a base URL)")
            client = openai.OpenAI(
                api_key=key or "not-needed",
                base_url=settings.base_url,
                max_retries=settings.max_retries,
                timeout=settings.timeout_s,
            )
        self.client = client
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
        return self.folder / "state.json"

    def load_state(self) -> BatchState | None:
        try:
            return BatchState.model_validate_json(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, state: BatchState) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.state_path, state.model_dump_json(indent=2))
        if self.on_status:
            self.on_status(state)

    # -- steps ---------------------------------------------------------------------------
    def _assessment(self, item: LoadedAssessment) -> Any:
        a = item.assessment
        return a.model_copy(update={"language": self.language}) if self.language else a

    def build(self, pending: list[LoadedAssessment], baseline: Callable) -> BatchState:
        """Write the JSONL of every section request of every pending company."""
        self.folder.mkdir(parents=True, exist_ok=True)
        companies, lines = [], []
        for n, item in enumerate(pending):
            assessment = self._assessment(item)
            data, privacy = prepare(
                assessment,
                self.workspace,
                k=self.k,
                baseline=baseline(assessment),
                as_of=self.as_of,
            )
            job = SectionJob.roadmap(data, self.writer.fallback)
            key = f"c{n:05d}"
            for section_id in job.section_ids:
                body = request_body(self.writer, self.writer.section_messages(job, section_id))
                line = json.dumps(
                    {
                        "custom_id": f"{key}-{section_id}",
                        "method": "POST",
                        "url": ENDPOINT,
                        "body": body,
                    },
                    ensure_ascii=False,
                )
                if privacy.leaks(line):  # defence in depth: prompts are built from scrubbed data
                    raise WriterError(f"{item.source}: a request would reveal the company")
                lines.append(line)
            companies.append(
                _Company(
                    key=key,
                    source=item.source,
                    company_id=assessment.company.id,
                    stem=output_stem(item),
                )
            )
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
        results: list[CompanyResult] = []

        def record(result: CompanyResult) -> None:
            results.append(result)
            with (self.out / "batch-status.jsonl").open("a", encoding="utf-8") as fh:
                fh.write(result.model_dump_json() + "\n")
            if on_result:
                on_result(result)

        for result in invalid_input_results(loaded.problems):
            record(result)
        pending = []
        for item in loaded.assessments:
            json_path = self.out / f"{output_stem(item)}.json"
            if _already_drafted(json_path, item.assessment.company.id):
                record(
                    CompanyResult(
                        source=item.source,
                        company_id=item.assessment.company.id,
                        status="already_drafted",
                        outputs=[str(json_path)],
                    )
                )
            else:
                pending.append(item)
        state = self.load_state()
        if state and not {c.source for c in state.companies} & {p.source for p in pending}:
            state = None  # the stored run is all drafted: this is a new one
        if state and state.batch_id and state.as_of:
            self.as_of = state.as_of  # its answers were asked on that date
        dated = []
        for item in pending:
            try:
                check_dates(item.assessment, self.as_of, item.source)
            except InputError as error:
                record(
                    CompanyResult(
                        source=item.source,
                        company_id=item.assessment.company.id,
                        status="invalid_input",
                        message=str(error),
                    )
                )
            else:
                dated.append(item)
        pending = dated
        by_key: dict[str, LoadedAssessment] = {}
        if pending:
            if state is None or not state.batch_id:
                fresh = self.build(pending, loaded.baseline_for)
                if state is None or state.run != fresh.run:
                    state = fresh
                    self.save(state)
            self.submit(state)
            self.wait(state)
            answers = self.download(state)
            items = {item.source: item for item in pending}
            by_key = {c.key: items[c.source] for c in state.companies if c.source in items}
            submitted = {c.source for c in state.companies}
            for item in pending:
                if item.source not in submitted:
                    record(
                        CompanyResult(
                            source=item.source,
                            company_id=item.assessment.company.id,
                            status="failed",
                            message=f"not in batch {state.batch_id}: rerun to submit it",
                        )
                    )
        summary = BatchApiSummary(
            results=[],
            seconds=0.0,
            batch_id=state.batch_id if state else None,
            batch_status=state.status if state else None,
        )
        for key, item in by_key.items():
            record(self._draft(key, item, answers, loaded.baseline_for, formats, summary))
        summary.results = sorted(results, key=lambda r: r.source)
        summary.seconds = round(time.perf_counter() - start, 3)
        _write_atomic(
            self.out / "batch-summary.json",
            json.dumps(
                {**summary.model_dump(mode="json"), "usage": summary.usage.model_dump()}, indent=2
            ),
        )
        return summary

    def _draft(
        self,
        key: str,
        item: LoadedAssessment,
        answers: dict[str, dict[str, Any]],
        baseline: Callable,
        formats: tuple[str, ...],
        summary: BatchApiSummary,
    ) -> CompanyResult:
        assessment = self._assessment(item)
        began = time.perf_counter()
        prefilled: dict[str, Prefilled] = {}
        tokens: dict[str, tuple[int, int, int]] = {}
        for custom_id, line in answers.items():
            if custom_id.startswith(key + "-"):
                parsed = parse_answer(line)
                if parsed is not None:
                    prefilled[custom_id[len(key) + 1 :]] = parsed[0]
                    tokens[custom_id[len(key) + 1 :]] = parsed[1]
        writer = _BatchAnswers(self.writer, prefilled, tokens)
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
            return CompanyResult(
                source=item.source,
                company_id=assessment.company.id,
                status="failed",
                message=f"{type(error).__name__}: {error}",
                seconds=round(time.perf_counter() - began, 3),
            )
        model = self.writer.model_name
        summary.batch_answers += len(tokens)
        summary.re_asked += writer.re_asked
        batch_cost = sum(cost_usd(model, *t[:2], t[2], batch=True) for t in tokens.values())
        listed = sum(cost_usd(model, *t[:2], t[2]) for t in tokens.values())
        summary.batch_cost_usd = round(summary.batch_cost_usd + batch_cost, 6)
        summary.saved_usd = round(summary.saved_usd + listed - batch_cost, 6)
        stem = output_stem(item)
        outputs = []
        for fmt in (f for f in BATCH_FORMATS if f in formats and f != "json"):
            _write_atomic(self.out / f"{stem}.{fmt}", _render(draft, fmt))
            outputs.append(str(self.out / f"{stem}.{fmt}"))
        json_path = self.out / f"{stem}.json"
        _write_atomic(json_path, to_json(draft))  # last: its presence means "done"
        return CompanyResult(
            source=item.source,
            company_id=assessment.company.id,
            status="drafted",
            outputs=[str(json_path), *outputs],
            usage=draft.usage,
            seconds=round(time.perf_counter() - began, 3),
        )


class _BatchAnswers:
    """The model writer fed with a company's batch answers (re-asking what fails)."""

    backend = "openai"

    def __init__(
        self,
        writer: LLMWriter,
        prefilled: dict[str, Prefilled],
        tokens: dict[str, tuple[int, int, int]],
    ) -> None:
        self.writer = writer
        self.prefilled = prefilled
        self.tokens = tokens
        self.re_asked = 0

    def write(self, data: Any) -> Any:
        written = self.writer.write(data, prefilled=self.prefilled)
        self.re_asked = written.usage.llm_calls  # the writer's own calls: the synchronous re-asks
        model = self.writer.model_name
        for prompt, completion, cached in self.tokens.values():
            written.usage += call_usage(model, prompt, completion, cached, batch=True)
        return written


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
