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

from dih_ai import i18n
from dih_ai.analysis import label
from dih_ai.draft import Initiative, Section
from dih_ai.grounding import CASE_CITATION
from dih_ai.resources import labels, load_data, template_folders
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
PERSONAL_DATA_USE_CASES = {"genai_customer_service", "recruiting_hr", "knowledge_assistant"}


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


def _t(group: str, key: Any, language: str) -> str:
    return i18n.t(group, key, language)


def _fmt(value: float, language: str = "en", sign: bool = False) -> str:
    """A number as readers of `language` write it: 37.7 in English, 37,7 in Italian."""
    return i18n.number(value, language, sign=sign)


def _cost(cost: tuple[int, int] | None, language: str) -> str:
    return i18n.money_range(cost, language)


def _result_text(result: Any, language: str) -> str:
    unit = result.unit_in(language) if hasattr(result, "unit_in") else (result.unit or "")
    kpi = result.kpi_in(language) if hasattr(result, "kpi_in") else result.kpi
    space = "" if unit in ("%", "") else " "
    value = f"{_fmt(result.value, language)}{space}{unit}"
    if result.baseline is None:
        return f"{kpi}: {value}"
    base = f"{_fmt(result.baseline, language)}{space}{unit}"
    return f"{kpi} da {base} a {value}" if language == "it" else f"{kpi} from {base} to {value}"


def _inert(text: str) -> str:
    """Untrusted text made inert in Markdown: its brackets cannot form a citation."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _inline(text: str) -> str:
    """Untrusted text for one line or one table cell: no line breaks, no column breaks, no
    citations."""
    return _inert(" ".join(text.split())).replace("|", "\\|")


def _sector_words(sector: str, subsector: str | None, language: str) -> str:
    """The subsector's label, or the sector's when the subsector slug has none (a free slug
    is not shown: it would put English words in an Italian draft)."""
    if subsector and subsector in labels().get("subsectors", {}):
        return _t("subsectors", subsector, language)
    return _t("sectors", sector, language)


def _source_view(source: Source, language: str) -> dict[str, Any]:
    study = source.study
    place = study.province or study.region or ""
    size = _t("size_bands", study.size_band, language)
    profile = f"{size.capitalize()}, {_sector_words(study.sector, study.subsector, language)}"
    profile += f" ({place})" if place else ""
    title = study.title_in(language) if hasattr(study, "title_in") else study.title
    return {
        "id": study.id,
        "title": _inert(title),
        "profile": profile,
        "reason": source.case.reason,
        "results": [_inert(_result_text(r, language)) for r in study.results],
        "duration": study.duration_months,
        "illustrative": study.illustrative,
        "visitable": study.visitable and not study.illustrative,
    }


def _case_ref(source: Source, language: str) -> dict[str, str]:
    study = source.study
    title = study.title_in(language) if hasattr(study, "title_in") else study.title
    return {"id": study.id, "title": _inert(title)}


def _milestones(data: WriterInput, initiatives: list[Initiative]) -> list[dict[str, Any]]:
    """AI Act milestones with the company's initiatives each one concerns."""
    catalogue = load_data("use_cases.yaml")["use_cases"]
    topics: dict[str, list[str]] = {}
    for i in initiatives:
        spec = catalogue.get(i.use_case or "", {})
        ai_class = i.ai_act_risk
        if ai_class == "limited":
            topics.setdefault("transparency", []).append(i.title)
        if spec.get("touches_staff"):
            topics.setdefault("high_risk_annex_iii", []).append(i.title)
            topics.setdefault("prohibited", []).append(i.title)
        if re.search(
            r"Allegato I\b(?!I)", spec.get("ai_act", {}).get("raised_when", {}).get("it", "")
        ):
            topics.setdefault("high_risk_annex_i", []).append(i.title)
    topics["literacy"] = [i.title for i in initiatives if i.id == "ai-literacy"]
    return [
        {
            "date": i18n.date(m.date, data.language),
            "text": m.text,
            "applies": m.applies,
            "concerns": list(dict.fromkeys(topics.get(m.topic, []))),
        }
        for m in data.plan.ai_act
    ]


