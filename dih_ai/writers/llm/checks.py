"""The rules every model answer must pass (sources exist, cited by number, figures in the
cited case, the document's language), and the last-resort repair after the re-asks."""

from __future__ import annotations

import re

from dih_ai.grounding import (
    CASE_CITATION,
    NUMBER_CITATION,
    cited_numbers,
    language_of,
    unsupported_figures,
)
from dih_ai.vocab import Language
from dih_ai.writers import Source
from dih_ai.writers.llm.blocks import PromptBlocks
from dih_ai.writers.prompts import say

MAX_NOTES = 3
NOTE_CHARS = 400


def ids_as_numbers(markdown: str, sources: list[Source]) -> str:
    """Case citations written by id (`[cs-x]`) as their source numbers; unknown ids stay."""
    number_of = {s.study.id: s.number for s in sources}
    return CASE_CITATION.sub(
        lambda m: f"[{number_of[m.group(1)]}]" if m.group(1) in number_of else m.group(0),
        markdown,
    )


def without_citations(text: str) -> str:
    """The text with its citations (`[n]` and `[cs-x]`) taken out."""
    return NUMBER_CITATION.sub("", CASE_CITATION.sub("", text))


def problems(
    markdown: str,
    citations: list[int],
    sources: list[Source],
    blocks: PromptBlocks,
    language: Language,
) -> list[str]:
    """What is wrong with an answer, in words the model is re-asked with (empty: valid)."""
    if not without_citations(markdown).strip():
        return [say(language, "empty_section")]  # nothing, or citations alone
    numbers = {s.number for s in sources}
    out = []
    invalid = sorted((set(cited_numbers(markdown)) | set(citations)) - numbers)
    if invalid:
        valid = ", ".join(str(n) for n in sorted(numbers)) or say(language, "no_sources")
        out.append(say(language, "unknown_sources", invalid=invalid, valid=valid))
    by_id = CASE_CITATION.findall(markdown)
    if by_id:
        out.append(say(language, "cite_by_number", ids=", ".join(by_id)))
    as_numbers = ids_as_numbers(markdown, sources)  # figures cited by id too
    for sentence, number, figure in unsupported_figures(
        as_numbers, blocks.texts(sources), blocks.context
    ):
        out.append(
            say(
                language,
                "figure_not_in_source",
                figure=figure,
                number=number,
                sentence=sentence[:120],
            )
        )
    found = language_of(markdown)
    if found and found != language:
        out.append(say(language, "write_language"))
    return out


def repair(
    markdown: str,
    sources: list[Source],
    blocks: PromptBlocks,
    section_id: str,
    language: Language,
    warnings: list[str],
) -> str:
    """Last resort after the re-asks: drop what cannot stand, and say so in `warnings`."""
    numbers = {s.number for s in sources}

    def unknown(match: re.Match[str]) -> str:
        warnings.append(
            f"section {section_id}: removed citation of '{match.group(1)}', not a source"
        )
        return ""

    # a case cited by id becomes its number, so the checks below apply to it
    markdown = CASE_CITATION.sub(unknown, ids_as_numbers(markdown, sources))
    for sentence, number, figure in unsupported_figures(
        markdown, blocks.texts(sources), blocks.context
    ):
        markdown = markdown.replace(sentence, "")
        warnings.append(
            f"section {section_id}: removed a sentence whose figure "
            f"{figure} is not in source [{number}]"
        )

    def keep(match: re.Match[str]) -> str:
        if int(match.group(1)) in numbers:
            return match.group(0)
        warnings.append(
            f"section {section_id}: removed citation of source "
            f"[{match.group(1)}], which does not exist"
        )
        return ""

    markdown = NUMBER_CITATION.sub(keep, markdown)
    found = language_of(markdown)
    if found and found != language:
        warnings.append(f"section {section_id}: written in '{found}', expected '{language}'")
    return markdown


def clean_notes(notes: list[str]) -> list[str]:
    """The model's notes for the consultant: trimmed, short, no citations, at most three."""
    out = []
    for note in notes:
        text = " ".join(without_citations(str(note)).split())
        if text:
            out.append(text[:NOTE_CHARS])
    return list(dict.fromkeys(out))[:MAX_NOTES]
