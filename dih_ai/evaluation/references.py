"""Reference roadmaps: a folder per company with `assessment.yaml` (or `.json`) and
`reference.json` (the AI sections a good consultant would write, in the draft format), and
optionally `baseline.yaml` (its earlier assessment)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from dih_ai.draft import Initiative, Section
from dih_ai.errors import InputError, Problem
from dih_ai.vocab import Language


class Reference(BaseModel):
    """A reference roadmap: the parts of the draft format the metrics compare."""

    company_id: str
    language: Language
    sections: list[Section]
    initiatives: list[Initiative]
    citations: list[dict[str, Any]] = Field(default_factory=list)
    generated_by: dict[str, Any] = Field(default_factory=dict)


class ReferenceCase(BaseModel):
    """One reference case: where it is, its assessment and its reference."""

    name: str
    folder: str
    reference: Reference


def load_references(folder: Path) -> list[ReferenceCase]:
    """Every reference case under `folder` (one subfolder each)."""
    if not folder.is_dir():
        raise InputError([Problem(str(folder), "", "reference cases folder not found")])
    cases = []
    problems: list[Problem] = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        path = sub / "reference.json"
        try:
            reference = Reference.model_validate_json(path.read_text(encoding="utf-8"))
        except OSError:
            problems.append(Problem(str(path), "", "missing"))
            continue
        except ValueError as exc:
            problems.append(Problem(str(path), "", f"not a reference draft: {exc}".splitlines()[0]))
            continue
        cases.append(ReferenceCase(name=sub.name, folder=str(sub), reference=reference))
    if problems:
        raise InputError(problems)
    if not cases:
        raise InputError([Problem(str(folder), "", "no reference case (folder/reference.json)")])
    return cases


def assessment_path(folder: Path) -> Path:
    """The assessment file of a reference case folder."""
    for name in ("assessment.yaml", "assessment.yml", "assessment.json"):
        if (folder / name).exists():
            return folder / name
    raise InputError([Problem(str(folder), "", "no assessment.yaml or assessment.json")])
