"""Checks on model-written text: citations resolve to numbered sources, figures attributed to
a case appear in it, the language is the assessment's. The figure rule (`cited_figures`) is
the one the model writer enforces and the draft evaluation measures."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dih_ai.vocab import Language

if TYPE_CHECKING:
    from dih_ai.draft import Initiative, Section

NUMBER_CITATION = re.compile(r"\[(\d{1,3})\]")
CASE_CITATION = re.compile(r"\[(cs-[a-z0-9-]+)\]")  # a case cited by id in a draft
_SPACED_CITATION = re.compile(r"[ \t]*" + CASE_CITATION.pattern)
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)(?![\w])")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
SMALL_COUNT = 10  # figures up to this (counts: 3 phases, 5 cases) are not checked
_WORDS: dict[Language, set[str]] = {
    "it": set(
        "il lo la gli le di del della dei delle che per con una uno sono nel nella è "
        "anche più come dal alla alle sul questo questa azienda".split()
    ),
    "en": set(
        "the of and to in for with is are that this from by on an be as it its "
        "which company".split()
    ),
}


def cited_numbers(markdown: str) -> list[int]:
    """Source numbers cited as [n] in the text, in order of first appearance."""
    return list(dict.fromkeys(int(n) for n in NUMBER_CITATION.findall(markdown)))


def _normalise(number: str) -> str:
    value = number.replace(",", ".")
    return value.rstrip("0").rstrip(".") if "." in value else value


def numbers_in(text: str) -> set[str]:
    """The numbers written in a text, normalised (decimal comma or point, no trailing zeros)."""
    return {_normalise(n) for n in _NUMBER.findall(text)}


@dataclass(frozen=True)
class CitedFigure:
    """A figure in a sentence that cites a source, and whether the rule holds for it."""

    sentence: str
    source: int | str  # the first source the sentence cites: its number, or its case id
    figure: str
    supported: bool  # written in a source the sentence cites, or in the context


def cited_figures(
    markdown: str,
    sources: Mapping[int, str] | Mapping[str, str],
    context: str,
    *,
    citation: re.Pattern[str] = NUMBER_CITATION,
) -> list[CitedFigure]:
    """Every figure in a sentence citing one of `sources` (by number `[n]`, or by case id
    `[cs-x]` with `citation=CASE_CITATION`), supported when a source the sentence cites or
    the plan/company `context` contains it. Small counts (0-10) are not checked."""
    allowed_context = numbers_in(context)
    in_source: dict[int | str, set[str]] = {}
    found = []
    for sentence in _SENTENCE.split(markdown):
        keys = (int(c) if c.isdigit() else c for c in citation.findall(sentence))
        cited = [k for k in dict.fromkeys(keys) if k in sources]
        if not cited:
            continue
        for key in cited:
            if key not in in_source:
                in_source[key] = numbers_in(sources[key])  # type: ignore[index]
        for figure in sorted(numbers_in(citation.sub(" ", sentence))):
            if figure.isdigit() and int(figure) <= SMALL_COUNT:
                continue
            supported = figure in allowed_context or any(figure in in_source[k] for k in cited)
            found.append(CitedFigure(sentence.strip(), cited[0], figure, supported))
    return found


def unsupported_figures(
    markdown: str, sources: dict[int, str], context: str
) -> list[tuple[str, int | str, str]]:
    """(sentence, source, figure) for figures in a sentence citing a source that neither that
    source nor the plan/company context contains (see `cited_figures`)."""
    return [
        (f.sentence, f.source, f.figure)
        for f in cited_figures(markdown, sources, context)
        if not f.supported
    ]


def language_of(text: str) -> Language | None:
    """'it' or 'en' by function-word counts; None when the text is too short to tell."""
    plain = unicodedata.normalize("NFKC", text.lower())
    words = re.findall(r"[a-zàèéìòù]+", plain)
    counts = {lang: sum(w in vocab for w in words) for lang, vocab in _WORDS.items()}
    if sum(counts.values()) < 5:
        return None
    return max(counts, key=lambda lang: counts[lang])


def clean_citations(sections: list[Section], allowed: set[str]) -> list[str]:
    """Drop from the sections' text every case citation not in `allowed` (with the space
    before it), set each section's `citations` from its text; return warnings."""
    warnings: list[str] = []
    for section in sections:

        def replace(match: re.Match[str], where: str = section.id) -> str:
            if match.group(1) in allowed:
                return match.group(0)
            warnings.append(
                f"section {where}: removed citation of '{match.group(1)}', not a source"
            )
            return ""

        section.markdown = _SPACED_CITATION.sub(replace, section.markdown)
        section.citations = list(dict.fromkeys(CASE_CITATION.findall(section.markdown)))
    return warnings


def validate_citations(
    sections: list[Section], initiatives: list[Initiative], allowed: set[str]
) -> list[str]:
    """Drop every citation that is not a retrieved case, in the sections' text and the
    initiatives' lists; return warnings."""
    warnings = clean_citations(sections, allowed)
    for initiative in initiatives:
        bad = [c for c in initiative.citations if c not in allowed]
        for c in bad:
            warnings.append(f"initiative {initiative.id}: removed citation of '{c}'")
        initiative.citations = [c for c in initiative.citations if c in allowed]
    return warnings
