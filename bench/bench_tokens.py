"""Tokens per draft and per deep dive with the default prompts (counted by tiktoken, nothing
sent) and the cost at list prices for two common models: without prompt caching, with it
(the shared prefix of every call after the first), and through the Batch API.

Run: .venv/bin/python bench/bench_tokens.py [--index-dir an-index-already-built]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe  # noqa: E402

MODELS = ("gpt-4o-mini", "gpt-4.1")


def main() -> None:
    from dih_ai.assessment.load import load_assessment
    from dih_ai.config import Settings
    from dih_ai.deep_dive import prepare_deep_dive
    from dih_ai.pipeline import Workspace, draft_roadmap, prepare
    from dih_ai.tokens import count_tokens
    from dih_ai.writers.llm import LLMWriter, SectionJob, cost_usd

    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        index = sys.argv[sys.argv.index("--index-dir") + 1] if "--index-dir" in sys.argv else None
        workspace = Workspace.open(index_dir=Path(index) if index else Path(tmp) / "index")
        refs = sorted((ROOT / "evals" / "references").glob("*/reference.json"))
        import json

        section_tokens = [
            count_tokens(s["markdown"]) for r in refs for s in json.loads(r.read_text())["sections"]
        ]
        typical = round(sum(section_tokens) / len(section_tokens))
        print(
            f"completion estimate: {typical} tokens per section (mean of the reference "
            "roadmaps' sections)"
        )
        for name in ("officina-meccanica.yaml", "food-en.json"):
            data, _ = prepare(load_assessment(ROOT / "examples" / "assessments" / name), workspace)
            for model in MODELS:
                writer = LLMWriter(Settings(backend="openai", model=model, api_key="unused"))
                calls = writer.estimate(data)
                prompt = sum(c.prompt_tokens for c in calls)
                cached = sum(c.cached_tokens for c in calls)
                completion = typical * len(calls)
                with_cache = cost_usd(model, prompt, completion, cached)
                batch = cost_usd(model, prompt, completion, batch=True)
                print(
                    f"{name} {model}: {len(calls)} calls, {prompt} prompt tokens ({cached} from "
                    f"the provider's cache), ~{completion} completion tokens; "
                    f"~${cost_usd(model, prompt, completion):.4f} per draft without caching, "
                    f"~${with_cache:.4f} with it, ~${batch:.4f} through the Batch API"
                )
        assessment = load_assessment(ROOT / "examples" / "assessments" / "officina-meccanica.yaml")
        draft = draft_roadmap(assessment, workspace)
        first = next(i for i in draft.initiatives if i.use_case)
        dive_input, _ = prepare_deep_dive(draft, first.id, workspace, assessment=assessment)
        for model in MODELS:
            writer = LLMWriter(Settings(backend="openai", model=model, api_key="unused"))
            calls = writer.estimate(SectionJob.deep_dive(dive_input, writer.fallback))
            prompt = sum(c.prompt_tokens for c in calls)
            cached = sum(c.cached_tokens for c in calls)
            completion = typical * len(calls)
            print(
                f"deep dive {first.id} {model}: {len(calls)} calls, {prompt} prompt tokens "
                f"({cached} cached), ~{completion} completion tokens, "
                f"~${cost_usd(model, prompt, completion, cached):.4f}"
            )


if __name__ == "__main__":
    main()
