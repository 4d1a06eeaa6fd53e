"""`dih-ai facts`: the dated facts the drafts rely on, and those due for review."""

from __future__ import annotations

import json

import typer

from dih_ai.cli.options import AsOfOpt, ListFormat, ListFormatOpt, day


def facts(as_of: AsOfOpt = None, fmt: ListFormatOpt = ListFormat.text) -> None:
    """List the dated facts the drafts rely on (AI Act milestones, funding calls, the DMA
    questionnaire, model prices) with their source, check date and review date; warn about
    those past their review date on --as-of (default today). Exit 0 even when some are due:
    a due fact is a reminder to the hub, not an error.

    Examples:
      dih-ai facts
      dih-ai facts --as-of 2027-07-01 --format json
    """
    from dih_ai.knowledge import drafting_date, list_facts

    on = drafting_date(day(as_of))
    listed = list_facts(on)
    if fmt == ListFormat.json:
        typer.echo(json.dumps([f.model_dump(mode="json") for f in listed], indent=2))
    else:
        for fact in listed:
            typer.echo(fact.line)
    due = [f for f in listed if f.status != "ok"]
    for fact in due:
        typer.echo(
            f"warning: {fact.file}: {fact.id}: review was due on {fact.review_by}"
            if fact.status == "review_due"
            else f"warning: {fact.file}: {fact.id}: no checked_on date",
            err=True,
        )
    typer.echo(f"{len(listed)} facts, {len(due)} due for review on {on}", err=True)
