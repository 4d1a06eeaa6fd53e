"""The offline writer: renders every section from Jinja templates over the plan and the
retrieved cases, in Italian or English. No model, no network; the default backend and the
baseline of evaluations. Every draft it makes says so (`generated_by.label` and the first
line of the summary)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from dih_ai.analysis import label
from dih_ai.draft import Initiative, Section
from dih_ai.grounding import CASE_CITATION
from dih_ai.resources import load_data, template_folders
from dih_ai.vocab import SECTION_IDS
from dih_ai.writers import (
    Source,
    WriterInput,
    WrittenDraft,
    cited_initiatives,
    sources_by_use_case,
)

if TYPE_CHECKING:
    from dih_ai.deep_dive import DeepDiveInput, WrittenDeepDive

PROMPT_VERSION = "offline-templates-v1"
DEEP_DIVE_VERSION = "offline-deep-dive-v1"
PERSONAL_DATA_USE_CASES = {"genai_customer_service", "production_scheduling"}


@functools.cache
def _environment(folders: tuple[str, ...]) -> Environment:
    return Environment(
        loader=FileSystemLoader(list(folders)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=False,
    )


def labels() -> dict[str, Any]:
    """The reader-facing words of `labels.yaml`."""
    return load_data("labels.yaml")


def _t(group: str, key: Any, language: str) -> str:
    entry = labels()[group].get(key)
    return entry[language] if entry else str(key)


def _fmt(value: float, language: str = "en", sign: bool = False) -> str:
    """A number as readers of `language` write it: 37.7 in English, 37,7 in Italian."""
    text = (
        f"{value:+g}" if sign else (str(int(value)) if float(value).is_integer() else f"{value:g}")
    )
    return text.replace(".", ",") if language == "it" else text


def _cost(cost: tuple[int, int] | None, language: str) -> str:
    if not cost:
        return ""
    sep = "." if language == "it" else ","
    low, high = (f"{c:,}".replace(",", sep) for c in cost)
    return f"{low}-{high} €" if language == "it" else f"€{low}-{high}"


def _result_text(result: Any, language: str) -> str:
    unit = result.unit or ""
    space = "" if unit in ("%", "") else " "
    value = f"{_fmt(result.value, language)}{space}{unit}"
    if result.baseline is None:
        return f"{result.kpi}: {value}"
    base = f"{_fmt(result.baseline, language)}{space}{unit}"
    return (
        f"{result.kpi} da {base} a {value}"
        if language == "it"
        else (f"{result.kpi} from {base} to {value}")
    )


def _inert(text: str) -> str:
    """Untrusted text made inert in Markdown: its brackets cannot form a citation."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _inline(text: str) -> str:
    """Untrusted text for one line or one table cell: no line breaks, no column breaks, no
    citations."""
    return _inert(" ".join(text.split())).replace("|", "\\|")


def _source_view(source: Source, language: str) -> dict[str, Any]:
    study = source.study
    place = study.province or study.region or ""
    size = _t("size_bands", study.size_band, language)
    sector = (
        study.subsector.replace("_", " ")
        if study.subsector
        else _t("sectors", study.sector, language)
    )
    profile = f"{size.capitalize()}, {sector}" + (f" ({place})" if place else "")
    return {
        "id": study.id,
        "title": _inert(study.title),
        "profile": profile,
        "reason": source.case.reason,
        "results": [_inert(_result_text(r, language)) for r in study.results],
        "duration": study.duration_months,
        "visitable": study.visitable,
    }


