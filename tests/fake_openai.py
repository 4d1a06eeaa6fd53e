"""A small OpenAI-compatible chat server for tests, on 127.0.0.1 only.

It records every request, and answers from a script (a queue of actions) or, when the
script is empty, with a valid section in the request's language citing source [1].
Actions: `answer(dict)` (structured answer: tool call or JSON content, as the request asks),
`text(str)` (raw content: malformed JSON, prose), `status(code, retry_after_ms)`,
`slow(seconds, then)`, `drop()` (close the connection mid-answer). `by_section` holds
scripts for one section id (taken before the shared script), so concurrent sections get
theirs whatever the order of arrival.

Usage reports `prompt_tokens_details.cached_tokens` like OpenAI: a request whose rules and
context (its first two messages) were seen before gets that prefix as cached. It also serves
`/v1/files` and `/v1/batches` (Batch API): a batch completes after `batch_polls` retrieves,
or ends `expired` (half its requests answered) or `failed`, as `batch_outcome` says.
"""

from __future__ import annotations

import email.parser
import itertools
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


def _section_of(body: dict[str, Any]) -> str | None:
    human = " ".join(
        str(m.get("content", "")) for m in body.get("messages", []) if m.get("role") == "user"
    )
    found = re.findall(r"\(id: ([a-z_]+)\)", human)
    return found[-1] if found else None


