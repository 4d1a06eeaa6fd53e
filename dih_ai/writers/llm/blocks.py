"""The prompt blocks of one document, rendered once: company, assessment and plan, goals and
notes, the numbered sources (metadata and results) and their passages.

Everything here comes from the pseudonymised writer input: no company name, VAT number or
id. Untrusted text (goals, notes, case text) passes through `as_data`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dih_ai.vocab import Language
from dih_ai.writers import DeepDiveInput, Source, WriterInput
from dih_ai.writers.prompts import as_data, say

PASSAGE_CHARS = 1500  # a case without retrieved passages sends this much of its text


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def source_head(source: Source, language: Language = "en") -> str:
    """A numbered source as listed in the shared context: metadata and recorded results."""
    study = source.study
    yes, no = say(language, "yes"), say(language, "no")
    results = "; ".join(
        f"{r.kpi}: {r.baseline:g} -> {r.value:g} {r.unit}"
        if r.baseline is not None
        else f"{r.kpi}: {r.value:g} {r.unit}"
        for r in study.results
    )
    where = study.province or study.region or "-"
    head = (
        f"[{source.number}] {study.title} (id {study.id}; "
        f"{say(language, 'illustrative')}: {yes if study.illustrative else no}; "
        f"{study.sector}, {study.subsector or '-'}, {study.size_band}, {where}; "
        f"use cases: {', '.join(study.ai_use_cases)}; duration {study.duration_months} months; "
        f"{say(language, 'visitable')}: {yes if study.visitable else no})"
    )
    return f"{head}\nresults: {results}"


def source_passages(source: Source) -> str:
    """The source's best-matching passages (or the start of its text) for the sections that
    discuss the cases."""
    passages = source.case.passages or [source.study.body[:PASSAGE_CHARS]]
    return f"[{source.number}]\n" + "\n\n".join(as_data(p) for p in passages if p.strip())


def source_text(source: Source) -> str:
    """Everything a source says (metadata, results, full text): what figures are checked on."""
    return f"{source_head(source)}\n{as_data(source.study.body)}"


def _previous_scores(
    current: dict[str, float], change: dict[str, float] | None
) -> dict[str, Any] | None:
    if not change:
        return None
    return {k: round(v - change[k], 1) for k, v in current.items() if k in change}


SHARED_INITIATIVE_FIELDS = {
    "id",
    "title",
    "horizon",
    "process_area",
    "use_case",
    "prerequisites",
    "ai_act_risk",
    "effort",
    "funding",
    "cost_eur",
}


def _assessment_facts(data: WriterInput) -> dict[str, Any]:
    """The assessment's figures the plan rests on: stage, scores, levels, targets."""
    plan = data.plan
    readiness = plan.readiness
    return {
        "date": plan.assessment_date,
        "stage": plan.stage or data.stage,
        "next_stage": plan.next_stage,
        "dma_scores_0_100": readiness.dma_scores,
        "previous_stage": readiness.baseline_stage,
        "previous_dma_scores_0_100": _previous_scores(readiness.dma_scores, readiness.dma_change),
        "dma_change": readiness.dma_change,
        "technologies_0_5": data.technologies,
        "data_for_ai_levels_1_5": data.data_levels,
        "cybersecurity_0_100": data.cyber,
        "dma_targets_next_stage": plan.dma_targets,
    }


def _plan_details(data: WriterInput) -> dict[str, str]:
    """The details only some sections need: initiatives in full, funding in full, AI Act
    dates and duties."""
    plan = data.plan
    return {
        "initiatives": _compact(
            {
                "initiatives": [
                    i.model_dump(mode="json", exclude={"citations"}) for i in plan.initiatives
                ]
            }
        ),
        "funding": _compact(
            {
                "funding": [f.model_dump(mode="json", exclude={"only_for"}) for f in plan.funding],
                "funding_to_watch": [
                    f.model_dump(mode="json", exclude={"only_for"}) for f in plan.funding_watch
                ],
                "budget_by_horizon_eur": [b.model_dump(mode="json") for b in plan.budget],
            }
        ),
        "ai_act": _compact(
            {
                "ai_act_milestones": [m.model_dump(mode="json") for m in plan.ai_act],
                "ai_act_duties_by_class": plan.class_duties,
                "worker_conditions": plan.worker_conditions,
            }
        ),
    }


