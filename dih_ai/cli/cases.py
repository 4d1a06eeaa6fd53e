"""`dih-ai retrieve`, `dih-ai index` and `dih-ai corpus`: the case studies and their index."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from dih_ai.cli.options import (
    STORE,
    CaseStore,
    CorpusOpt,
    ListFormat,
    ListFormatOpt,
    grouped,
)
from dih_ai.cli.progress import progress
from dih_ai.errors import InputError


@grouped
def retrieve(
    path: Annotated[Path, typer.Argument(help="One assessment file.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many cases.")] = 5,
    fmt: ListFormatOpt = ListFormat.text,
    store: CaseStore = STORE,
) -> None:
    """List the case studies retrieved for an assessment, with scores and reasons.

    Example: dih-ai retrieve meccanica.yaml --k 5 --format json
    """
    from dih_ai.assessment.load import load_assessment
    from dih_ai.plan import make_plan
    from dih_ai.retrieval import retrieve_cases

    assessment = load_assessment(path)
    workspace = store.open()
    cases = retrieve_cases(
        assessment, workspace.index, make_plan(assessment), k=k, searcher=workspace.searcher
    )
    rows = [{"id": c.id, "title": c.title, "score": c.score, "reason": c.reason} for c in cases]
    if fmt is ListFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        for n, row in enumerate(rows, start=1):
            sys.stdout.write(
                f"{n}. {row['id']}  {row['score']:.3f}  {row['title']}\n   {row['reason']}\n"
            )


@grouped
def index(store: CaseStore = STORE) -> None:
    """Build or update the case-study index (only changed cases are embedded).

    Example: dih-ai index --corpus corpus/
    """
    from dih_ai.corpus import load_corpus
    from dih_ai.index import CaseIndex
    from dih_ai.resources import default_corpus_dir

    loaded = load_corpus(store.corpus or default_corpus_dir())
    if loaded.problems:
        raise InputError(loaded.problems)
    url = store.chroma_url
    case_index = CaseIndex(None if url else store.index_dir, url=url)
    with progress("indexing the case studies") as on_progress:
        report = case_index.sync(loaded, on_progress=on_progress)
    typer.echo(f"{url or case_index.path}: {report.summary()}; {case_index.count()} chunks")


def corpus_validate(corpus: CorpusOpt = None) -> None:
    """Check the corpus front matter against the vocabularies; warn on thin cases.

    Example: dih-ai corpus validate --corpus corpus/
    """
    from dih_ai.corpus import case_warnings, load_corpus
    from dih_ai.resources import default_corpus_dir

    loaded = load_corpus(corpus or default_corpus_dir())
    for problem in loaded.problems:
        typer.echo(str(problem), err=True)
    warnings = [w for case in loaded.cases.values() for w in case_warnings(case)]
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(
        f"{len(loaded.cases)} cases, {len(loaded.problems)} problems, {len(warnings)} warnings",
        err=True,
    )
    raise typer.Exit(2 if loaded.problems else 0)


def corpus_list(corpus: CorpusOpt = None, fmt: ListFormatOpt = ListFormat.text) -> None:
    """List the case studies (id, sector, size, AI use cases, title)."""
    from dih_ai.corpus import load_corpus
    from dih_ai.resources import default_corpus_dir

    loaded = load_corpus(corpus or default_corpus_dir())
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "sector": c.sector,
            "size_band": c.size_band,
            "ai_use_cases": c.ai_use_cases,
        }
        for c in loaded.cases.values()
    ]
    if fmt is ListFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        for r in rows:
            sys.stdout.write(
                f"{r['id']}\t{r['sector']}\t{r['size_band']}\t"
                f"{','.join(r['ai_use_cases'])}\t{r['title']}\n"
            )
    raise typer.Exit(2 if loaded.problems else 0)
