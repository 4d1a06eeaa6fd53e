"""The `dih-ai` command. Exit status: 0 done, 1 failed (model, index), 2 bad input.

- `app`: the application, its command groups, the one mapping of errors to exit statuses;
- `options`: the options the commands share, and the option groups a command takes as one
  parameter (`CaseStore`: --corpus, --index-dir, --chroma-url; `WriterChoice`: --backend,
  --model, --base-url);
- `output`: documents to files or stdout; `progress`: a progress bar on a terminal;
- the commands, one module per group: `drafting` (validate, draft, batch), `dive`
  (deep-dive), `portfolio`, `facts`, `cases` (retrieve, index, corpus), `demo`, `evals`.

The table below is every command, in the order `dih-ai --help` lists them.
"""

from __future__ import annotations

import sys

import typer

from dih_ai.cli import cases, demo, dive, drafting, evals, facts, portfolio
from dih_ai.cli.app import app, corpus_app, eval_app

app.command()(drafting.validate)
app.command()(drafting.draft)
app.command()(drafting.batch)
app.command()(portfolio.portfolio)
app.command("deep-dive")(dive.deep_dive_command)
app.command()(facts.facts)
app.command()(cases.retrieve)
app.command()(cases.index)
app.command()(demo.demo)
corpus_app.command("validate")(cases.corpus_validate)
corpus_app.command("list")(cases.corpus_list)
eval_app.callback()(evals.eval_drafts)
eval_app.command("compare")(evals.eval_compare)
eval_app.command("retrieval")(evals.eval_retrieval)

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the `dih-ai` command."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
