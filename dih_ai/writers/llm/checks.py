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
from dih_ai.writers import Source
from dih_ai.writers.llm.blocks import PromptBlocks

MAX_NOTES = 3
NOTE_CHARS = 400


def ids_as_numbers(markdown: str, sources: list[Source]) -> str:
    """Case citations written by id (`[cs-x]`) as their source numbers; unknown ids stay."""
    number_of = {s.study.id: s.number for s in sources}
    return CASE_CITATION.sub(
        lambda m: f"[{number_of[m.group(1)]}]" if m.group(1) in number_of else m.group(0),
        markdown,
    )


def problems(
    markdown: str,
    citations: list[int],
    sources: list[Source],
    blocks: PromptBlocks,
    language: str,
) -> list[str]:
    """What is wrong with an answer, in words the model is re-asked with (empty: valid)."""
    numbers = {s.number for s in sources}
    it = language == "it"
    out = []
    invalid = sorted((set(cited_numbers(markdown)) | set(citations)) - numbers)
    if invalid:
        valid = ", ".join(str(n) for n in sorted(numbers)) or ("nessuna" if it else "none")
        out.append(
            f"le fonti {invalid} non esistono; cita solo: {valid}"
            if it
            else f"sources {invalid} do not exist; cite only: {valid}"
        )
    by_id = CASE_CITATION.findall(markdown)
    if by_id:
        out.append(
            f"cita le fonti con il loro numero [n], non con l'id ({', '.join(by_id)})"
            if it
            else f"cite sources by their number [n], not by id ({', '.join(by_id)})"
        )
    as_numbers = ids_as_numbers(markdown, sources)  # figures cited by id too
    for sentence, number, figure in unsupported_figures(
        as_numbers, blocks.texts(sources), blocks.context
    ):
        out.append(
            f"la cifra {figure} attribuita alla fonte [{number}] non compare nella fonte: "
            f"«{sentence[:120]}»"
            if it
            else f"the figure {figure} attributed to source [{number}] is not in it: "
            f'"{sentence[:120]}"'
        )
    found = language_of(markdown)
    if found and found != language:
        out.append("scrivi in italiano" if it else "write in English")
    return out


def repair(
    markdown: str,
    sources: list[Source],
    blocks: PromptBlocks,
    section_id: str,
    language: str,
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
        text = " ".join(NUMBER_CITATION.sub("", CASE_CITATION.sub("", str(note))).split())
        if text:
            out.append(text[:NOTE_CHARS])
    return list(dict.fromkeys(out))[:MAX_NOTES]
