"""`dih-ai deep-dive`: one initiative of a draft as an implementation plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypedDict

import typer

from dih_ai.cli.options import (
    STORE,
    WRITER,
    BrandingOpt,
    CaseStore,
    DocumentFormatOpt,
    DraftFormat,
    DryRunOpt,
    Language,
    OutFileOpt,
    WriterChoice,
    grouped,
    language_code,
)
from dih_ai.cli.output import branding, check_out, emit
from dih_ai.errors import InputError, Problem

if TYPE_CHECKING:
    from dih_ai.assessment.models import Assessment
    from dih_ai.vocab import Language as LanguageCode


class _How(TypedDict):
    """The options a deep dive and its estimate share."""

    assessment: Assessment | None
    start: dt.date | None
    k: int
    language: LanguageCode | None


DraftArg = Annotated[
    Path, typer.Argument(metavar="DRAFT", help="A draft JSON (dih-ai draft --format json).")
]
InitiativeArg = Annotated[
    str, typer.Argument(metavar="INITIATIVE_ID", help="e.g. uc-predictive-maintenance.")
]
AssessmentOpt = Annotated[
    Path | None,
    typer.Option(
        "--assessment",
        help="The draft's assessment: company profile, goals and notes, the company's name.",
    ),
]
StartOpt = Annotated[
    str | None, typer.Option("--start", help="Start date YYYY-MM-DD: dates the milestones.")
]
DiveLangOpt = Annotated[
    Language | None,
    typer.Option("--lang", help="Language (default: the draft's; another needs --assessment)."),
]


def _start(value: str | None) -> dt.date | None:
    """The --start date (None: not given); anything but YYYY-MM-DD is bad input."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise InputError(
            [Problem("--start", value or "", "expected a date as YYYY-MM-DD")]
        ) from None


@grouped
def deep_dive_command(
    draft_path: DraftArg,
    initiative_id: InitiativeArg,
    fmt: DocumentFormatOpt = DraftFormat.md,
    out: OutFileOpt = None,
    branding_file: BrandingOpt = None,
    assessment_path: AssessmentOpt = None,
    start: StartOpt = None,
    lang: DiveLangOpt = None,
    k: Annotated[int, typer.Option("--k", min=1, max=10, help="Cases to cite.")] = 3,
    choice: WriterChoice = WRITER,
    dry_run: DryRunOpt = False,
    store: CaseStore = STORE,
) -> None:
    """Expand one initiative of a draft into an implementation plan (Deep Dive).

    Phases and activities, roles, data and infrastructure, risks, milestones, KPIs with the
    baselines to measure, cited cases. An unknown INITIATIVE_ID lists the draft's initiatives.

    Examples:
      dih-ai deep-dive out/meccanica.json uc-predictive-maintenance --start 2027-01-11
      dih-ai deep-dive out/meccanica.json gate-data --format html --out dd.html
      dih-ai deep-dive out/meccanica.json ai-literacy --assessment meccanica.yaml --lang en
    """
    from dih_ai.assessment.load import load_assessment
    from dih_ai.deep_dive import (
        check_language,
        check_same_company,
        deep_dive,
        find_initiative,
        load_draft,
    )
    from dih_ai.estimate import Estimate, estimate_deep_dive

    check_out(fmt, out)
    brand = branding(branding_file)
    begin = _start(start)
    draft = load_draft(draft_path)
    find_initiative(draft, initiative_id, str(draft_path))
    assessment = load_assessment(assessment_path) if assessment_path else None
    if assessment is not None:
        check_same_company(draft, assessment, str(assessment_path))
    check_language(draft, assessment, language_code(lang))  # before the index is opened
    settings = choice.settings()
    if dry_run and settings.resolved_backend() == "offline":
        typer.echo(Estimate().text())  # no index needed to say so
        return
    workspace = store.open()
    how: _How = {
        "assessment": assessment,
        "start": begin,
        "k": k,
        "language": language_code(lang),
    }
    if dry_run:
        typer.echo(estimate_deep_dive(draft, initiative_id, workspace, settings, **how).text())
        return
    dive = deep_dive(draft, initiative_id, workspace, settings=settings, **how)
    emit(dive, fmt, out, brand)
