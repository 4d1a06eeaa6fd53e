"""The `dih-ai` command as users run it: real subprocesses, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dih_ai.vocab import SECTION_IDS

ROOT = Path(__file__).resolve().parent.parent


def run(
    *args: str, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    # the limit only stops a hung command: embedding the bundled corpus on a busy 2-core
    # machine can take minutes (speed is measured in bench/, not here)
    return subprocess.run(
        [sys.executable, "-m", "dih_ai.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or os.environ.copy(),
        timeout=900,
    )


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, workspace) -> Path:
    """A copy of the session's index of the bundled corpus (built once per test session):
    the commands read it as current, nothing is embedded again."""
    folder = tmp_path_factory.mktemp("cli") / "index"
    shutil.copytree(workspace.index.path, folder)
    done = run("index", "--index-dir", str(folder))
    assert done.returncode == 0, done.stderr
    assert "0 added, 0 updated" in done.stdout, done.stdout
    return folder


def test_index_builds_then_finds_nothing_to_do(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for case in sorted((ROOT / "corpus").glob("*.md"))[:3]:
        shutil.copy(case, corpus)
    where = ["--corpus", str(corpus), "--index-dir", str(tmp_path / "index")]
    first = run("index", *where)
    assert first.returncode == 0, first.stderr
    assert "3 added" in first.stdout
    again = run("index", *where)
    assert again.returncode == 0 and "0 added, 0 updated" in again.stdout, again.stdout


def test_help_lists_the_commands() -> None:
    done = run("--help")
    assert done.returncode == 0
    for command in ("validate", "draft", "retrieve", "index", "demo", "corpus"):
        assert command in done.stdout


def test_validate_good_and_bad(tmp_path: Path, examples: Path) -> None:
    assert run("validate", str(examples)).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (examples / "officina-meccanica.yaml")
        .read_text()
        .replace("automation_ai: 18", "automation_ai: 130")
    )
    binary = tmp_path / "binary.json"
    binary.write_bytes(os.urandom(512) + b"\x00")
    done = run("validate", str(bad), str(binary))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert f"{bad}: dma.scores.automation_ai: 130 is above the maximum 100" in lines
    assert any(line.startswith(f"{binary}: ") for line in lines)
    assert "Traceback" not in done.stderr


def test_draft_json_to_file(tmp_path: Path, examples: Path, index_dir: Path) -> None:
    out = tmp_path / "out" / "food.json"
    done = run(
        "draft",
        str(examples / "food-en.json"),
        "--format",
        "json",
        "--out",
        str(out),
        "--index-dir",
        str(index_dir),
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    assert data["company_id"] == "pastificio-esempio" and data["language"] == "en"
    assert [s["id"] for s in data["sections"]] == list(SECTION_IDS)


def test_draft_markdown_to_stdout(examples: Path, index_dir: Path) -> None:
    done = run("draft", str(examples / "officina-meccanica.yaml"), "--index-dir", str(index_dir))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Roadmap AI – bozza: Officina Meccanica Esempio S.r.l.")
    assert "## Fonti citate" in done.stdout


def test_dry_run_prints_each_call_and_sends_nothing(examples: Path, index_dir: Path) -> None:
    meccanica = str(examples / "officina-meccanica.yaml")
    env = {**os.environ, "OPENAI_API_KEY": "never-sent"}
    done = run("draft", meccanica, "--dry-run", "--index-dir", str(index_dir), env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "model gpt-4o-mini (json_schema); nothing sent"
    assert len(lines) == len(SECTION_IDS) + 3 and lines[-1].startswith(f"{len(SECTION_IDS)} calls")
    offline = run(
        "draft", meccanica, "--backend", "offline", "--dry-run", "--index-dir", str(index_dir)
    )
    assert offline.stdout == "offline writer: no model calls, no tokens, no cost\n"


def test_draft_bad_input_exits_2_without_traceback(tmp_path: Path, index_dir: Path) -> None:
    bad = tmp_path / "truncated.json"
    bad.write_text('{"company": ')
    done = run("draft", str(bad), "--index-dir", str(index_dir))
    assert done.returncode == 2
    assert done.stderr.startswith(f"{bad}: invalid JSON") and "Traceback" not in done.stderr


def test_retrieve_json(examples: Path, index_dir: Path) -> None:
    done = run(
        "retrieve",
        str(examples / "officina-meccanica.yaml"),
        "--k",
        "5",
        "--format",
        "json",
        "--index-dir",
        str(index_dir),
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 5
    assert all(set(r) == {"id", "title", "score", "reason"} for r in rows)


def test_corpus_validate_and_list() -> None:
    assert run("corpus", "validate").returncode == 0
    listed = run("corpus", "list", "--format", "json")
    assert len(json.loads(listed.stdout)) >= 30


def test_demo_writes_markdown_and_json(tmp_path: Path, index_dir: Path) -> None:
    done = run("demo", "--out", str(tmp_path / "demo"), "--index-dir", str(index_dir))
    assert done.returncode == 0, done.stderr
    md = tmp_path / "demo" / "officina-meccanica-esempio.md"
    assert str(md) in done.stdout
    assert "scrittore offline" in md.read_text()
    dive = tmp_path / "demo" / "officina-meccanica-esempio-deep-dive-uc-predictive-maintenance.md"
    assert dive.read_text().startswith("# Deep Dive: Manutenzione predittiva")
    assert (
        (tmp_path / "demo" / "officina-meccanica-esempio.html")
        .read_text()
        .startswith("<!doctype html>")
    )


def test_draft_in_the_other_language(examples: Path, index_dir: Path) -> None:
    done = run(
        "draft",
        str(examples / "officina-meccanica.yaml"),
        "--lang",
        "en",
        "--format",
        "json",
        "--index-dir",
        str(index_dir),
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["language"] == "en" and data["sections"][0]["title"] == "AI summary"


def test_every_command_help_has_an_example() -> None:
    commands = [
        ["validate"],
        ["draft"],
        ["batch"],
        ["deep-dive"],
        ["retrieve"],
        ["index"],
        ["demo"],
        ["corpus", "validate"],
        ["eval"],
        ["eval", "compare"],
        ["eval", "retrieval"],
    ]
    for command in commands:
        done = run(*command, "--help")
        assert done.returncode == 0, command
        assert "Example" in done.stdout, command


def test_deep_dive_from_a_draft_file(tmp_path: Path, examples: Path, index_dir: Path) -> None:
    draft = tmp_path / "meccanica.json"
    common = ["--index-dir", str(index_dir)]
    done = run(
        "draft",
        str(examples / "officina-meccanica.yaml"),
        "--format",
        "json",
        "--out",
        str(draft),
        *common,
    )
    assert done.returncode == 0, done.stderr
    md = run("deep-dive", str(draft), "uc-predictive-maintenance", "--start", "2027-01-11", *common)
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Deep Dive: Manutenzione predittiva")
    assert "settimana 3 (2027-02-01)" in md.stdout and "## Fonti citate" in md.stdout
    for fmt in ("json", "html", "docx"):
        out = tmp_path / f"dd.{fmt}"
        done = run(
            "deep-dive", str(draft), "gate-data", "--format", fmt, "--out", str(out), *common
        )
        assert done.returncode == 0 and out.stat().st_size > 2000, (fmt, done.stderr)
    dive = json.loads((tmp_path / "dd.json").read_text())
    assert dive["kind"] == "deep_dive" and dive["initiative_id"] == "gate-data"
    english = run(
        "deep-dive",
        str(draft),
        "ai-literacy",
        "--lang",
        "en",
        "--assessment",
        str(examples / "officina-meccanica.yaml"),
        *common,
    )
    assert english.returncode == 0, english.stderr
    assert english.stdout.startswith("# Deep Dive: AI literacy for all staff")


def test_deep_dive_bad_input_exits_2_with_one_line(
    tmp_path: Path, examples: Path, index_dir: Path
) -> None:
    draft = tmp_path / "food.json"
    run(
        "draft",
        str(examples / "food-en.json"),
        "--format",
        "json",
        "--out",
        str(draft),
        "--index-dir",
        str(index_dir),
    )
    cases = [
        (["deep-dive", str(draft), "uc-nothing"], f"{draft}: initiatives: no initiative"),
        (["deep-dive", str(examples / "food-en.json"), "ai-literacy"], "not a draft"),
        (["deep-dive", str(draft), "ai-literacy", "--start", "11/01/2027"], "--start"),
        (["deep-dive", str(draft), "ai-literacy", "--lang", "it"], "--assessment"),
    ]
    for args, expected in cases:
        done = run(*args, "--index-dir", str(tmp_path / "unused-index"))
        assert done.returncode == 2, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], lines
        assert "Traceback" not in done.stderr
    # rejected before any work: the index was never opened, let alone built
    assert not (tmp_path / "unused-index").exists()


def test_batch_writes_the_formats_asked(tmp_path: Path, examples: Path, index_dir: Path) -> None:
    out = tmp_path / "drafts"
    done = run(
        "batch",
        str(examples),
        "--out",
        str(out),
        "--format",
        "html",
        "--format",
        "docx",
        "--lang",
        "en",
        "--index-dir",
        str(index_dir),
    )
    assert done.returncode == 0, done.stderr
    assert "2 drafted" in done.stdout
    names = sorted(p.name for p in out.iterdir())
    for stem in ("officina-meccanica-esempio", "pastificio-esempio"):
        assert {f"{stem}.json", f"{stem}.html", f"{stem}.docx"} <= set(names)
        assert f"{stem}.md" not in names
        assert json.loads((out / f"{stem}.json").read_text())["language"] == "en"
