"""`dih-ai eval`: drafts against the reference roadmaps, two runs compared, retrieval."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dih_ai.cli.options import (
    STORE,
    WRITER,
    CaseStore,
    ListFormat,
    ListFormatOpt,
    WriterChoice,
    grouped,
)
from dih_ai.cli.progress import progress

SHOWN = (
    "structure",
    "initiative_f1",
    "use_case_f1",
    "cited_recall",
    "figures_supported",
    "rouge_l",
    "embedding_similarity",
)  # the means a run prints


@grouped
def eval_drafts(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", help="Run folder, e.g. runs/NAME.")] = None,
    cases: Annotated[
        Path | None,
        typer.Option("--cases", help="Reference cases folder (default: bundled evals/references)."),
    ] = None,
    choice: WriterChoice = WRITER,
    judge: Annotated[
        bool, typer.Option("--judge", help="Also score with an LLM judge (needs a model).")
    ] = False,
    store: CaseStore = STORE,
) -> None:
    """Evaluate drafts against the reference roadmaps (this command), or retrieval.

    Drafts every reference case and scores it; writes result.json, report.md, report.html.

    Examples:
      dih-ai eval --backend offline --out runs/baseline
      dih-ai eval --backend openai --model gpt-4o-mini --out runs/4o-mini --judge
      dih-ai eval compare runs/baseline runs/4o-mini
      dih-ai eval retrieval
    """
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    from dih_ai.evaluation.drafts import evaluate_drafts
    from dih_ai.evaluation.report import write_run
    from dih_ai.resources import bundled_dir
    from dih_ai.writers.factory import make_writer

    settings = choice.settings()
    workspace = store.open()
    grader = None
    if judge:
        from dih_ai.evaluation.judge import LLMJudge

        grader = LLMJudge(settings)
    with progress("evaluating") as on_case:
        run = evaluate_drafts(
            cases or bundled_dir("evals") / "references",
            workspace,
            name=out.name,
            writer=make_writer(settings),
            judge=grader,
            on_case=on_case,
        )
    paths = write_run(run, out)
    for key in SHOWN:
        typer.echo(f"{key:<22}{run.mean[key]:.3f}")
    for path in paths:
        typer.echo(f"wrote {path}")


def eval_compare(
    run_a: Annotated[Path, typer.Argument(help="The earlier run folder.")],
    run_b: Annotated[Path, typer.Argument(help="The later run folder.")],
) -> None:
    """Per-metric deltas between two runs, and the cases that got worse.

    Example: dih-ai eval compare runs/baseline runs/new-prompt
    """
    from dih_ai.evaluation.report import compare, load_run

    sys.stdout.write(compare(load_run(run_a), load_run(run_b)).text() + "\n")


@grouped
def eval_retrieval(
    relevance_set: Annotated[
        Path | None,
        typer.Option("--set", help="Relevance set folder (default: the bundled evals/retrieval)."),
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=20)] = 5,
    fmt: ListFormatOpt = ListFormat.text,
    store: CaseStore = STORE,
) -> None:
    """Recall@k and nDCG@k of hybrid, dense-only and BM25-only retrieval, side by side.

    Example: dih-ai eval retrieval --k 5
    """
    from dih_ai.evaluation.retrieval import evaluate_retrieval
    from dih_ai.resources import bundled_dir

    workspace = store.open()
    report = evaluate_retrieval(
        relevance_set or bundled_dir("evals") / "retrieval", workspace.index, k=k
    )
    if fmt is ListFormat.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(report.table() + "\n")
