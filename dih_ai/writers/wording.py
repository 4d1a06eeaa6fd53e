"""The offline writer's reader-facing wording shared by drafts and deep dives: numbers and
labels per language, case results and profiles, and untrusted text made inert in Markdown."""

from __future__ import annotations

from typing import Any

from dih_ai.i18n import phrase, quantity, t
from dih_ai.resources import labels, load_data
from dih_ai.vocab import Language
from dih_ai.writers import Source


def result_text(result: Any, language: Language) -> str:
    """A case result in words: its KPI, from the baseline (when known) to the value."""
    unit = result.unit_in(language) if hasattr(result, "unit_in") else (result.unit or "")
    kpi = result.kpi_in(language) if hasattr(result, "kpi_in") else result.kpi
    value = quantity(result.value, unit, language)
    if result.baseline is None:
        return f"{kpi}: {value}"
    base = quantity(result.baseline, unit, language)
    return phrase("case_result", language, kpi=kpi, before=base, after=value)


def inert(text: str) -> str:
    """Untrusted text made inert in Markdown: its brackets cannot form a citation."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def inline(text: str) -> str:
    """Untrusted text for one line or one table cell: no line breaks, no column breaks, no
    citations."""
    return inert(" ".join(text.split())).replace("|", "\\|")


def quote(text: str) -> str:
    """Markdown text (paragraphs or a list) as the body of a block quote."""
    lines = [inert(line.strip()) for line in text.splitlines()]
    if all(not line or line.startswith("- ") for line in lines):
        return "\n> ".join(line for line in lines if line)
    paragraphs = (inert(p.strip().replace("\n", " ")) for p in text.split("\n\n") if p.strip())
    return "\n>\n> ".join(paragraphs)


def sentence(text: str) -> str:
    """Text as a sentence: capital first letter, final period."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def sector_words(sector: str, subsector: str | None, language: Language) -> str:
    """The subsector's label, or the sector's when the subsector slug has none (a free slug
    is not shown: it would put English words in an Italian draft)."""
    if subsector and subsector in labels().get("subsectors", {}):
        return t("subsectors", subsector, language)
    return t("sectors", sector, language)


def band_label(band: str | None, language: Language) -> str:
    """The reader's name of a DMA band of `data/readiness.yaml`."""
    for entry in load_data("readiness.yaml")["dma_bands"]:
        if entry["id"] == band:
            return str(entry[language])
    return band or ""


def source_view(source: Source, language: Language) -> dict[str, Any]:
    """A numbered source as the templates show it: title, profile, reason, results."""
    study = source.study
    place = study.province or study.region or ""
    size = t("size_bands", study.size_band, language)
    profile = f"{size.capitalize()}, {sector_words(study.sector, study.subsector, language)}"
    profile += f" ({place})" if place else ""
    title = study.title_in(language)
    return {
        "id": study.id,
        "title": inert(title),
        "profile": profile,
        "reason": source.case.reason,
        "results": [inert(result_text(r, language)) for r in study.results],
        "duration": study.duration_months,
        "illustrative": study.illustrative,
        "visitable": study.visitable and not study.illustrative,
    }


def case_ref(source: Source, language: Language) -> dict[str, str]:
    """A source's id and title, to cite it."""
    study = source.study
    title = study.title_in(language)
    return {"id": study.id, "title": inert(title)}
