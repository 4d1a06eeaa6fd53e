"""A deep dive consistent with what the company has and with the cases it cites.

Systems in place: the draft's initiative (its description and `why`, which quote the
consultant's notes and the technologies already in use) and, when given, the assessment say
which systems are already there; a playbook item with `if_in_place` is then worded for using
them, never installing them again. Durations and costs: a cited case that took much longer
than the plan gets a note saying why the plan keeps its length, with the draft's cost range.
The notes are added after the writer (the case figures travel to a model only with the
numbered sources) and shown at the top of the section they concern, so every format has them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from dih_ai.deep_dive_models import PlanNote
from dih_ai.i18n import join_words, localised, money_range, phrase, t
from dih_ai.plan import SENSOR_NOTES
from dih_ai.resources import load_data
from dih_ai.text import mentions_any, sentences
from dih_ai.vocab import Language, TechnologyKey

if TYPE_CHECKING:
    from dih_ai.assessment.models import Assessment
    from dih_ai.corpus import CaseStudy
    from dih_ai.draft import Initiative, RoadmapDraft, Section

System = Literal["sensors", "erp"]
WEEKS_PER_MONTH = 52 / 12
DURATION_FACTOR = 2.0  # a case longer than this many times the plan needs a reason
IN_USE_LEVEL = 3  # a DMA technology level (0-5) from which the technology is in use
SYSTEM_TECHNOLOGY: dict[str, TechnologyKey] = {"sensors": "iot_iiot"}
ERP_NOTES = [
    "erp in uso",
    "gestionale in uso",
    "erp già",
    "gestionale già",
    "abbiamo un erp",
    "abbiamo un gestionale",
    "ha un erp",
    "ha un gestionale",
    "erp in place",
    "management system in place",
    "erp in use",
    "has an erp",
    "uses an erp",
    "we use an erp",
]
NEGATIONS = ["nessun", "nessuna", "senza", "non", "no", "without", "not", "none"]
ERP_ENABLER = "management-system"


# -- systems in place ------------------------------------------------------------------------
def _tech_levels(text: str, language: Language) -> dict[str, int]:
    """Technology levels quoted in a draft's `why` ("IoT/IIoT 3/5")."""
    names = load_data("labels.yaml")["technologies"]
    out = {}
    for key, name in names.items():
        match = re.search(rf"{re.escape(localised(name, language))}\s+(\d)/5", text)
        if match:
            out[key] = int(match.group(1))
    return out


def _asserts(text: str, phrases: list[str]) -> bool:
    """A sentence of `text` mentions one of `phrases` and negates nothing."""
    return any(mentions_any(s, phrases) and not mentions_any(s, NEGATIONS) for s in sentences(text))


def systems_in_place(
    draft: RoadmapDraft, initiative: Initiative, assessment: Assessment | None = None
) -> dict[str, str]:
    """The systems the company already has, each with where that was read: "draft" (the
    initiative's text), "notes" or "assessment" (only with the assessment)."""
    language = draft.language
    text = f"{initiative.description}. {initiative.why or ''}"
    found: dict[str, str] = {}
    uses_sensors = localised(load_data("labels.yaml")["phrases"]["uses_sensors"], language)
    levels = _tech_levels(initiative.why or "", language)
    in_use = levels.get(SYSTEM_TECHNOLOGY["sensors"], 0) >= IN_USE_LEVEL
    if in_use or uses_sensors.lower() in text.lower() or _asserts(text, SENSOR_NOTES):
        found["sensors"] = "draft"
    if _asserts(text, ERP_NOTES):
        found["erp"] = "draft"
    if assessment is not None:
        notes = assessment.notes or ""
        if "sensors" not in found and _asserts(notes, SENSOR_NOTES):
            found["sensors"] = "notes"
        tech = assessment.dma.technologies
        if "sensors" not in found and tech.get(SYSTEM_TECHNOLOGY["sensors"], 0) >= IN_USE_LEVEL:
            found["sensors"] = "assessment"
        if "erp" not in found and _asserts(notes, ERP_NOTES):
            found["erp"] = "notes"
        answers = (assessment.dma.answers or {}).get("dr_basic_technologies") or {}
        if "erp" not in found and answers.get("crm_erp") == "yes":
            found["erp"] = "assessment"
    if any(i.id == ERP_ENABLER for i in draft.initiatives):
        found.pop("erp", None)  # the roadmap adopts one: it is not there yet
    return found


