"""What the commands write: documents in the format asked, to a file or stdout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from dih_ai.cli.app import usage_error
from dih_ai.cli.options import DraftFormat
from dih_ai.errors import InputError, Problem

if TYPE_CHECKING:
    from dih_ai.deep_dive import DeepDive
    from dih_ai.documents import Branding
    from dih_ai.draft import RoadmapDraft


def write(content: str | bytes, out: Path | None) -> None:
    """`content` to the file `out` (its folder made; `wrote FILE` on stderr), or stdout."""
    if out is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            out.write_bytes(content)
        else:
            out.write_text(content, encoding="utf-8")
    except OSError as error:
        problem = f"{error.strerror}; expected a writable file path"
        raise InputError([Problem("--out", str(out), problem)]) from None
    typer.echo(f"wrote {out}", err=True)


def check_out(fmt: DraftFormat, out: Path | None) -> None:
    """Refuse, before any work, an output that cannot be written."""
    if fmt in (DraftFormat.docx, DraftFormat.pdf) and out is None:
        raise usage_error(f"--format {fmt.value} needs --out FILE.{fmt.value}")
    if out is not None and out.is_dir():
        raise InputError([Problem("--out", str(out), "is a folder; expected a file path")])


def branding(path: Path | None) -> Branding:
    """The hub's branding (the neutral one without a file or DIH_AI_BRANDING)."""
    from dih_ai.documents.branding import load_branding

    return load_branding(path)


def emit(
    document: RoadmapDraft | DeepDive,
    fmt: DraftFormat,
    out: Path | None,
    brand: Branding | None = None,
) -> None:
    """Write a draft or a deep dive in the format asked, to a file or stdout (the caller
    ran `check_out` and `branding` before doing the work)."""
    from dih_ai.render import to_json, to_markdown

    if fmt in (DraftFormat.docx, DraftFormat.pdf, DraftFormat.html):
        from dih_ai.documents import to_docx, to_html, to_pdf

        if fmt is DraftFormat.docx:
            write(to_docx(document, brand), out)
        elif fmt is DraftFormat.pdf:
            write(to_pdf(document, brand), out)
        else:
            write(to_html(document, brand), out)
        return
    write(to_json(document) if fmt is DraftFormat.json else to_markdown(document), out)
