"""Batch API mode end to end: the real openai client against the loopback server's
`/v1/files` and `/v1/batches` (completed, expired and failed batches, a killed run)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from dih_ai.batch_api import BatchState, run_batch_api
from dih_ai.draft import RoadmapDraft
from dih_ai.vocab import SECTION_IDS
from tests.companies import write_companies
from tests.fake_openai import FakeOpenAI, answer, fake_writer

COMPANIES = 3


@pytest.fixture()
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return write_companies(tmp_path / "in", COMPANIES)


def posts(server: FakeOpenAI, suffix: str) -> int:
    return sum(1 for r in server.requests if r["path"].endswith(suffix) and r["body"] is not None)


def uploads(server: FakeOpenAI) -> int:
    return sum(1 for r in server.requests if r["path"] == "/v1/files")


def run(server: FakeOpenAI, folder: Path, out: Path, workspace, **extra):
    writer = fake_writer(server, timeout_s=5, max_retries=1)
    return run_batch_api([folder], workspace, out, writer=writer, poll_s=0.01, **extra)


def test_a_batch_drafts_every_company_at_half_price(server, folder, tmp_path, workspace):
    server.batch_polls = 3
    summary = run(server, folder, tmp_path / "out", workspace)
    assert summary.count("drafted") == COMPANIES
    assert uploads(server) == 1 and posts(server, "/v1/batches") == 1
    assert server.chat_requests() == []  # every answer came from the batch
    batch = next(iter(server.batches.values()))
    assert batch["metadata"]["dih_ai_run"] and summary.batch_status == "completed"
    lines = server.files[batch["input_file_id"]].decode().splitlines()
    assert len(lines) == COMPANIES * len(SECTION_IDS)
    for line in lines:  # what is uploaded never names the company
        request = json.loads(line)
        assert request["url"] == "/v1/chat/completions"
        assert "Azienda Numero" not in line and "azienda-0" not in line
        assert request["custom_id"].split("-", 1)[1] in SECTION_IDS
    # the same prefix for every section of a company: the provider's cache applies
    first = [json.loads(x) for x in lines[: len(SECTION_IDS)]]
    assert len({json.dumps(r["body"]["messages"][:2]) for r in first}) == 1
    for path in sorted((tmp_path / "out").glob("azienda-*.json")):
        draft = RoadmapDraft.model_validate_json(path.read_text())
        assert [s.id for s in draft.sections] == list(SECTION_IDS)
        assert draft.usage.llm_calls == len(SECTION_IDS)
    assert summary.batch_answers == COMPANIES * len(SECTION_IDS) and summary.re_asked == 0
    assert summary.saved_usd == pytest.approx(summary.batch_cost_usd, rel=1e-3)
    assert summary.usage.cost_usd == pytest.approx(summary.batch_cost_usd, rel=1e-3)
    assert "saved $" in summary.text() and "Batch API" in summary.text()


def test_drafts_are_made_on_the_drafting_date_and_later_assessments_are_invalid(
    server, folder, tmp_path, workspace
):
    late = folder / "a001.yaml"
    data = yaml.safe_load(late.read_text(encoding="utf-8"))
    data["assessment_date"] = "2027-01-15"  # after the drafting date
    late.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    as_of = date(2026, 9, 30)
    summary = run(server, folder, tmp_path / "out", workspace, as_of=as_of)
    assert summary.count("drafted") == COMPANIES - 1 and summary.count("invalid_input") == 1
    bad = next(r for r in summary.results if r.status == "invalid_input")
    assert bad.source.endswith("a001.yaml") and bad.company_id == "azienda-001"
    assert "2027-01-15 is after the drafting date 2026-09-30" in bad.message
    batch = next(iter(server.batches.values()))
    lines = server.files[batch["input_file_id"]].decode().splitlines()
    assert len(lines) == (COMPANIES - 1) * len(SECTION_IDS)  # nothing asked for it
    drafts = sorted((tmp_path / "out").glob("azienda-*.json"))
    assert [p.stem for p in drafts] == ["azienda-000", "azienda-002"]
    for path in drafts:
        assert RoadmapDraft.model_validate_json(path.read_text()).generated_by.as_of == as_of
    state = BatchState.model_validate_json((tmp_path / "out/.batch-api/state.json").read_text())
    assert state.as_of == as_of  # a resumed run drafts on the date its requests were built on


def test_an_invalid_batch_answer_is_re_asked_synchronously(server, folder, tmp_path, workspace):
    server.by_section["funding"] = deque([answer("Come nel caso [9].", [9])])
    summary = run(server, folder, tmp_path / "out", workspace)
    assert summary.count("drafted") == COMPANIES and summary.re_asked == 1
    (re_ask,) = server.chat_requests()
    messages = re_ask["body"]["messages"]
    assert "[9]" in messages[-2]["content"] and "[9]" in messages[-1]["content"]
    drafts = [p.read_text() for p in (tmp_path / "out").glob("azienda-*.json")]
    assert not any("[9]" in d for d in drafts)


@pytest.mark.parametrize("outcome", ["expired", "failed"])
def test_what_the_batch_did_not_answer_is_written_synchronously(
    server, folder, tmp_path, workspace, outcome
):
    server.batch_outcome = outcome
    summary = run(server, folder, tmp_path / "out", workspace)
    total = COMPANIES * len(SECTION_IDS)
    answered = total // 2 if outcome == "expired" else 0
    assert summary.batch_status == outcome and summary.count("drafted") == COMPANIES
    assert summary.batch_answers == answered and summary.re_asked == total - answered
    assert len(server.chat_requests()) == total - answered


def test_a_run_stopped_while_polling_resumes_without_re_submitting(
    server, folder, tmp_path, workspace
):
    server.batch_polls = 4
    out = tmp_path / "out"

    def stop_once_submitted(state: BatchState) -> None:
        if state.batch_id and state.status == "in_progress":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(server, folder, out, workspace, on_status=stop_once_submitted)
    saved = BatchState.model_validate_json((out / ".batch-api" / "state.json").read_text())
    assert saved.batch_id and not list(out.glob("azienda-*.json"))
    summary = run(server, folder, out, workspace)
    assert summary.count("drafted") == COMPANIES and summary.batch_id == saved.batch_id
    assert uploads(server) == 1 and posts(server, "/v1/batches") == 1
    again = run(server, folder, out, workspace)  # all done: nothing is sent
    assert again.count("already_drafted") == COMPANIES and posts(server, "/v1/batches") == 1


def test_a_run_stopped_after_the_upload_creates_its_batch_once(server, folder, tmp_path, workspace):
    out = tmp_path / "out"

    def stop_after_upload(state: BatchState) -> None:
        if state.input_file_id and not state.batch_id:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(server, folder, out, workspace, on_status=stop_after_upload)
    summary = run(server, folder, out, workspace)
    assert summary.count("drafted") == COMPANIES
    assert uploads(server) == 1 and posts(server, "/v1/batches") == 1


def test_a_killed_cli_run_resumes_the_same_batch(server, folder, tmp_path, workspace) -> None:
    server.batch_polls = 10**9  # the batch stays in progress until the test lets it end
    out = tmp_path / "out"
    env = {
        **os.environ,
        "DIH_AI_CACHE_DIR": str(tmp_path / "cache"),
        "DIH_AI_API_KEY": "k",
        "DIH_AI_BASE_URL": server.base_url,
        "DIH_AI_BACKEND": "openai",
        "DIH_AI_BATCH_POLL_S": "0.05",
    }
    command = [
        *(sys.executable, "-m", "dih_ai.cli", "batch", str(folder), "--out", str(out)),
        *("--batch-api", "--index-dir", str(workspace.index.path)),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    state = out / ".batch-api" / "state.json"
    while time.monotonic() < deadline and process.poll() is None:
        if state.exists() and BatchState.model_validate_json(state.read_text()).batch_id:
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert BatchState.model_validate_json(state.read_text()).batch_id
    server.batch_polls = 1
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{COMPANIES} drafted" in rerun.stdout and "saved $" in rerun.stdout
    assert uploads(server) == 1 and posts(server, "/v1/batches") == 1
