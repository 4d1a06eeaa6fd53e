"""Render a draft or a deep dive for people (Markdown) and for tools (JSON, exactly
docs/formats.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from dih_ai.draft import Citation, GeneratedBy, RoadmapDraft, Section
from dih_ai.i18n import words
from dih_ai.vocab import Language

if TYPE_CHECKING:
    from dih_ai.deep_dive import DeepDive


def to_json(document: RoadmapDraft | DeepDive) -> str:
    """The draft (or deep dive) as the JSON object of docs/formats.md."""
    return json.dumps(document.to_json_dict(), ensure_ascii=False, indent=2) + "\n"


def _body(
    title: str,
    language: Language,
    by: GeneratedBy,
    sections: list[Section],
    citations: list[Citation],
    warnings: list[str],
    notes: list[str] | None = None,
) -> str:
    w = words("document_words", language)
    made = f"{by.backend}" + (f", {by.model}" if by.model else "")
    lines = [f"# {title}", ""]
    lines += [f"*{w['by']} dih-ai {by.library_version} ({made}; {by.prompt_version}).*", ""]
    for section in sections:
        lines += [f"## {section.title}", "", section.markdown.strip(), ""]
    lines += [f"## {w['sources']}", ""]
    if citations:
        lines += [f"- [{c.id}] {c.title} — `{c.path}`" for c in citations]
    else:
        lines.append(w["none"])
    if notes:  # the model's flags for the consultant; they never change the plan
        lines += ["", f"## {w['notes']}", ""]
        lines += [f"- {n}" for n in notes]
    if warnings:
        lines += ["", f"## {w['warnings']}", ""]
        lines += [f"- {w}" for w in warnings]
    return "\n".join(lines).rstrip() + "\n"


def to_markdown(document: RoadmapDraft | DeepDive) -> str:
    """The draft (or deep dive) as one Markdown document: the sections, then the cited cases."""
    if isinstance(document, RoadmapDraft):
        title = words("document_words", document.language)["title"]
        title = f"{title}: {getattr(document, 'company_name', None) or document.company_id}"
    else:
        name = " ".join(document.plan.initiative.title.split())
        title = f"Deep Dive: {name} – {document.company_id}"
    return _body(
        title,
        document.language,
        document.generated_by,
        document.sections,
        document.citations,
        document.warnings,
        list(getattr(document, "notes_for_consultant", None) or []),
    )