def item_text(item: Any, language: Language, in_place: dict[str, str], used: set[str]) -> str:
    """A playbook text in `language`: its `if_in_place` wording when that system is already
    there (the system is then added to `used`)."""
    if isinstance(item, dict) and "if_in_place" in item:
        variant = item["if_in_place"]
        if variant["system"] in in_place:
            used.add(variant["system"])
            return localised(variant, language)
    return localised(item, language)


def variant_systems(entry: dict[str, Any]) -> set[str]:
    """The systems for which the playbook words some item differently when in place."""
    items = [a for p in entry["phases"] for a in p["activities"]]
    items += entry["infrastructure"] + entry["data_needed"]
    return {i["if_in_place"]["system"] for i in items if isinstance(i, dict) and "if_in_place" in i}


def systems_note(used: dict[str, str], language: Language) -> PlanNote | None:
    """The note naming the systems the plan uses instead of installing them."""
    if not used:
        return None
    parts = [
        f"{t('systems_in_place', s, language)} ({t('found_in', src, language)})"
        for s, src in used.items()
    ]
    text = phrase("dd_systems_in_place", language, systems="; ".join(parts))
    return PlanNote(kind="systems_in_place", section="resources", text=text)


def micro_note(language: Language) -> PlanNote:
    """How a micro firm covers the plan's roles (shown when the assessment says micro)."""
    text = phrase("dd_micro_firm", language)
    return PlanNote(kind="micro_firm", section="resources", text=text)


# -- durations and costs ---------------------------------------------------------------------
def long_cases(
    initiative: Initiative, studies: list[CaseStudy], total_weeks: int
) -> list[CaseStudy]:
    """The cited cases of the initiative's own use case that took more than
    `DURATION_FACTOR` times the plan's length (enablers: none, their cases are AI projects)."""
    if not initiative.use_case or total_weeks <= 0:
        return []
    return [
        s
        for s in studies
        if initiative.use_case in s.ai_use_cases
        and s.duration_months
        and s.duration_months * WEEKS_PER_MONTH > DURATION_FACTOR * total_weeks
    ]


def duration_note(
    initiative: Initiative, studies: list[CaseStudy], total_weeks: int, language: Language
) -> PlanNote | None:
    """Why the plan is much shorter than the cited cases: it keeps its length (a pilot on a
    limited scope, the go/no-go and a first rollout) and says that the cases' months cover
    the whole project; the draft's cost range is for this plan."""
    cases = long_cases(initiative, studies, total_weeks)
    if not cases:
        return None
    months = round(total_weeks / WEEKS_PER_MONTH)
    unit = phrase("months_unit", language)
    joined = join_words([f"{s.duration_months} {unit} [{s.id}]" for s in cases], language)
    cost = money_range(initiative.cost_eur, language)
    who = phrase("dd_duration_one" if len(cases) == 1 else "dd_duration_many", language)
    cost_words = (
        phrase("dd_duration_cost", language, cost=cost)
        if cost
        else phrase("dd_duration_no_cost", language)
    )
    text = phrase(
        "dd_duration",
        language,
        who=who,
        joined=joined,
        weeks=total_weeks,
        months=months,
        cost=cost_words,
    )
    return PlanNote(kind="duration", section="phases", text=text, cases=[s.id for s in cases])


def with_notes(sections: list[Section], notes: list[PlanNote]) -> None:
    """Put the notes at the top of their section, in order (unless the writer already wrote
    them), and add the cases they name to the section's citations."""
    for section in sections:
        own = [n for n in notes if n.section == section.id]
        missing = [n.text for n in own if n.text not in section.markdown]
        if missing:
            section.markdown = "\n\n".join([*missing, section.markdown.strip()]) + "\n"
        cases = [c for n in own for c in n.cases]
        section.citations = list(dict.fromkeys([*section.citations, *cases]))