@dataclass
class FakeOpenAI:
    script: deque[Action] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    latency: float = 0.0  # seconds added to every answer
    by_section: dict[str, deque[Action]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    batch_polls: int = 1  # retrieves before a batch ends
    batch_outcome: str = "completed"  # or "expired", "failed"
    in_flight: int = 0
    peak_in_flight: int = 0
    _seen_prefixes: set[str] = field(default_factory=set)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def chat_requests(self) -> list[dict[str, Any]]:
        """The chat-completion requests only."""
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def next_action(self, body: dict[str, Any]) -> Action | None:
        """The scripted action for this request: its section's script first, then the shared."""
        with self._lock:
            queue = self.by_section.get(_section_of(body) or "")
            if queue:
                return queue.popleft()
            return self.script.popleft() if self.script else None

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

            def do_GET(self) -> None:
                fake.requests.append({"path": self.path, "body": None, "headers": {}})
                fake.serve_get(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length)
                if self.path.endswith("/files"):
                    fake.requests.append({"path": self.path, "body": None, "headers": {}})
                    fake.upload(self, raw)
                    return
                body = json.loads(raw or b"{}")
                fake.requests.append(
                    {"path": self.path, "body": body, "headers": dict(self.headers)}
                )
                if self.path.endswith("/batches"):
                    fake.create_batch(self, body)
                    return
                action = fake.next_action(body)
                with fake._lock:
                    fake.in_flight += 1
                    fake.peak_in_flight = max(fake.peak_in_flight, fake.in_flight)
                try:
                    if fake.latency:
                        time.sleep(fake.latency)
                    fake.respond(self, body, action)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

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
        payload = json.dumps(self.completion(body, action))
        self._send(handler, 200, payload.encode())

    def completion(self, body: dict[str, Any], action: Action | None) -> dict[str, Any]:
        """The chat completion answering `body` (the action's, or the default answer)."""
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
        messages = body.get("messages", [])
        prompt_tokens = sum(len(str(m.get("content", ""))) for m in messages) // 4
        prefix = json.dumps(messages[:2], sort_keys=True)
        prefix_tokens = len("".join(str(m.get("content", "")) for m in messages[:2])) // 4
        with self._lock:
            seen = prefix in self._seen_prefixes
            self._seen_prefixes.add(prefix)
        cached = prefix_tokens // 128 * 128 if seen and prefix_tokens >= 1024 else 0
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "test"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(content) // 4,
                "total_tokens": prompt_tokens + len(content) // 4,
                "prompt_tokens_details": {"cached_tokens": cached},
            },
        }

    # -- Batch API -----------------------------------------------------------------------
    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, code: int, payload: bytes) -> None:
        handler.send_response(code)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _new_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}-{next(self._ids)}"

    def _file(self, content: bytes, purpose: str, name: str) -> dict[str, Any]:
        file_id = self._new_id("file")
        self.files[file_id] = content
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": 0,
            "filename": name,
            "purpose": purpose,
        }

    def upload(self, handler: BaseHTTPRequestHandler, raw: bytes) -> None:
        head = f"content-type: {handler.headers['content-type']}\r\n\r\n".encode()
        message = email.parser.BytesParser().parsebytes(head + raw)
        fields = {
            part.get_param("name", header="content-disposition"): part
            for part in message.get_payload()
        }
        content = fields["file"].get_payload(decode=True)
        purpose = fields["purpose"].get_payload(decode=True).decode()
        name = fields["file"].get_filename() or "upload.jsonl"
        self._send(handler, 200, json.dumps(self._file(content, purpose, name)).encode())

    def create_batch(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if body.get("input_file_id") not in self.files:
            self._send(handler, 404, b'{"error": {"message": "no such file"}}')
            return
        batch = {
            "id": self._new_id("batch"),
            "object": "batch",
            "endpoint": body["endpoint"],
            "input_file_id": body["input_file_id"],
            "completion_window": body["completion_window"],
            "status": "validating",
            "created_at": 0,
            "metadata": body.get("metadata"),
            "output_file_id": None,
            "error_file_id": None,
            "errors": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "_polls": 0,
        }
        self.batches[batch["id"]] = batch
        self._send(handler, 200, json.dumps(self._public(batch)).encode())

    @staticmethod
    def _public(batch: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in batch.items() if not k.startswith("_")}

    def _finish(self, batch: dict[str, Any]) -> None:
        lines = [json.loads(x) for x in self.files[batch["input_file_id"]].splitlines() if x]
        if self.batch_outcome == "failed":
            batch["status"] = "failed"
            batch["errors"] = {
                "object": "list",
                "data": [{"code": "invalid_request", "message": "injected failure", "line": 1}],
            }
            return
        answered = lines if self.batch_outcome == "completed" else lines[: len(lines) // 2]
        out, errors = [], []
        for n, line in enumerate(lines):
            if line in answered:
                response = self.completion(line["body"], self.next_action(line["body"]))
                out.append(
                    {
                        "id": f"batch_req_{n}",
                        "custom_id": line["custom_id"],
                        "response": {"status_code": 200, "request_id": str(n), "body": response},
                        "error": None,
                    }
                )
            else:
                errors.append(
                    {
                        "id": f"batch_req_{n}",
                        "custom_id": line["custom_id"],
                        "response": None,
                        "error": {"code": "batch_expired", "message": "not done in time"},
                    }
                )
        if out:
            content = "".join(json.dumps(x) + "\n" for x in out).encode()
            batch["output_file_id"] = self._file(content, "batch_output", "out.jsonl")["id"]
        if errors:
            content = "".join(json.dumps(x) + "\n" for x in errors).encode()
            batch["error_file_id"] = self._file(content, "batch_output", "err.jsonl")["id"]
        batch["status"] = "completed" if self.batch_outcome == "completed" else "expired"
        batch["request_counts"] = {
            "total": len(lines),
            "completed": len(out),
            "failed": len(errors),
        }

    def serve_get(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?")[0]
        parts = path.strip("/").split("/")  # v1, files|batches, id, content
        if parts[1:2] == ["files"] and len(parts) == 4 and parts[2] in self.files:
            self._send(handler, 200, self.files[parts[2]])
            return
        if parts[1:] == ["batches"]:
            listed = [self._public(b) for b in reversed(self.batches.values())]
            payload = {"object": "list", "data": listed, "has_more": False}
            self._send(handler, 200, json.dumps(payload).encode())
            return
        if parts[1:2] == ["batches"] and len(parts) == 3 and parts[2] in self.batches:
            batch = self.batches[parts[2]]
            with self._lock:
                batch["_polls"] += 1
                if batch["status"] in ("validating", "in_progress"):
                    if batch["_polls"] >= self.batch_polls:
                        self._finish(batch)
                    else:
                        batch["status"] = "in_progress"
            self._send(handler, 200, json.dumps(self._public(batch)).encode())
            return
        self._send(handler, 404, b'{"error": {"message": "not found"}}')


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
