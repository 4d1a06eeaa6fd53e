"""The model writer: a LangChain chain (prompt template | ChatOpenAI with structured output)
that writes the sections of a document from its plan and numbered sources.

Sections depend on the plan and the sources, not on each other's prose, so they are written
concurrently: the first one alone (its answer puts the shared prompt prefix in the
provider's cache), then the others together, then the summary with the others' openings in
view. Calls in flight are capped by a `CallLimiter` shared by every draft of a batch. Every
answer is validated; an invalid one is re-asked with the error. Token budgets are enforced
with tiktoken before anything is sent; answers are cached on disk; usage and cost (cached
prompt tokens priced as such) are added up.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from dih_ai.config import Settings, current
from dih_ai.draft import Section, Usage
from dih_ai.errors import BudgetError, WriterError
from dih_ai.grounding import NUMBER_CITATION, cited_numbers
from dih_ai.llm_cache import AnswerCache
from dih_ai.resources import cache_dir
from dih_ai.tokens import count_tokens
from dih_ai.writers import (
    DeepDiveInput,
    Source,
    WriterInput,
    WrittenDeepDive,
    WrittenDraft,
    cited_initiatives,
)
from dih_ai.writers.llm import checks
from dih_ai.writers.llm.budget import CallPlan, Tally, cacheable
from dih_ai.writers.llm.chat import chat_model, tracing
from dih_ai.writers.llm.job import CallLimiter, Reply, SectionAnswer, SectionJob
from dih_ai.writers.llm.pricing import cost_usd, price_of
from dih_ai.writers.offline import OfflineWriter
from dih_ai.writers.prompts import say

MESSAGE_OVERHEAD_TOKENS = 4
PREVIOUS_SECTION_CHARS = 600  # the summary sees this much of each other section


@dataclass
class _Written:
    section: Section
    warnings: list[str]
    notes: list[str]
    fell_back: bool = False


@dataclass
class WrittenSections:
    """A job's sections with what they cost and what the checks said."""

    sections: list[Section]
    usage: Usage
    warnings: list[str]
    notes_for_consultant: list[str]
    fallbacks: int = 0  # sections whose model answer could not be used


