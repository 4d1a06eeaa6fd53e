"""`dih-ai demo`: the bundled sample, drafted offline, with a deep dive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dih_ai.cli.options import CaseStore, IndexOpt


def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the draft.")] = Path("dih-ai-demo"),
    index_dir: IndexOpt = None,
) -> None:
    """Index the bundled corpus, draft the bundled sample assessment offline (Markdown, JSON,
    HTML) and write a Deep Dive on its first use case.

    Example: dih-ai demo --out demo/
    """
    from dih_ai.assessment.load import load_assessment
    from dih_ai.deep_dive import deep_dive
    from dih_ai.documents import to_html
    from dih_ai.pipeline import draft_roadmap
    from dih_ai.render import to_json, to_markdown
    from dih_ai.resources import DATA_DIR

    sample = DATA_DIR / "samples" / "officina-meccanica.yaml"
    workspace = CaseStore(index_dir=index_dir).open()
    assessment = load_assessment(sample)
    result = draft_roadmap(assessment, workspace)
    first = next((i for i in result.initiatives if i.use_case), result.initiatives[0])
    dive = deep_dive(result, first.id, workspace, assessment=assessment)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / result.company_id
    written = {
        stem.with_suffix(".md"): to_markdown(result),
        stem.with_suffix(".json"): to_json(result),
        stem.with_suffix(".html"): to_html(result),
        out / f"{result.company_id}-deep-dive-{first.id}.md": to_markdown(dive),
    }
    for path, text in written.items():
        path.write_text(text, encoding="utf-8")
    typer.echo(f"sample assessment: {sample}")
    typer.echo(
        f"index: {workspace.index.path} ({workspace.index.count()} chunks, "
        f"{len(workspace.corpus.cases)} cases)"
    )
    typer.echo(
        f"draft ({result.generated_by.backend} writer, {len(result.citations)} cases cited) "
        f"and a deep dive on '{first.title}':"
    )
    for path in written:
        typer.echo(f"  {path}")
