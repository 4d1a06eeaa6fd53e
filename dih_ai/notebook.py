"""Rich displays for Jupyter: the Markdown and HTML that assessments, readiness analyses and
evaluation runs show themselves as (`_repr_markdown_`, `_repr_html_`). Drafts and deep dives
use `dih_ai.render` and `dih_ai.documents`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dih_ai.analysis import label
from dih_ai.grounding import language_of
from dih_ai.i18n import words
from dih_ai.resources import load_data
from dih_ai.vocab import (
    CYBER_FUNCTIONS,
    DATA_FOR_AI_DIMENSIONS,
    DMA_DIMENSIONS,
    LANGUAGES,
    Language,
)

if TYPE_CHECKING:
    from dih_ai.analysis import Readiness
    from dih_ai.assessment.models import Assessment


def _cell(text: object) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def readiness_language(readiness: Readiness) -> Language:
    """The language the analysis was written in: that of its level's label."""
    for level in load_data("readiness.yaml")["ai_readiness"]["levels"]:
        for language in LANGUAGES:
            if level[language] == readiness.level_label:
                return language
    text = " ".join([readiness.level_label or "", *(g.reason for g in readiness.gates)])
    return language_of(text) or "en"


def readiness_markdown(readiness: Readiness, language: Language | None = None) -> str:
    """The analysis as Markdown: index and level, DMA scores, the gates and their reasons."""
    language = language or readiness_language(readiness)
    w = words("notebook_words", language)
    lines = [
        f"**{w['readiness']}: {readiness.ai_readiness}/100** "
        f"({w['level']}: {readiness.level_label or readiness.level}); "
        f"DMA {readiness.dma_overall if readiness.dma_overall is not None else '-'}/100",
        "",
    ]
    if readiness.dma_scores:
        change = readiness.dma_change or {}
        head = f"| {w['dimension']} | {w['score']} |" + (f" {w['change']} |" if change else "")
        lines += [head, "|---|---|" + ("---|" if change else "")]
        for key, value in readiness.dma_scores.items():
            row = f"| {label('dma.' + key, language)} | {value:g} |"
            if change:
                row += f" {change.get(key, 0):+g} |"
            lines.append(row)
        lines.append("")
    lines += [f"| {w['gate']} | {w['result']} | {w['reason']} |", "|---|---|---|"]
    lines += [
        f"| {_cell(g.title or g.id)} | {w['passed'] if g.passed else w['failed']} "
        f"| {_cell(g.reason)} |"
        for g in readiness.gates
    ]
    return "\n".join(lines) + "\n"


def readiness_html(readiness: Readiness) -> str:
    """The analysis as HTML: the DMA radar chart and the Markdown tables."""
    from dih_ai.documents import markdown_html, radar_svg

    language = readiness_language(readiness)
    radar = radar_svg(readiness.dma_scores, language) if readiness.dma_scores else ""
    return f"<div>{radar}{markdown_html(readiness_markdown(readiness, language))}</div>"


def _scores(
    title: str, prefix: str, keys: tuple[str, ...], values: object, language: Language
) -> str:
    """One line: a title, then each key's readable name and value."""
    items = (f"{label(prefix + '.' + k, language)} {getattr(values, k):g}" for k in keys)
    return f"{title}: " + ", ".join(items)


def assessment_markdown(assessment: Assessment) -> str:
    """The assessment as Markdown: the company, DMA scores, data, cybersecurity, goals."""
    language = assessment.language
    w = words("notebook_words", language)
    company = assessment.company
    facts = [
        company.sector + (f"/{company.subsector}" if company.subsector else ""),
        company.size_band + (f", {company.employees}" if company.employees else ""),
        f"{assessment.dma.stage} {assessment.assessment_date.isoformat()}",
    ]
    lines = [f"**{_cell(company.name)}** (`{company.id}`): {'; '.join(facts)}", ""]
    lines += [f"| {w['dimension']} | {w['score']} |", "|---|---|"]
    lines += [
        f"| {label('dma.' + d, language)} | {getattr(assessment.dma.scores, d):g} |"
        for d in DMA_DIMENSIONS
    ]
    if assessment.data_for_ai:
        lines += [
            "",
            _scores(
                w["data"], "data", DATA_FOR_AI_DIMENSIONS, assessment.data_for_ai.levels, language
            ),
        ]
    if assessment.cybersecurity:
        functions = assessment.cybersecurity.functions
        lines += ["", _scores(w["cyber"], "cyber", CYBER_FUNCTIONS, functions, language)]
    if assessment.goals:
        lines += ["", f"{w['goals']}:", *(f"- {_cell(g)}" for g in assessment.goals)]
    return "\n".join(lines) + "\n"


def assessment_html(assessment: Assessment) -> str:
    """The assessment as HTML: the DMA radar chart and the Markdown summary."""
    from dih_ai.documents import markdown_html, radar_svg

    scores = {d: float(getattr(assessment.dma.scores, d)) for d in DMA_DIMENSIONS}
    radar = radar_svg(scores, assessment.language)
    return f"<div>{radar}{markdown_html(assessment_markdown(assessment))}</div>"
