"""The model writer: a LangChain chain (prompt template | ChatOpenAI with structured output)
that writes each section from the plan and the numbered sources, with the sections already
written in view. Every answer is validated; an invalid one is re-asked with the error.

Works with OpenAI, Azure OpenAI and any OpenAI-compatible server (`base_url`: Ollama, vLLM,
llama.cpp). Token budgets are enforced with tiktoken before anything is sent; answers are
cached on disk; usage and cost are added up.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from dih_ai.config import Settings
from dih_ai.draft import Section, Usage
from dih_ai.errors import ConfigError, DihAiError, WriterError
from dih_ai.grounding import (
    CASE_CITATION,
    NUMBER_CITATION,
    cited_numbers,
    language_of,
    unsupported_figures,
)
from dih_ai.llm_cache import AnswerCache
from dih_ai.resources import cache_dir, load_data
from dih_ai.tokens import count_tokens
from dih_ai.vocab import SECTION_IDS
from dih_ai.writers import Source, WriterInput, WrittenDraft, cited_initiatives
from dih_ai.writers.offline import OfflineWriter, labels
from dih_ai.writers.prompts import PromptSet, as_data, load_prompts

if TYPE_CHECKING:
    from dih_ai.deep_dive import DeepDiveInput, WrittenDeepDive

MESSAGE_OVERHEAD_TOKENS = 4
PREVIOUS_SECTION_CHARS = 600  # when the budget is tight, earlier sections are shortened


class BudgetError(DihAiError):
    """A prompt or a draft does not fit its token budget."""


class SectionAnswer(BaseModel):
    """One section as the model must return it."""

    markdown: str = Field(description="The section text in Markdown, citing sources as [n].")
    citations: list[int] = Field(
        default_factory=list, description="The numbers of the sources cited in the text."
    )


@dataclass
class CallPlan:
    """One planned model call (for --dry-run and budgets)."""

    section_id: str
    prompt_tokens: int
    max_completion_tokens: int
    sources_used: int
    cost_usd: float


@dataclass
class _Tally:
    usage: Usage = field(default_factory=Usage)
    warnings: list[str] = field(default_factory=list)
    cached_calls: int = 0


def block_tracing() -> None:
    """Assessment data goes to the configured model endpoint only: LangSmith tracing is turned
    off for this process unless DIH_AI_ALLOW_TRACING=1."""
    if os.environ.get("DIH_AI_ALLOW_TRACING") == "1":
        return
    for name in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "LANGCHAIN_TRACING"):
        os.environ[name] = "false"


def price_of(model: str) -> tuple[float, float] | None:
    """USD per million input and output tokens for `model`, from `data/prices.yaml`."""
    models = load_data("prices.yaml")["models"]
    name = model.split("/")[-1]
    for candidate in sorted(models, key=len, reverse=True):
        if name == candidate or name.startswith(candidate + "-"):
            entry = models[candidate]
            return float(entry["input"]), float(entry["output"])
    return None


def cost_usd(model: str, prompt_tokens: int, completion_tokens: int) -> float:
    """The list-price cost of a call (0 when the model has no listed price)."""
    price = price_of(model)
    if price is None:
        return 0.0
    return round((prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000, 6)


def chat_model(settings: Settings) -> Any:
    """The LangChain chat model for the settings: Azure OpenAI, or ChatOpenAI (any base URL)."""
    common: dict[str, Any] = {
        "temperature": settings.temperature,
        "max_retries": settings.max_retries,
        "timeout": settings.timeout_s,
        "max_tokens": settings.max_output_tokens,
    }
    if settings.seed is not None:
        common["seed"] = settings.seed
    key = settings.api_key.get_secret_value() if settings.api_key else None
    if settings.azure_endpoint:
        from langchain_openai import AzureChatOpenAI

        if not key:
            raise ConfigError(
                "Azure OpenAI needs an API key (AZURE_OPENAI_API_KEY or DIH_AI_API_KEY)"
            )
        return AzureChatOpenAI(
            azure_endpoint=settings.azure_endpoint,
            azure_deployment=settings.azure_deployment or settings.model,
            api_version=settings.api_version,
            api_key=key,
            **common,
        )
    from langchain_openai import ChatOpenAI

    if not key and not settings.base_url:
        raise ConfigError(
            "the model writer needs OPENAI_API_KEY or a base URL "
            "(DIH_AI_BASE_URL) of an OpenAI-compatible server"
        )
    if settings.base_url:
        # many OpenAI-compatible servers (llama.cpp, older vLLM) only read `max_tokens`
        common["extra_body"] = {"max_tokens": settings.max_output_tokens}
    return ChatOpenAI(
        model=settings.model, base_url=settings.base_url, api_key=key or "not-needed", **common
    )


def _company_block(data: WriterInput) -> str:
    lines = [
        f"company: {data.company_alias}",
        f"sector: {data.sector}",
        f"subsector: {data.subsector or '-'}",
        f"size_band: {data.size_band}",
        f"employees: {data.employees or '-'}",
    ]
    if data.goals:
        lines.append("goals: " + "; ".join(as_data(g) for g in data.goals))
    return "\n".join(lines)


def _plan_block(data: WriterInput) -> str:
    plan = data.plan
    readiness = plan.readiness
    compact = {
        "assessment_date": plan.assessment_date.isoformat(),
        "readiness": {
            "ai_readiness": readiness.ai_readiness,
            "level": readiness.level_label,
            "dma_overall": readiness.dma_overall,
            "dma_band": readiness.dma_band,
            "gates": [g.model_dump(include={"id", "passed", "reason"}) for g in readiness.gates],
            "dma_change": readiness.dma_change,
        },
        "technologies_0_5": data.technologies,
        "data_for_ai_levels_1_5": data.data_levels,
        "cybersecurity_0_100": data.cyber,
        "use_cases": [
            u.model_dump(include={"use_case", "title", "reasons", "blocked_by"})
            for u in plan.use_cases
        ],
        "initiatives": [i.model_dump(mode="json", exclude={"citations"}) for i in plan.initiatives],
        "funding": [f.model_dump(mode="json", exclude={"only_for"}) for f in plan.funding],
        "ai_act_milestones": [m.model_dump(mode="json") for m in plan.ai_act],
        "ai_act_duties_by_class": plan.class_duties,
    }
    return json.dumps(compact, ensure_ascii=False, separators=(",", ":"))


def source_text(source: Source) -> str:
    """A numbered source as the model sees it: metadata, results, narrative."""
    study = source.study
    results = "; ".join(
        f"{r.kpi}: {r.baseline:g} -> {r.value:g} {r.unit}"
        if r.baseline is not None
        else f"{r.kpi}: {r.value:g} {r.unit}"
        for r in study.results
    )
    head = (
        f"[{source.number}] {study.title} (id {study.id}; {study.sector}, "
        f"{study.subsector or '-'}, {study.size_band}, {study.province or study.region or '-'};"
        f" use cases: {', '.join(study.ai_use_cases)}; duration {study.duration_months} "
        f"months; visitable: {'yes' if study.visitable else 'no'})"
    )
    return f"{head}\nresults: {results}\n{as_data(study.body)}"


def _ids_as_numbers(markdown: str, sources: list[Source]) -> str:
    """Case citations written by id (`[cs-x]`) as their source numbers; unknown ids stay."""
    number_of = {s.study.id: s.number for s in sources}
    return CASE_CITATION.sub(
        lambda m: f"[{number_of[m.group(1)]}]" if m.group(1) in number_of else m.group(0),
        markdown,
    )


@dataclass(frozen=True)
class PromptBlocks:
    """The prompt blocks of one document, rendered once per document."""

    company: str
    plan: str
    sources: dict[int, str]

    @classmethod
    def of(cls, data: WriterInput) -> PromptBlocks:
        return cls(
            _company_block(data),
            _plan_block(data),
            {s.number: source_text(s) for s in data.sources},
        )

    @property
    def context(self) -> str:
        """What figures may also come from: the company and the plan."""
        return self.company + "\n" + self.plan

    def texts(self, sources: list[Source]) -> dict[int, str]:
        return {s.number: self.sources[s.number] for s in sources}


@dataclass(frozen=True)
class SectionJob:
    """One document to write section by section: a roadmap draft or a deep dive."""

    language: str
    prompts: PromptSet
    section_ids: tuple[str, ...]
    titles: dict[str, str]
    blocks: PromptBlocks
    sources: list[Source]
    notes: str | None
    fallback: Callable[[str], Section]  # the offline text of a section

    @classmethod
    def roadmap(cls, data: WriterInput, fallback: OfflineWriter) -> SectionJob:
        """The AI sections of a roadmap draft."""
        return cls(
            language=data.language,
            prompts=load_prompts(data.language),
            section_ids=SECTION_IDS,
            titles={k: v[data.language] for k, v in labels()["sections"].items()},
            blocks=PromptBlocks.of(data),
            sources=list(data.sources),
            notes=data.notes,
            fallback=lambda section_id: fallback.section(data, section_id),
        )

    @classmethod
    def deep_dive(cls, data: DeepDiveInput, fallback: OfflineWriter) -> SectionJob:
        """The sections of a deep dive on one initiative."""
        from dih_ai.deep_dive import DEEP_DIVE_SECTION_IDS

        profile = {k: v for k, v in data.profile.items() if k != "goals" and v is not None}
        company = "\n".join(
            [f"company: {data.company_alias}", *(f"{k}: {v}" for k, v in profile.items())]
            + (
                ["goals: " + "; ".join(as_data(g) for g in data.profile["goals"])]
                if data.profile.get("goals")
                else []
            )
        )
        # case ids and case figures only travel with the numbered sources, so that every
        # figure the model attributes to a case is checked against that case
        plan = json.dumps(
            data.plan.model_dump(
                mode="json", exclude={"case_results": True, "initiative": {"citations"}}
            ),
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return cls(
            language=data.language,
            prompts=load_prompts(data.language, kind="deep_dive"),
            section_ids=DEEP_DIVE_SECTION_IDS,
            titles={k: v[data.language] for k, v in labels()["deep_dive_sections"].items()},
            blocks=PromptBlocks(company, plan, {s.number: source_text(s) for s in data.sources}),
            sources=list(data.sources),
            notes=data.notes,
            fallback=lambda section_id: fallback.deep_dive_section(data, section_id),
        )


class LLMWriter:
    """Writes the sections with a chat model; validates, repairs, budgets, caches."""

    backend = "openai"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        model: Any = None,
        cache: AnswerCache | None = None,
    ) -> None:
        block_tracing()
        self.settings = settings or Settings()
        self.model_name = self.settings.azure_deployment or self.settings.model
        self.method = self.settings.resolved_method()
        self._chat = model
        self.cache = (
            cache
            if cache is not None
            else (AnswerCache(cache_dir() / "llm") if self.settings.cache else None)
        )
        self.fallback = OfflineWriter()

    def _structured(self) -> Any:
        if self._chat is None:
            self._chat = chat_model(self.settings)
        return self._chat.with_structured_output(
            SectionAnswer, method=self.method, include_raw=True
        )

    # -- prompts and budgets -------------------------------------------------------------
    def _variables(
        self,
        job: SectionJob,
        section_id: str,
        sources: list[Source],
        previous: list[Section],
        short: bool,
    ) -> dict[str, Any]:
        def prior(section: Section) -> str:
            text = section.markdown
            if short and len(text) > PREVIOUS_SECTION_CHARS:
                text = text[:PREVIOUS_SECTION_CHARS] + " [...]"
            return f"## {section.title}\n{text}"

        none = "(nessuna)" if job.language == "it" else "(none)"
        return {
            "company": job.blocks.company,
            "plan": job.blocks.plan,
            "sources": "\n\n".join(job.blocks.sources[s.number] for s in sources) or none,
            "notes": as_data(job.notes) if job.notes else none,
            "previous": "\n\n".join(prior(s) for s in previous) or none,
            "section_id": section_id,
            "section_title": job.titles[section_id],
            "guidance": job.prompts.guidance[section_id],
        }

    def _messages(self, prompts: PromptSet, variables: dict[str, Any]) -> list[Any]:
        messages = prompts.template.format_messages(**variables)
        if self.method == "json_mode":
            from langchain_core.messages import HumanMessage

            messages.append(
                HumanMessage(
                    'JSON: {"markdown": "<section text>", "citations": [<source numbers>]}'
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
        """The messages for a section within the per-call budget: shorten earlier sections
        first, then drop the least relevant sources; fail when the minimum does not fit."""
        budget = self.settings.max_prompt_tokens_per_call
        sources = list(job.sources)
        short = False
        while True:
            messages = self._messages(
                job.prompts, self._variables(job, section_id, sources, previous, short)
            )
            tokens = self._tokens(messages)
            if tokens <= budget:
                return messages, tokens, sources
            if not short and previous:
                short = True
            elif len(sources) > 1:
                sources = sources[:-1]
            else:
                raise BudgetError(
                    f"section {section_id}: the smallest prompt (plan, "
                    f"{len(sources)} source, shortened sections) needs {tokens} tokens; the "
                    f"per-call budget is {budget} (DIH_AI_MAX_PROMPT_TOKENS_PER_CALL)"
                )

    def estimate(self, data: WriterInput | SectionJob) -> list[CallPlan]:
        """The calls a draft (or any section job) will make, with prompt tokens counted by
        tiktoken before anything is sent. Earlier sections are estimated at the output limit
        each (an upper bound)."""
        job = data if isinstance(data, SectionJob) else SectionJob.roadmap(data, self.fallback)
        plans: list[CallPlan] = []
        filler: list[Section] = []
        for section_id in job.section_ids:
            _, tokens, sources = self.fit(job, section_id, filler)
            plans.append(
                CallPlan(
                    section_id,
                    tokens,
                    self.settings.max_output_tokens,
                    len(sources),
                    cost_usd(self.model_name, tokens, self.settings.max_output_tokens),
                )
            )
            filler.append(
                Section(
                    id=section_id, title=section_id, markdown="x " * self.settings.max_output_tokens
                )
            )
        return plans

    # -- calls ---------------------------------------------------------------------------
    def _call(
        self, messages: list[Any], tally: _Tally, section_id: str
    ) -> tuple[SectionAnswer | None, str, str | None]:
        """One model call (or cache hit): (parsed answer or None, raw text, parse error)."""
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
                tally.cached_calls += 1
                return SectionAnswer.model_validate(hit["parsed"]), hit.get("raw", ""), None
        prompt_tokens = self._tokens(messages)
        spent = tally.usage.prompt_tokens + tally.usage.completion_tokens
        if (
            spent + prompt_tokens + self.settings.max_output_tokens
            > self.settings.max_tokens_per_draft
        ):
            raise BudgetError(
                f"section {section_id}: the draft would exceed its budget of "
                f"{self.settings.max_tokens_per_draft} tokens (DIH_AI_MAX_TOKENS_PER_DRAFT)"
            )
        import openai

        try:
            out = self._structured().invoke(messages)
        except (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as error:
            usage = error.completion.usage
            used_in = usage.prompt_tokens if usage else prompt_tokens
            used_out = usage.completion_tokens if usage else 0
            self._count(tally, used_in, used_out)
            return None, "", f"{type(error).__name__}: the answer was cut or filtered"
        except openai.APIError as error:
            raise WriterError(
                f"model call for section {section_id} failed after "
                f"{self.settings.max_retries} retries: "
                f"{type(error).__name__}: {error}"
            ) from error
        raw = out.get("raw")
        usage = getattr(raw, "usage_metadata", None) or {}
        used_in = int(usage.get("input_tokens", prompt_tokens))
        used_out = int(usage.get("output_tokens", 0))
        self._count(tally, used_in, used_out)
        parsed = out.get("parsed")
        raw_text = str(getattr(raw, "content", "") or "")
        if out.get("parsing_error") is not None or not isinstance(parsed, SectionAnswer):
            return None, raw_text, str(out.get("parsing_error") or "no structured answer")
        if key is not None and self.cache is not None:
            self.cache.put(key, {"parsed": parsed.model_dump(), "raw": raw_text})
        return parsed, raw_text, None

    def _count(self, tally: _Tally, prompt_tokens: int, completion_tokens: int) -> None:
        tally.usage.prompt_tokens += prompt_tokens
        tally.usage.completion_tokens += completion_tokens
        tally.usage.llm_calls += 1
        tally.usage.cost_usd = round(
            tally.usage.cost_usd + cost_usd(self.model_name, prompt_tokens, completion_tokens), 6
        )

    def _problems(self, answer: SectionAnswer, job: SectionJob, sources: list[Source]) -> list[str]:
        numbers = {s.number for s in sources}
        it = job.language == "it"
        blocks = job.blocks
        problems = []
        invalid = sorted((set(cited_numbers(answer.markdown)) | set(answer.citations)) - numbers)
        if invalid:
            valid = ", ".join(str(n) for n in sorted(numbers)) or ("nessuna" if it else "none")
            problems.append(
                f"le fonti {invalid} non esistono; cita solo: {valid}"
                if it
                else f"sources {invalid} do not exist; cite only: {valid}"
            )
        by_id = CASE_CITATION.findall(answer.markdown)
        if by_id:
            problems.append(
                f"cita le fonti con il loro numero [n], non con l'id ({', '.join(by_id)})"
                if it
                else f"cite sources by their number [n], not by id ({', '.join(by_id)})"
            )
        texts = blocks.texts(sources)
        as_numbers = _ids_as_numbers(answer.markdown, sources)  # figures cited by id too
        for sentence, number, figure in unsupported_figures(as_numbers, texts, blocks.context):
            problems.append(
                f"la cifra {figure} attribuita alla fonte [{number}] non compare nella fonte: "
                f"«{sentence[:120]}»"
                if it
                else f"the figure {figure} attributed to source [{number}] is not in it: "
                f'"{sentence[:120]}"'
            )
        found = language_of(answer.markdown)
        if found and found != job.language:
            problems.append("scrivi in italiano" if it else "write in English")
        return problems

    def _repair(
        self,
        answer: SectionAnswer,
        sources: list[Source],
        blocks: PromptBlocks,
        section_id: str,
        tally: _Tally,
        language: str,
    ) -> str:
        """Last resort after the re-asks: drop what cannot stand, and say so."""
        numbers = {s.number for s in sources}

        def unknown(match: re.Match[str]) -> str:
            tally.warnings.append(
                f"section {section_id}: removed citation of '{match.group(1)}', not a source"
            )
            return ""

        # a case cited by id becomes its number, so the checks below apply to it
        markdown = CASE_CITATION.sub(unknown, _ids_as_numbers(answer.markdown, sources))
        for sentence, number, figure in unsupported_figures(
            markdown, blocks.texts(sources), blocks.context
        ):
            markdown = markdown.replace(sentence, "")
            tally.warnings.append(
                f"section {section_id}: removed a sentence whose figure "
                f"{figure} is not in source [{number}]"
            )

        def keep(match: re.Match[str]) -> str:
            if int(match.group(1)) in numbers:
                return match.group(0)
            tally.warnings.append(
                f"section {section_id}: removed citation of source "
                f"[{match.group(1)}], which does not exist"
            )
            return ""

        markdown = NUMBER_CITATION.sub(keep, markdown)
        found = language_of(markdown)
        if found and found != language:
            tally.warnings.append(
                f"section {section_id}: written in '{found}', expected '{language}'"
            )
        return markdown

    def _section(
        self, job: SectionJob, section_id: str, previous: list[Section], tally: _Tally
    ) -> Section:
        from langchain_core.messages import AIMessage, HumanMessage

        messages, _, sources = self.fit(job, section_id, previous)
        if len(sources) < len(job.sources):
            tally.warnings.append(
                f"section {section_id}: {len(job.sources) - len(sources)} "
                "least relevant sources left out to fit the token budget"
            )
        answer: SectionAnswer | None = None
        for attempt in range(self.settings.repair_attempts + 1):
            answer, raw, error = self._call(messages, tally, section_id)
            if answer is None:
                problems = [
                    f"invalid answer ({error}); return the object with `markdown` and `citations`"
                ]
            else:
                problems = self._problems(answer, job, sources)
                if not problems:
                    break
            if attempt == self.settings.repair_attempts:
                break
            messages = [
                *messages,
                AIMessage(raw or (answer.model_dump_json() if answer else "")),
                HumanMessage("; ".join(problems)),
            ]
        if answer is None:
            tally.warnings.append(
                f"section {section_id}: no usable model answer after "
                f"{self.settings.repair_attempts + 1} attempts; the offline "
                "writer's text is used"
            )
            return job.fallback(section_id)
        repaired = self._repair(answer, sources, job.blocks, section_id, tally, job.language)
        by_number = {s.number: s.study.id for s in sources}
        markdown = NUMBER_CITATION.sub(lambda m: f"[{by_number[int(m.group(1))]}]", repaired)
        cited = [by_number[n] for n in cited_numbers(repaired) if n in by_number]
        return Section(
            id=section_id,
            title=job.titles[section_id],
            markdown=markdown.strip(),
            citations=list(dict.fromkeys(cited)),
        )

    def write_sections(self, job: SectionJob) -> tuple[list[Section], Usage, list[str]]:
        """Write every section of a job in order, each with the earlier ones in view."""
        tally = _Tally()
        sections: list[Section] = []
        for section_id in job.section_ids:
            sections.append(self._section(job, section_id, sections, tally))
        if price_of(self.model_name) is None:
            tally.warnings.append(
                f"no list price for model '{self.model_name}': cost not counted (data/prices.yaml)"
            )
        if tally.cached_calls:
            tally.warnings.append(f"{tally.cached_calls} answers came from the cache")
        return sections, tally.usage, tally.warnings

    def write_deep_dive(self, data: DeepDiveInput) -> WrittenDeepDive:
        """Write the deep-dive sections over its plan and cited cases."""
        from dih_ai.deep_dive import WrittenDeepDive

        job = SectionJob.deep_dive(data, self.fallback)
        sections, usage, warnings = self.write_sections(job)
        return WrittenDeepDive(
            sections=sections,
            usage=usage,
            model=self.model_name,
            prompt_version=job.prompts.version,
            warnings=warnings,
        )

    def write(self, data: WriterInput) -> WrittenDraft:
        """Write the roadmap's AI sections."""
        job = SectionJob.roadmap(data, self.fallback)
        sections, usage, warnings = self.write_sections(job)
        return WrittenDraft(
            sections=sections,
            initiatives=cited_initiatives(data),
            usage=usage,
            model=self.model_name,
            prompt_version=job.prompts.version,
            warnings=warnings,
        )
