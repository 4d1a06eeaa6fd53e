"""Batch drafting: statuses, resume, faults, and a killed run that loses nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dih_ai.batch import run_batch
from dih_ai.resources import bundled_dir
from dih_ai.writers.offline import OfflineWriter
from tests.fake_openai import FakeOpenAI, fake_writer, slow, status

ASSESSMENTS = bundled_dir("evals") / "retrieval" / "assessments"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "in"
    target.mkdir()
    for path in sorted(ASSESSMENTS.glob("*.yaml"))[:5]:
        shutil.copy(path, target)
    (target / "broken.yaml").write_text("company: [1, 2]\n")
    return target


def test_statuses_and_resume(folder: Path, tmp_path: Path, workspace) -> None:
    out = tmp_path / "out"
    first = run_batch([folder], workspace, out, writer=OfflineWriter(), concurrency=3)
    assert first.count("drafted") == 5 and first.count("invalid_input") == 1
    bad = next(r for r in first.results if r.status == "invalid_input")
    assert bad.source.endswith("broken.yaml") and "company" in bad.message
    assert len(list(out.glob("*.json"))) == 6  # 5 drafts + batch-summary.json
    (out / sorted(p.name for p in out.glob("*.json") if p.name != "batch-summary.json")[0]).unlink()
    again = run_batch([folder], workspace, out, writer=OfflineWriter())
    assert again.count("drafted") == 1 and again.count("already_drafted") == 4
    log = [json.loads(line) for line in (out / "batch-status.jsonl").read_text().splitlines()]
    assert len(log) == 12


def test_a_failing_company_does_not_stop_the_batch(folder, tmp_path, workspace) -> None:
    server = FakeOpenAI().start()
    try:
        server.script.extend([status(500, 5)] * 3)  # the first call fails for good
        writer = fake_writer(server, max_retries=2, timeout_s=5)
        summary = run_batch([folder], workspace, tmp_path / "out", writer=writer, concurrency=1)
    finally:
        server.stop()
    assert summary.count("failed") == 1 and summary.count("drafted") == 4
    failed = next(r for r in summary.results if r.status == "failed")
    assert "WriterError" in failed.message and "failed after 2 retries" in failed.message
    assert summary.usage.llm_calls == 44


def test_killed_batch_loses_nothing_and_repeats_no_paid_call(folder, tmp_path, workspace):
    (folder / "broken.yaml").unlink()
    server = FakeOpenAI().start()
    server.script.extend([slow(0.15)] * 200)
    env = {
        **os.environ,
        "DIH_AI_CACHE_DIR": str(tmp_path / "cache"),
        "DIH_AI_API_KEY": "k",
        "DIH_AI_BASE_URL": server.base_url,
        "DIH_AI_BACKEND": "openai",
    }
    command = [
        sys.executable,
        "-m",
        "dih_ai.cli",
        "batch",
        str(folder),
        "--out",
        str(tmp_path / "out"),
        "--concurrency",
        "2",
        "--index-dir",
        str(workspace.index.path),
    ]
    try:
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not [p for p in (tmp_path / "out").glob("*.json")] and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait()
        done_before = {p.name for p in (tmp_path / "out").glob("*.json")}
        calls_before = len(server.requests)
        assert done_before and calls_before < 55
        rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    finally:
        server.stop()
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(done_before)} already drafted" in rerun.stdout
    drafts = {p.name for p in (tmp_path / "out").glob("*.json")} - {"batch-summary.json"}
    assert len(drafts) == 5 and done_before <= drafts
    # every answer received before the kill was cached: at most the calls in flight repeat
    # (2 companies at a time, each with up to 10 sections in flight at once)
    assert len(server.requests) <= 5 * 11 + 2 * 10
