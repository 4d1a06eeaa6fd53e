"""A small OpenAI-compatible chat server for tests, on 127.0.0.1 only.

It records every request, and answers from a script (a queue of actions) or, when the
script is empty, with a valid section in the request's language citing source [1].
Actions: `answer(dict)` (structured answer: tool call or JSON content, as the request asks),
`text(str)` (raw content: malformed JSON, prose), `status(code, retry_after_ms)`,
`slow(seconds, then)`, `drop()` (close the connection mid-answer).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dih_ai.config import Settings
    from dih_ai.writers.llm import LLMWriter


@dataclass
class Action:
    kind: str
    payload: Any = None
    seconds: float = 0.0
    then: Action | None = None


def answer(markdown: str, citations: list[int] | None = None) -> Action:
    return Action("answer", {"markdown": markdown, "citations": citations or []})


def text(content: str) -> Action:
    return Action("text", content)


def status(code: int, retry_after_ms: int | None = None) -> Action:
    return Action("status", (code, retry_after_ms))


def slow(seconds: float, then: Action | None = None) -> Action:
    return Action("slow", seconds=seconds, then=then)


def drop() -> Action:
    return Action("drop")


def cut() -> Action:
    """An answer cut by the length limit (finish_reason 'length')."""
    return Action("cut", '{"markdown": "Testo tronc')


@dataclass
class FakeOpenAI:
    script: deque[Action] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    latency: float = 0.0  # seconds added to every answer

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(
                    {"path": self.path, "body": body, "headers": dict(self.headers)}
                )
                action = fake.script.popleft() if fake.script else None
                if fake.latency:
                    time.sleep(fake.latency)
                fake.respond(self, body, action)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    # -- answers -------------------------------------------------------------------------
    @staticmethod
    def default_answer(body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages", [])
        system = str(messages[0].get("content", "")) if messages else ""
        human = " ".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
        section = re.findall(r"\(id: ([a-z_]+)\)", human)
        section_id = section[-1] if section else "section"
        has_source = "[1]" in human
        if "italiano" in system:
            markdown = (
                f"Per AZIENDA_CLIENTE questa è la sezione {section_id}, scritta con i dati "
                "del piano e della valutazione."
            )
            if has_source:
                markdown += " Un caso simile della rete è descritto nella fonte [1]."
        else:
            markdown = (
                f"For AZIENDA_CLIENTE this is the {section_id} section, written from the "
                "plan and the assessment."
            )
            if has_source:
                markdown += " A similar case of the network is described in source [1]."
        return {"markdown": markdown, "citations": [1] if has_source else []}

    def respond(
        self, handler: BaseHTTPRequestHandler, body: dict[str, Any], action: Action | None
    ) -> None:
        if action and action.kind == "slow":
            time.sleep(action.seconds)
            action = action.then
        if action and action.kind == "status":
            code, retry_ms = action.payload
            payload = json.dumps({"error": {"message": f"injected {code}", "type": "test"}})
            handler.send_response(code)
            handler.send_header("content-type", "application/json")
            if retry_ms is not None:
                handler.send_header("retry-after-ms", str(retry_ms))
            handler.send_header("content-length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload.encode())
            return
        if action and action.kind == "drop":
            handler.send_response(200)
            handler.send_header("content-type", "application/json")
            handler.send_header("content-length", "5000")
            handler.end_headers()
            handler.wfile.write(b'{"id": "chatcmpl-x", "choices": [')
            handler.wfile.flush()
            handler.connection.shutdown(2)
            return
        finish = "stop"
        if action and action.kind in ("text", "cut"):
            content: str = action.payload
            structured = None
            finish = "length" if action.kind == "cut" else "stop"
        else:
            structured = action.payload if action else self.default_answer(body)
            content = json.dumps(structured, ensure_ascii=False)
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if body.get("tools") and structured is not None:
            name = body["tools"][0]["function"]["name"]
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": name, "arguments": content},
                    }
                ],
            }
            finish = "tool_calls"
        elif body.get("tools"):
            message = {"role": "assistant", "content": content}
        prompt_tokens = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
        payload = json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "test"),
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": len(content) // 4,
                    "total_tokens": prompt_tokens + len(content) // 4,
                },
            }
        )
        handler.send_response(200)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(payload.encode())))
        handler.end_headers()
        handler.wfile.write(payload.encode())


def fake_settings(server: FakeOpenAI, **overrides: Any) -> Settings:
    """Model-writer settings pointed at the fake server (no answer cache); `overrides` win."""
    from dih_ai.config import Settings

    values: dict[str, Any] = {
        "backend": "openai",
        "model": "gpt-4o-mini",
        "base_url": server.base_url,
        "api_key": "test-key",
        "cache": False,
    }
    values.update(overrides)
    return Settings(**values)


def fake_writer(server: FakeOpenAI, **overrides: Any) -> LLMWriter:
    """The real model writer (LangChain's ChatOpenAI) talking to the fake server."""
    from dih_ai.writers.llm import LLMWriter

    return LLMWriter(fake_settings(server, **overrides))