def build_context(data: WriterInput) -> dict[str, Any]:
    """The template context: every figure the templates show, computed here."""
    language = data.language
    plan = data.plan
    readiness = plan.readiness
    catalogue = load_data("use_cases.yaml")["use_cases"]
    by_use_case = sources_by_use_case(data.sources)
    initiatives = cited_initiatives(data)

    failed = [g.title or g.id for g in readiness.gates if not g.passed]
    enabler_first = [i for i in initiatives if i.use_case is None and i.id != "ai-literacy"]
    use_case_items = [i for i in initiatives if i.use_case]
    priorities = (enabler_first[:1] + use_case_items)[:3]
    if len(priorities) < 3:
        priorities += [i for i in initiatives if i not in priorities][: 3 - len(priorities)]

    gates_by_id = {g.id: g.title or g.id for g in readiness.gates}
    duties = plan.class_duties
    use_cases = []
    for choice in plan.use_cases:
        spec = catalogue[choice.use_case]
        initiative = next(i for i in initiatives if i.use_case == choice.use_case)
        use_cases.append(
            {
                "title": choice.title,
                "process_area": _t("process_areas", spec["process_area"], language),
                "value": spec["value"][language],
                "blocked_by": [gates_by_id.get(g, g) for g in choice.blocked_by],
                "why": "; ".join(choice.reasons) or "-",
                "ai_act": _t("ai_act", spec["ai_act"]["class"], language),
                "ai_act_note": spec["ai_act"]["raised_when"][language],
                "duties": duties.get(spec["ai_act"]["class"], ""),
                "effort": _t("effort", spec["effort"], language),
                "cost": _cost(initiative.cost_eur, language),
                "cases": [
                    {"id": s.study.id, "title": s.study.title}
                    for s in by_use_case.get(choice.use_case, [])
                ][:3],
            }
        )

    def view(i: Initiative) -> dict[str, Any]:
        return {
            "title": i.title,
            "use_case": i.use_case,
            "description": i.description,
            "prerequisites": i.prerequisites,
            "effort": _t("effort", i.effort, language),
            "cost": _cost(i.cost_eur, language),
            "citations": i.citations,
            "horizon": i.horizon,
            "why": (i.why or "").rstrip(". "),
        }

    horizons = [
        {
            "label": _t("horizons", h, language),
            "entries": [view(i) for i in initiatives if i.horizon == h],
        }
        for h in ("0-6m", "6-18m", "18-36m")
    ]
    kpis = [
        {"initiative": i.title, "name": k.name, "target": k.target}
        for i in initiatives
        for k in i.kpis
    ]
    funding_users: dict[str, list[str]] = {}
    for i in initiatives:
        for fid in i.funding:
            funding_users.setdefault(fid, []).append(i.title)
    funding = [{**f.model_dump(), "used_by": funding_users.get(f.id, [])} for f in plan.funding]
    training_cases = [
        {"id": s.study.id, "title": s.study.title}
        for s in data.sources
        if re.search(r"formazion|training|competenz", s.study.body, re.I)
    ][:3]
    techs = [
        {
            "name": _t("technologies", k, language),
            "level": v,
            "label": _t("tech_levels", v, language),
        }
        for k, v in sorted(data.technologies.items(), key=lambda kv: -kv[1])
    ]
    data_weakest = sorted(data.data_levels.items(), key=lambda kv: (kv[1], kv[0]))[:3]
    first_uc = next((i for i in initiatives if i.use_case), None)
    dma = {c.metric: c.value for c in readiness.components}
    automation = dma.get("dma.automation_ai") or 0.0
    data_mgmt = dma.get("dma.data_management") or 0.0
    sector = (
        data.subsector.replace("_", " ") if data.subsector else _t("sectors", data.sector, language)
    )
    size = _t("size_bands", data.size_band, language)
    employees = (
        f", {data.employees} {'addetti' if language == 'it' else 'employees'}"
        if data.employees
        else ""
    )
    return {
        "label": labels()["offline_label"][language],
        "alias": data.company_alias,
        "profile": f"{size}, {sector}{employees}",
        "readiness": readiness,
        "dma_overall": _fmt(readiness.dma_overall or 0, language),
        "dma_band": _t_band(readiness.dma_band, language),
        "failed_gates": failed,
        "priorities": [view(i) for i in priorities],
        "automation_ai": _fmt(automation, language),
        "data_management": _fmt(data_mgmt, language),
        "human_centric": _fmt(dma.get("dma.human_centric_digitalisation") or 0.0, language),
        "technologies": techs,
        "data_levels": data.data_levels,
        "data_overall": _fmt(
            round(sum(data.data_levels.values()) / len(data.data_levels), 1), language
        )
        if data.data_levels
        else "",
        "data_weakest": [f"{label('data.' + k, language)} {v}/5" for k, v in data_weakest],
        "cyber": [
            {"name": label("cyber." + k, language), "value": _fmt(v, language)}
            for k, v in data.cyber.items()
        ],
        "cyber_framework": "NIST CSF 2.0 / FNCDP 2.1",
        "use_cases": use_cases,
        "horizons": horizons,
        "enablers": [view(i) for i in initiatives if i.use_case is None],
        "training_cases": training_cases,
        "date": plan.assessment_date.isoformat(),
        "ai_act_applies": [m for m in plan.ai_act if m.applies],
        "ai_act_upcoming": [m for m in plan.ai_act if not m.applies],
        "personal_data": any(c.use_case in PERSONAL_DATA_USE_CASES for c in plan.use_cases),
        "kpis": kpis,
        "dma_change": [
            (
                label("dma." + k, language)
                if k != "overall"
                else ("punteggio complessivo" if language == "it" else "overall score"),
                _fmt(v, language, sign=True),
            )
            for k, v in (readiness.dma_change or {}).items()
        ],
        "t1_automation_ai": _fmt(min(100, automation + 10), language),
        "t1_data_management": _fmt(min(100, data_mgmt + 10), language),
        "funding": funding,
        "sources": [_source_view(s, language) for s in data.sources],
        "first_use_case": first_uc.title if first_uc else None,
        "deep_dive": (first_uc or initiatives[0]).title,
        "visits": [
            {"id": s.study.id, "title": s.study.title} for s in data.sources if s.study.visitable
        ][:3],
        "_initiatives": initiatives,
    }


