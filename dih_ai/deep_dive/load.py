"""What a deep dive starts from: a draft JSON file, one of its initiatives, and (optionally)
the assessment of the same company."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from dih_ai.assessment.load import parse_json, problems_from_validation, read_text
from dih_ai.assessment.models import Assessment
from dih_ai.draft import Initiative, RoadmapDraft
from dih_ai.errors import InputError, Problem
from dih_ai.vocab import Language

MAX_DRAFT_BYTES = 5_000_000


def load_draft(path: str | Path) -> RoadmapDraft:
    """Read a draft JSON (as `dih-ai draft --format json` writes it); `InputError` if bad."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError([Problem(source, "", "no such file; expected a draft JSON file")])
    text = read_text(path, MAX_DRAFT_BYTES, "a draft JSON file")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        data = None
    if data is None:
        try:
            parse_json(text, source)
        except InputError as error:  # the same message, with what was expected
            detail = error.problems[0].message
            raise InputError(
                [
                    Problem(
                        source, "", f"{detail}; expected a draft JSON (dih-ai draft --format json)"
                    )
                ]
            ) from None
    if isinstance(data, dict) and data.get("kind") == "deep_dive":
        raise InputError(
            [Problem(source, "kind", "this is a deep dive; expected the draft it was made from")]
        )
    if not isinstance(data, dict) or "sections" not in data:
        raise InputError(
            [Problem(source, "", "not a draft; expected the JSON of `dih-ai draft --format json`")]
        )
    try:
        return RoadmapDraft.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(source, exc)) from None


def find_initiative(draft: RoadmapDraft, initiative_id: str, source: str = "draft") -> Initiative:
    """The draft's initiative with this id; an `InputError` listing the ids otherwise."""
    for initiative in draft.initiatives:
        if initiative.id == initiative_id:
            return initiative
    known = ", ".join(i.id for i in draft.initiatives) or "none"
    raise InputError(
        [Problem(source, "initiatives", f"no initiative '{initiative_id}'; the draft has: {known}")]
    )


def check_same_company(
    draft: RoadmapDraft, assessment: Assessment, source: str = "assessment"
) -> None:
    """An `InputError` unless the assessment is the draft's company's."""
    if assessment.company.id != draft.company_id:
        raise InputError(
            [
                Problem(
                    source,
                    "company.id",
                    f"'{assessment.company.id}' is not the company of the draft "
                    f"('{draft.company_id}')",
                )
            ]
        )


def check_language(
    draft: RoadmapDraft, assessment: Assessment | None, language: Language | None
) -> None:
    """An `InputError` when a deep dive in another language than the draft's lacks the
    draft's assessment (the initiative is planned again from it)."""
    if language and language != draft.language and assessment is None:
        raise InputError(
            [
                Problem(
                    "--lang",
                    language,
                    f"the draft is in '{draft.language}'; another language needs the "
                    "draft's assessment (--assessment FILE)",
                )
            ]
        )