def _plan_blocks(data: WriterInput) -> tuple[str, dict[str, str]]:
    """The plan as the shared context has it (every section needs it), and the details only
    some sections need (see `_plan_details`)."""
    plan = data.plan
    readiness = plan.readiness
    shared: dict[str, Any] = {
        "as_of": plan.as_of,
        **({"knowledge_as_of": plan.knowledge_as_of} if plan.knowledge_as_of else {}),
        "assessment": _assessment_facts(data),
        "readiness": {
            "ai_readiness": readiness.ai_readiness,
            "level": readiness.level_label or readiness.level,
            "dma_overall": readiness.dma_overall,
            "dma_band": readiness.dma_band,
            "gates": [g.model_dump(include={"id", "passed", "reason"}) for g in readiness.gates],
        },
        "use_cases": [
            u.model_dump(include={"use_case", "title", "reasons", "blocked_by"})
            for u in plan.use_cases
        ],
        "initiatives": [
            i.model_dump(mode="json", include=SHARED_INITIATIVE_FIELDS) for i in plan.initiatives
        ],
        "funding": [f.model_dump(mode="json", include={"id", "name"}) for f in plan.funding],
        # how the plan answers each stated goal: where it does not, a note for the consultant
        "goals_coverage": [g.model_dump(mode="json") for g in plan.goals],
        "facts_from_notes": plan.note_facts,
    }
    return _compact(shared), _plan_details(data)


def _notes_block(goals: list[str], notes: str | None, language: Language) -> str:
    lines = [say(language, "goals")]
    lines += [f"- {as_data(g)}" for g in goals] or [f"- {say(language, 'no_goals')}"]
    lines.append(say(language, "consultant_notes"))
    lines.append(as_data(notes) if notes else say(language, "no_notes"))
    return "\n".join(lines)


@dataclass(frozen=True)
class PromptBlocks:
    """The prompt blocks of one document, rendered once per document."""

    company: str
    plan: str
    notes: str
    details: dict[str, str]  # plan details some sections need: initiatives, funding, ai_act
    heads: dict[int, str]
    passages: dict[int, str]
    texts_by_number: dict[int, str]

    @classmethod
    def of(cls, data: WriterInput) -> PromptBlocks:
        """The blocks of a roadmap draft."""
        company = "\n".join(
            [
                f"company: {data.company_alias}",
                f"sector: {data.sector}",
                f"subsector: {data.subsector or '-'}",
                f"size_band: {data.size_band}",
                f"employees: {data.employees or '-'}",
                f"region: {data.region or '-'}",
            ]
        )
        plan, details = _plan_blocks(data)
        return cls.build(
            company,
            plan,
            _notes_block(data.goals, data.notes, data.language),
            data.sources,
            data.language,
            details,
        )

    @classmethod
    def deep_dive(cls, data: DeepDiveInput) -> PromptBlocks:
        """The blocks of a deep dive on one initiative."""
        profile = {k: v for k, v in data.profile.items() if k != "goals" and v is not None}
        company = "\n".join(
            [f"company: {data.company_alias}", *(f"{k}: {v}" for k, v in profile.items())]
        )
        # case ids and case figures only travel with the numbered sources, so that every
        # figure the model attributes to a case is checked against that case
        plan = _compact(
            data.plan.model_dump(
                mode="json", exclude={"case_results": True, "initiative": {"citations"}}
            )
        )
        notes = _notes_block(list(data.profile.get("goals") or []), data.notes, data.language)
        return cls.build(company, plan, notes, data.sources, data.language, {})

    @classmethod
    def build(
        cls,
        company: str,
        plan: str,
        notes: str,
        sources: list[Source],
        language: Language,
        details: dict[str, str],
    ) -> PromptBlocks:
        """The blocks from their parts (sources rendered here)."""
        return cls(
            company=company,
            plan=plan,
            notes=notes,
            details=details,
            heads={s.number: source_head(s, language) for s in sources},
            passages={s.number: source_passages(s) for s in sources},
            texts_by_number={s.number: source_text(s) for s in sources},
        )

    @property
    def context(self) -> str:
        """What figures may also come from: the company, the plan and its details."""
        return "\n".join([self.company, self.plan, *self.details.values()])

    def texts(self, sources: list[Source]) -> dict[int, str]:
        """The full text of each source, for the figure checks."""
        return {s.number: self.texts_by_number[s.number] for s in sources}