def _quote(text: str) -> str:
    """Markdown text (paragraphs or a list) as the body of a block quote."""
    lines = [_inert(line.strip()) for line in text.splitlines()]
    if all(not line or line.startswith("- ") for line in lines):
        return "\n> ".join(line for line in lines if line)
    paragraphs = (_inert(p.strip().replace("\n", " ")) for p in text.split("\n\n") if p.strip())
    return "\n>\n> ".join(paragraphs)


def _sentence(text: str) -> str:
    """Text as a sentence: capital first letter, final period."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def deep_dive_context(data: DeepDiveInput) -> dict[str, Any]:
    """The deep-dive template context: the plan in reader words, the cited cases."""
    from dih_ai.corpus import split_sections
    from dih_ai.deep_dive import relevant_results

    language = data.language
    plan = data.plan
    i = plan.initiative
    roles = {r.id: r.title for r in plan.roles}
    end = plan.start + dt.timedelta(weeks=plan.total_weeks) if plan.start else None
    sources = []
    for source in data.sources:
        view = _source_view(source, language)
        lessons = dict(split_sections(source.study.body)).get("Lezioni apprese", "")
        view["lessons"] = _quote(lessons) if lessons else ""
        sources.append(view)
    return {
        "label": labels()["offline_label"][language],
        "alias": data.company_alias,
        "i": {
            "title": _inline(i.title),
            "horizon": _t("horizons", i.horizon, language),
            "process_area": _t("process_areas", i.process_area, language),
            "description": _sentence(_inline(i.description)),
            "why": _inline(i.why or "").rstrip(". "),
            "effort": _t("effort", i.effort, language),
            "cost": _cost(i.cost_eur, language),
        },
        "total_weeks": plan.total_weeks,
        "start": plan.start.isoformat() if plan.start else None,
        "end": end.isoformat() if end else None,
        "ai_act": {
            "label": _t("ai_act", plan.ai_act.risk_class, language),
            "duties": plan.ai_act.duties,
            "raised_when": plan.ai_act.raised_when,
        }
        if plan.ai_act
        else None,
        "prerequisites": [_inline(p) for p in plan.open_prerequisites],
        "funding": [f.model_dump() for f in plan.funding],
        "phases": [
            {**p.model_dump(), "roles": [roles.get(r, r) for r in p.roles]} for p in plan.phases
        ],
        "milestones": plan.milestones,
        "roles": [
            {
                "title": r.title,
                "does": r.does,
                "phases": [p.title for p in plan.phases if p.id in r.phases],
            }
            for r in plan.roles
        ],
        "data_needed": plan.data_needed,
        "infrastructure": plan.infrastructure,
        "risks": [
            {
                "level": _t("risk_levels", r.level, language),
                "risk": r.risk,
                "mitigation": r.mitigation,
            }
            for r in plan.risks
        ],
        "kpis": [
            {"name": _inline(k.name), "baseline": _inline(k.baseline), "target": _inline(k.target)}
            for k in plan.kpis
        ],
        "results": [
            {"case_id": r.case_id, "text": _inert(_result_text(r, language))}
            for r in relevant_results(plan)
        ],
        "sources": sources,
    }


def _t_band(band: str | None, language: str) -> str:
    for entry in load_data("readiness.yaml")["dma_bands"]:
        if entry["id"] == band:
            return str(entry[language])
    return band or ""


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
        from dih_ai.deep_dive import DEEP_DIVE_SECTION_IDS, WrittenDeepDive

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
        language: str,
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
            title=_t(group, section_id, language),
            markdown=markdown,
            citations=cited,
        )
