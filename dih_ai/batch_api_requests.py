"""The Batch API's wire format: one chat-completion request per JSONL line (what a
synchronous call would send), its answer read back as the model writer's first attempt, and
the writer that drafts a company from those answers, re-asking synchronously what fails."""

from __future__ import annotations

import json
from typing import Any

from dih_ai.writers import DeepDiveInput, WriterInput, WrittenDeepDive, WrittenDraft
from dih_ai.writers.llm import LLMWriter, Reply, SectionAnswer, call_usage

ENDPOINT = "/v1/chat/completions"
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
Tokens = tuple[int, int, int]  # an answer's prompt, completion and cached prompt tokens


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


def request_line(custom_id: str, body: dict[str, Any]) -> str:
    """One line of the batch's JSONL input (without its newline)."""
    return json.dumps(
        {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body},
        ensure_ascii=False,
    )


def parse_answer(line: dict[str, Any]) -> tuple[Reply, Tokens] | None:
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
        return Reply(None, raw, "the answer was cut by the length limit"), tokens
    try:
        return Reply(SectionAnswer.model_validate_json(raw), raw), tokens
    except ValueError as error:
        return Reply(None, raw, f"not the expected object: {str(error)[:200]}"), tokens


def answers_for(
    key: str, answers: dict[str, dict[str, Any]]
) -> tuple[dict[str, Reply], dict[str, Tokens]]:
    """The answers to company `key`'s requests (`<key>-<section id>`) and their tokens, by
    section id; a request the batch did not answer is left out."""
    prefilled: dict[str, Reply] = {}
    tokens: dict[str, Tokens] = {}
    for custom_id, line in answers.items():
        if custom_id.startswith(key + "-"):
            parsed = parse_answer(line)
            if parsed is not None:
                prefilled[custom_id[len(key) + 1 :]] = parsed[0]
                tokens[custom_id[len(key) + 1 :]] = parsed[1]
    return prefilled, tokens


class BatchAnswers:
    """The model writer fed with a company's batch answers (re-asking what fails)."""

    backend = "openai"

    def __init__(
        self, writer: LLMWriter, prefilled: dict[str, Reply], tokens: dict[str, Tokens]
    ) -> None:
        self.writer = writer
        self.prefilled = prefilled
        self.tokens = tokens
        self.re_asked = 0

    def write(self, data: WriterInput) -> WrittenDraft:
        """The roadmap's sections from the batch answers, the failed ones asked again."""
        written = self.writer.write(data, prefilled=self.prefilled)
        self.re_asked = written.usage.llm_calls  # the writer's own calls: the synchronous re-asks
        model = self.writer.model_name
        for prompt, completion, cached in self.tokens.values():
            written.usage += call_usage(model, prompt, completion, cached, batch=True)
        return written

    def write_deep_dive(self, data: DeepDiveInput) -> WrittenDeepDive:
        """A deep dive is not batched: the model writer writes it."""
        return self.writer.write_deep_dive(data)