class LLMWriter:
    """Writes the sections with a chat model; validates, repairs, budgets, caches."""

    backend = "openai"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        model: Any = None,
        cache: AnswerCache | None = None,
        limiter: CallLimiter | None = None,
    ) -> None:
        self.settings = settings or current()
        self.model_name = self.settings.azure_deployment or self.settings.model
        self.method = self.settings.resolved_method()
        self._chat = model
        self._runnable: Any = None
        self._lock = threading.Lock()
        self.limiter = limiter or CallLimiter(self.settings.max_concurrent_calls)
        self.cache = (
            cache
            if cache is not None
            else (AnswerCache(cache_dir(self.settings) / "llm") if self.settings.cache else None)
        )
        self.fallback = OfflineWriter()

    def connect(self) -> None:
        """Create the chat client now, once for every thread to share: a missing key or
        endpoint fails here, before any work."""
        self._structured()

    def _structured(self) -> Any:
        with self._lock:
            if self._runnable is None:
                if self._chat is None:
                    self._chat = chat_model(self.settings)
                self._runnable = self._chat.with_structured_output(
                    SectionAnswer, method=self.method, include_raw=True
                )
            return self._runnable

    # -- prompts and budgets -------------------------------------------------------------
    def _variables(
        self, job: SectionJob, section_id: str, sources: list[Source], previous: list[Section]
    ) -> dict[str, Any]:
        def opening(section: Section) -> str:
            text = section.markdown
            if len(text) > PREVIOUS_SECTION_CHARS:
                text = text[:PREVIOUS_SECTION_CHARS] + " [...]"
            return f"## {section.title}\n{text}"

        none = say(job.language, "no_notes")
        spec = job.prompts.sections[section_id]
        blocks = job.blocks
        passages = [blocks.passages[s.number] for s in sources] if spec.passages else []
        details = [blocks.details[d] for d in spec.data if d in blocks.details]
        return {
            "company": blocks.company,
            "plan": blocks.plan,
            "notes": blocks.notes,
            "sources": "\n\n".join(blocks.heads[s.number] for s in sources) or none,
            "passages": "\n\n".join(passages) or none,
            "details": "\n".join(details) or none,
            "previous": "\n\n".join(opening(s) for s in previous) or none,
            "section_id": section_id,
            "section_title": job.titles[section_id],
            "guidance": spec.cover,
        }

    def _messages(self, job: SectionJob, variables: dict[str, Any]) -> list[Any]:
        messages = job.prompts.template.format_messages(**variables)
        if self.method == "json_mode":
            from langchain_core.messages import HumanMessage

            messages.append(
                HumanMessage(
                    'JSON: {"markdown": "<section text>", "citations": [<source numbers>], '
                    '"notes_for_consultant": []}'
                )
            )
        return messages

    def _tokens(self, messages: list[Any]) -> int:
        return (
            sum(
                count_tokens(str(m.content), self.model_name) + MESSAGE_OVERHEAD_TOKENS
                for m in messages
            )
            + 3
        )

    def fit(
        self, job: SectionJob, section_id: str, previous: list[Section]
    ) -> tuple[list[Any], int, list[Source]]:
        """The messages for a section within the per-call budget: drop the least relevant
        sources, then the other sections' openings; fail when the minimum does not fit."""
        budget = self.settings.max_prompt_tokens_per_call
        sources = list(job.sources)
        while True:
            messages = self._messages(job, self._variables(job, section_id, sources, previous))
            tokens = self._tokens(messages)
            if tokens <= budget:
                return messages, tokens, sources
            if len(sources) > 1:
                sources = sources[:-1]
            elif previous:
                previous = []
            else:
                raise BudgetError(
                    f"section {section_id}: the smallest prompt (plan, "
                    f"{len(sources)} source) needs {tokens} tokens; the "
                    f"per-call budget is {budget} (DIH_AI_MAX_PROMPT_TOKENS_PER_CALL)",
                    section=section_id,
                )

    def prefix_tokens(self, messages: list[Any]) -> int:
        """Tokens of the shared prefix (rules and context) of a section's messages."""
        return self._tokens(messages[:2])

    def estimate(self, data: WriterInput | DeepDiveInput | SectionJob) -> list[CallPlan]:
        """The calls a draft, a deep dive (or any section job) will make, with prompt tokens
        counted by tiktoken before anything is sent. The summary's view of the other sections
        is counted at its full length (an upper bound); after the first call, the shared
        prefix is counted as served from the provider's cache."""
        if isinstance(data, SectionJob):
            job = data
        elif isinstance(data, WriterInput):
            job = SectionJob.roadmap(data, self.fallback)
        else:
            job = SectionJob.deep_dive(data, self.fallback)
        filler = [
            Section(id=s, title=job.titles[s], markdown="x " * PREVIOUS_SECTION_CHARS)
            for s in job.section_ids
            if s not in job.last
        ]
        plans: list[CallPlan] = []
        for section_id in job.section_ids:
            previous = filler if section_id in job.last else []
            messages, tokens, sources = self.fit(job, section_id, previous)
            cached = 0 if section_id == job.first else cacheable(self.prefix_tokens(messages))
            out = self.settings.max_output_tokens
            plans.append(
                CallPlan(
                    section_id,
                    tokens,
                    out,
                    len(sources),
                    cost_usd(self.model_name, tokens, out, cached),
                    cached,
                )
            )
        return plans

    def section_messages(self, job: SectionJob, section_id: str) -> list[Any]:
        """The messages of a section written without the others in view (Batch API)."""
        return self.fit(job, section_id, [])[0]

    # -- calls ---------------------------------------------------------------------------
    def _call(self, messages: list[Any], tally: Tally, section_id: str) -> Reply:
        """One model call (or cache hit)."""
        key = None
        if self.cache is not None:
            key = AnswerCache.key(
                model=self.model_name,
                base_url=self.settings.base_url,
                method=self.method,
                temperature=self.settings.temperature,
                seed=self.settings.seed,
                messages=[(m.type, m.content) for m in messages],
            )
            hit = self.cache.get(key)
            if hit is not None:
                with tally.lock:
                    tally.cached_calls += 1
                return Reply(SectionAnswer.model_validate(hit["parsed"]), hit.get("raw", ""))
        prompt_tokens = self._tokens(messages)
        reserved = prompt_tokens + self.settings.max_output_tokens
        tally.reserve(reserved, section_id)
        import openai

        try:
            with self.limiter, tracing(self.settings):
                out = self._structured().invoke(messages)
        except (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as error:
            spent = error.completion.usage if error.completion else None
            used_in = spent.prompt_tokens if spent else prompt_tokens
            used_out = spent.completion_tokens if spent else 0
            tally.count(used_in, used_out, reserved=reserved)
            return Reply(None, "", f"{type(error).__name__}: the answer was cut or filtered")
        except openai.APIError as error:
            tally.release(reserved)
            raise WriterError(
                f"model call for section {section_id} failed after "
                f"{self.settings.max_retries} retries: "
                f"{type(error).__name__}: {error}",
                section=section_id,
                attempts=self.settings.max_retries + 1,
                usage=tally.usage.model_copy(),
            ) from error
        raw = out.get("raw")
        usage = getattr(raw, "usage_metadata", None) or {}
        details = usage.get("input_token_details") or {}
        tally.count(
            int(usage.get("input_tokens", prompt_tokens)),
            int(usage.get("output_tokens", 0)),
            int(details.get("cache_read") or 0),
            reserved=reserved,
        )
        parsed = out.get("parsed")
        raw_text = str(getattr(raw, "content", "") or "")
        if out.get("parsing_error") is not None or not isinstance(parsed, SectionAnswer):
            return Reply(None, raw_text, str(out.get("parsing_error") or "no structured answer"))
        if key is not None and self.cache is not None:
            self.cache.put(key, {"parsed": parsed.model_dump(), "raw": raw_text})
        return Reply(parsed, raw_text)

    def _section(
        self,
        job: SectionJob,
        section_id: str,
        previous: list[Section],
        tally: Tally,
        prefilled: Reply | None = None,
    ) -> _Written:
        from langchain_core.messages import AIMessage, HumanMessage

        warnings: list[str] = []
        messages, _, sources = self.fit(job, section_id, previous)
        if len(sources) < len(job.sources):
            warnings.append(
                f"section {section_id}: {len(job.sources) - len(sources)} "
                "least relevant sources left out to fit the token budget"
            )
        answer: SectionAnswer | None = None
        for attempt in range(self.settings.repair_attempts + 1):
            if attempt == 0 and prefilled is not None:
                reply = prefilled
            else:
                reply = self._call(messages, tally, section_id)
            answer = reply.parsed
            if answer is None:
                problems = [say(job.language, "invalid_answer", error=reply.error)]
            else:
                problems = checks.problems(
                    answer.markdown, answer.citations, sources, job.blocks, job.language
                )
                if not problems:
                    break
            if attempt == self.settings.repair_attempts:
                break
            messages = [
                *messages,
                AIMessage(reply.raw or (answer.model_dump_json() if answer else "")),
                HumanMessage("; ".join(problems)),
            ]
        if answer is None:
            return self._fallback(job, section_id, warnings)
        repaired = checks.repair(
            answer.markdown, sources, job.blocks, section_id, job.language, warnings
        )
        if not checks.without_citations(repaired).strip():  # nothing left but citations
            return self._fallback(job, section_id, warnings)
        by_number = {s.number: s.study.id for s in sources}
        markdown = NUMBER_CITATION.sub(lambda m: f"[{by_number[int(m.group(1))]}]", repaired)
        cited = [by_number[n] for n in cited_numbers(repaired) if n in by_number]
        section = Section(
            id=section_id,
            title=job.titles[section_id],
            markdown=markdown.strip(),
            citations=list(dict.fromkeys(cited)),
        )
        return _Written(section, warnings, checks.clean_notes(answer.notes_for_consultant))

    def _fallback(self, job: SectionJob, section_id: str, warnings: list[str]) -> _Written:
        """The offline writer's text for a section the model gave nothing usable for."""
        warnings.append(
            f"section {section_id}: no usable model answer after "
            f"{self.settings.repair_attempts + 1} attempts; the offline writer's text is used"
        )
        return _Written(job.fallback(section_id), warnings, [], fell_back=True)

    def _together(
        self,
        job: SectionJob,
        section_ids: list[str],
        tally: Tally,
        previous: list[Section] | None = None,
        prefilled: dict[str, Reply] | None = None,
    ) -> dict[str, _Written]:
        """Write sections concurrently (calls still pass the shared limiter)."""
        if not section_ids:
            return {}
        prefilled = prefilled or {}
        if len(section_ids) == 1:
            sid = section_ids[0]
            return {sid: self._section(job, sid, previous or [], tally, prefilled.get(sid))}
        pool = ThreadPoolExecutor(max_workers=len(section_ids), thread_name_prefix="section")
        try:
            futures = {
                sid: pool.submit(self._section, job, sid, previous or [], tally, prefilled.get(sid))
                for sid in section_ids
            }
            return {sid: future.result() for sid, future in futures.items()}
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def write_job(
        self, job: SectionJob, prefilled: dict[str, Reply] | None = None
    ) -> WrittenSections:
        """Write every section of a job: the first alone, the others together, the summary
        last. With `prefilled` answers (the Batch API), every section is written at once from
        its answer, re-asked only when the answer fails the checks."""
        self._structured()  # one client for every thread
        tally = Tally(self.model_name, self.settings.max_tokens_per_draft)
        done: dict[str, _Written] = {}
        if prefilled is not None:
            done.update(self._together(job, list(job.section_ids), tally, prefilled=prefilled))
        else:
            first = job.first
            done.update(self._together(job, [first], tally))
            rest = [s for s in job.section_ids if s not in job.last and s != first]
            done.update(self._together(job, rest, tally))
            others = [done[s].section for s in job.section_ids if s in done]
            done.update(self._together(job, list(job.last), tally, previous=others))
        ordered = [done[s] for s in job.section_ids]
        warnings = [w for item in ordered for w in item.warnings]
        if price_of(self.model_name) is None:
            warnings.append(
                f"no list price for model '{self.model_name}': cost not counted (data/prices.yaml)"
            )
        if tally.cached_calls:
            warnings.append(f"{tally.cached_calls} answers came from the cache")
        notes = list(dict.fromkeys(n for item in ordered for n in item.notes))
        return WrittenSections(
            sections=[item.section for item in ordered],
            usage=tally.usage,
            warnings=warnings,
            notes_for_consultant=notes,
            fallbacks=sum(item.fell_back for item in ordered),
        )

    def write_sections(self, job: SectionJob) -> tuple[list[Section], Usage, list[str]]:
        """Write every section of a job (see `write_job`): sections, usage, warnings."""
        written = self.write_job(job)
        return written.sections, written.usage, written.warnings

    def write_deep_dive(self, data: DeepDiveInput) -> WrittenDeepDive:
        """Write the deep-dive sections over its plan and cited cases."""
        job = SectionJob.deep_dive(data, self.fallback)
        written = self.write_job(job)
        return WrittenDeepDive(
            sections=written.sections,
            usage=written.usage,
            model=self.model_name,
            prompt_version=job.prompts.version,
            warnings=written.warnings,
            notes_for_consultant=written.notes_for_consultant,
        )

    def write(self, data: WriterInput, prefilled: dict[str, Reply] | None = None) -> WrittenDraft:
        """Write the roadmap's AI sections (from `prefilled` answers when given)."""
        job = SectionJob.roadmap(data, self.fallback)
        written = self.write_job(job, prefilled)
        return WrittenDraft(
            sections=written.sections,
            initiatives=cited_initiatives(data),
            usage=written.usage,
            model=self.model_name,
            prompt_version=job.prompts.version,
            warnings=written.warnings,
            notes_for_consultant=written.notes_for_consultant,
        )