def _funding_view(data: WriterInput, initiatives: list[Initiative]) -> dict[str, Any]:
    language = data.language
    plan = data.plan
    by_id = {f.id: f for f in plan.funding}
    rows = []
    for i in initiatives:
        measures = [by_id[f] for f in i.funding if f in by_id]
        estimate = i.funding_estimate_eur
        net = (
            (i.cost_eur[0] - estimate[0], i.cost_eur[1] - estimate[1])
            if (i.cost_eur and estimate)
            else i.cost_eur
        )
        rows.append(
            {
                "title": i.title,
                "horizon": _t("horizon_short", i.horizon, language),
                "measures": [m.name for m in measures],
                "intensity": [m.intensity for m in measures],
                "cost": _cost(i.cost_eur, language),
                "estimate": _cost(estimate, language) if estimate and estimate[1] else "-",
                "net": _cost(net, language),
            }
        )
    used = {f for i in initiatives for f in i.funding}
    measures = []
    for f in plan.funding:
        if f.id not in used:
            continue
        measures.append(
            {
                "name": f.name,
                "issuer": f.issuer,
                "covers": f.covers,
                "intensity": f.intensity,
                "status": f.status,
                "closes": i18n.date(f.valid_to, language) if f.valid_to else None,
                "closing_soon": f.closing_soon,
                "condition": f.condition,
                "checked_on": i18n.date(f.checked_on, language),
                "used_by": [i.title for i in initiatives if f.id in i.funding],
            }
        )
    budget = [
        {
            "horizon": _t("horizon_short", b.horizon, language),
            "total": b.horizon == "total",
            "cost": _cost(b.cost, language),
            "funding": _cost(b.funding, language),
            "net": _cost(b.net, language),
        }
        for b in plan.budget
    ]
    watch = [{"name": f.name, "note": f.note} for f in plan.funding_watch]
    return {"rows": rows, "measures": measures, "budget": budget, "watch": watch}


