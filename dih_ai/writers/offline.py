"""The offline writer: renders every section from Jinja templates over the plan and the
retrieved cases, in Italian or English. No model, no network; the default backend and the
baseline of evaluations. Every draft it makes says so (`generated_by.label` and the first
line of the summary).

The templates' contexts are computed in `draft_context.py` (a roadmap draft) and
`deep_dive_context.py` (a deep dive), with the wording of `wording.py`."""

from __future__ import annotations

import functools
import re
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from dih_ai.deep_dive_models import DEEP_DIVE_SECTION_IDS
from dih_ai.draft import Section
from dih_ai.grounding import CASE_CITATION
from dih_ai.i18n import t
from dih_ai.resources import template_folders
from dih_ai.text import lower_first
from dih_ai.vocab import SECTION_IDS, Language
from dih_ai.writers import DeepDiveInput, WriterInput, WrittenDeepDive, WrittenDraft
from dih_ai.writers.deep_dive_context import deep_dive_context
from dih_ai.writers.draft_context import build_context

PROMPT_VERSION = "offline-templates-v1"
DEEP_DIVE_VERSION = "offline-deep-dive-v1"


def quoted(titles: list[str]) -> list[str]:
    """Titles in «», so that a list of titles with commas and colons in them reads clearly."""
    return [f"«{title}»" for title in titles]


@functools.cache
def _environment(folders: tuple[str, ...]) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(list(folders)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=False,
    )
    environment.filters["quoted"] = quoted
    environment.filters["lower_first"] = lower_first
    return environment


class OfflineWriter:
    """Writes the sections from templates (`dih_ai/templates/offline/<lang>.md.j2`)."""

    backend = "offline"

    def __init__(self, templates_dir: str | None = None) -> None:
        self.templates_dir = templates_dir
        self.folders = (
            (templates_dir, *template_folders("offline"))
            if templates_dir
            else template_folders("offline")
        )

    def write(self, data: WriterInput) -> WrittenDraft:
        """Render all sections for `data`."""
        context = build_context(data)
        sections = [self._render(context, data.language, sid) for sid in SECTION_IDS]
        return WrittenDraft(
            sections=sections, initiatives=context["_initiatives"], prompt_version=PROMPT_VERSION
        )

    def write_deep_dive(self, data: DeepDiveInput) -> WrittenDeepDive:
        """Render the deep-dive sections for `data`."""
        context = deep_dive_context(data)
        sections = [
            self.deep_dive_section(data, section_id, context)
            for section_id in DEEP_DIVE_SECTION_IDS
        ]
        return WrittenDeepDive(sections=sections, prompt_version=DEEP_DIVE_VERSION)

    def deep_dive_section(
        self, data: DeepDiveInput, section_id: str, context: dict[str, Any] | None = None
    ) -> Section:
        """Render one deep-dive section (the model writer's fallback)."""
        return self._render(
            context or deep_dive_context(data),
            data.language,
            section_id,
            template=f"deep_dive_{data.language}.md.j2",
            group="deep_dive_sections",
        )

    def section(self, data: WriterInput, section_id: str) -> Section:
        """Render one section (the model writer's fallback when a model answer is unusable)."""
        return self._render(build_context(data), data.language, section_id)

    def _render(
        self,
        context: dict[str, Any],
        language: Language,
        section_id: str,
        template: str | None = None,
        group: str = "sections",
    ) -> Section:
        environment = _environment(self.folders)
        module = environment.get_template(template or f"{language}.md.j2").module
        markdown = str(getattr(module, section_id)(context)).strip()
        markdown = re.sub(r"\n{3,}", "\n\n", markdown)
        cited = list(dict.fromkeys(CASE_CITATION.findall(markdown)))
        return Section(
            id=section_id,
            title=t(group, section_id, language),
            markdown=markdown,
            citations=cited,
        )
