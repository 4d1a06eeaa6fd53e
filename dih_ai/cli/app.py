"""The `dih-ai` application and its command groups, and the one place where a library error
becomes an exit status: an `InputError` exits 2 with one `file: field: expected` line per
problem, any other `DihAiError` exits 1 with `error: ...`, never a traceback."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from dih_ai.errors import DihAiError, InputError


def exit_status(error: DihAiError) -> int:
    """Print a library error as the command reports it (stderr) and return its exit status."""
    if isinstance(error, InputError):
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        return 2
    typer.echo(f"error: {error}", err=True)
    return 1


class Commands(TyperGroup):
    """The command group: whatever command runs under it (subgroups included), a library
    error it raises ends it with its exit status."""

    def invoke(self, ctx: Any) -> Any:  # a click Context: typer vendors click in recent versions
        try:
            return super().invoke(ctx)
        except DihAiError as error:
            raise typer.Exit(exit_status(error)) from None


def usage_error(line: str) -> typer.Exit:
    """Print a line about the command line itself (stderr) and return the exit to raise (2)."""
    typer.echo(line, err=True)
    return typer.Exit(2)


app = typer.Typer(
    cls=Commands,
    name="dih-ai",
    help="Draft the AI sections of a digital-maturity roadmap from assessment results, "
    "grounded in Fabbriche Vetrina case studies.\n\n"
    "Examples:\n\n"
    "  dih-ai demo\n\n"
    "  dih-ai draft meccanica.yaml --format html --out meccanica.html\n\n"
    "Exit status: 0 done, 1 failed (model, index), 2 bad input.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
corpus_app = typer.Typer(help="Check and list the case-study corpus.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
eval_app = typer.Typer(invoke_without_command=True)  # help: the callback's docstring
app.add_typer(eval_app, name="eval")