def _lower_first(text: str) -> str:
    """A sentence continued after a colon: "Raccogliere ..." -> "raccogliere ..." (an acronym
    such as "AI" or "ERP" stays as it is)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _priorities(initiatives: list[Initiative]) -> list[Initiative]:
    """Three priorities: the first digital foundation (else the first gate), then the use
    cases asked for first."""
    enablers = [i for i in initiatives if i.use_case is None and i.id != "ai-literacy"]
    enablers.sort(key=lambda i: i.id.startswith("gate-"))
    use_cases = [i for i in initiatives if i.use_case]
    out = (enablers[:1] + use_cases)[:3]
    out += [i for i in initiatives if i not in out][: 3 - len(out)]
    return out


def build_context(data: WriterInput) -> dict[str, Any]:
    """The template context: every figure the templates show, computed here."""
    language = data.language
    plan = data.plan
    readiness = plan.readiness
    catalogue = load_data("use_cases.yaml")["use_cases"]
    by_use_case = sources_by_use_case(data.sources)
    initiatives = cited_initiatives(data)
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
                "blocked_by": initiative.prerequisites,
                "why": "; ".join(choice.reasons) or "-",
                "ai_act": _t("ai_act", spec["ai_act"]["class"], language),
                "ai_act_basis": spec["ai_act"]["basis"][language],
                "ai_act_note": spec["ai_act"]["raised_when"][language],
                "duties": duties.get(spec["ai_act"]["class"], ""),
                "effort": _t("effort", spec["effort"], language),
                "horizon": _t("horizon_short", initiative.horizon, language),
                "cost": _cost(initiative.cost_eur, language),
                "cases": [_case_ref(s, language) for s in by_use_case.get(choice.use_case, [])][:3],
            }
        )

    def view(i: Initiative) -> dict[str, Any]:
        unlocks = [
            u.title
            for u in initiatives
            if u.use_case and (i.title in u.prerequisites or i.id == "ai-literacy")
        ]
        return {
            "title": i.title,
            "use_case": i.use_case,
            "description": _lower_first(i.description.rstrip(". ")),
            "prerequisites": i.prerequisites,
            "effort": _t("effort", i.effort, language),
            "cost": _cost(i.cost_eur, language),
            "citations": i.citations,
            "horizon": _t("horizon_short", i.horizon, language),
            "why": _inline(i.why or "").rstrip(". "),
            "unlocks": unlocks,
            "kpis": i.kpis,
        }

    horizons = [
        {
            "label": _t("horizons", h, language),
            "entries": [view(i) for i in initiatives if i.horizon == h],
        }
        for h in ("0-6m", "6-18m", "18-36m")
    ]
    training_cases = [
        _case_ref(s, language)
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
    dma_scores = readiness.dma_scores
    change = readiness.dma_change or {}
    size = _t("size_bands", data.size_band, language)
    sector = _sector_words(data.sector, data.subsector, language)
    employees = (
        f", {data.employees} {'addetti' if language == 'it' else 'employees'}"
        if data.employees
        else ""
    )
    specs = load_data("use_cases.yaml")["use_cases"]
    staff_uses = [
        i.title for i in initiatives if specs.get(i.use_case or "", {}).get("touches_staff")
    ]
    return {
        "label": labels()["offline_label"][language],
        "alias": data.company_alias,
        "profile": f"{size}, {sector}{employees}",
        "factory": data.sector in load_data("use_cases.yaml")["factory_sectors"],
        "readiness": readiness,
        "dma_overall": _fmt(readiness.dma_overall or 0, language),
        "dma_band": _t_band(readiness.dma_band, language),
        "dma": [
            {
                "name": label("dma." + k, language),
                "value": _fmt(v, language),
                "change": _fmt(change[k], language, sign=True) if k in change else None,
            }
            for k, v in dma_scores.items()
        ],
        "stage": plan.stage,
        "next_stage": plan.next_stage,
        "baseline_stage": readiness.baseline_stage,
        "overall_change": _fmt(change["overall"], language, sign=True) if change else None,
        "failed_gates": [g.title or g.id for g in readiness.gates if not g.passed],
        "priorities": [view(i) for i in _priorities(initiatives)],
        "goals": [
            {
                "goal": _inline(g.goal),
                "by": [i.title for i in initiatives if i.id in g.initiatives],
                "reason": g.reason,
            }
            for g in plan.goals
        ],
        "note_facts": [_inline(n) for n in plan.note_facts],
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
        "human_centric": _fmt(dma_scores.get("human_centric_digitalisation", 0.0), language),
        "use_cases": use_cases,
        "horizons": horizons,
        "enablers": [view(i) for i in initiatives if i.use_case is None],
        "training_cases": training_cases,
        "as_of": i18n.date(plan.as_of, language),
        "knowledge_as_of": i18n.date(plan.knowledge_as_of or plan.as_of, language),
        "assessment_date": i18n.date(plan.assessment_date, language),
        "milestones": _milestones(data, initiatives),
        "worker_conditions": plan.worker_conditions,
        "staff_uses": staff_uses,
        "personal_data": bool(staff_uses)
        or any(i.use_case in PERSONAL_DATA_USE_CASES for i in initiatives),
        "kpis": [
            {"initiative": i.title, "name": k.name, "target": k.target, "baseline": k.baseline}
            for i in initiatives
            for k in i.kpis
        ],
        "dma_targets": [
            {
                "name": label("dma." + k, language),
                "now": _fmt(v[0], language),
                "target": _fmt(v[1], language),
            }
            for k, v in plan.dma_targets.items()
        ],
        "funding": _funding_view(data, initiatives),
        "sources": [_source_view(s, language) for s in data.sources],
        "first_use_case": first_uc.title if first_uc else None,
        "deep_dive": (first_uc or initiatives[0]).title,
        "visits": [
            _case_ref(s, language)
            for s in data.sources
            if s.study.visitable and not s.study.illustrative
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
