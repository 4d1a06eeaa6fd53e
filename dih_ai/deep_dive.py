"""Deep Dive: one initiative of a roadmap draft expanded into an implementation plan.

The plan (phases and activities, roles, data and infrastructure, risks, milestones, KPIs with
the baseline to measure) is decided without a model, from the hub's playbooks in
`data/deep_dive.yaml`. A writer (offline templates or the model) then writes the sections over
that plan and the cases it cites, with the validation rules of a draft: citations resolve to
the given cases, figures attributed to a case are in it, the language holds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dih_ai.assessment.load import parse_json, problems_from_validation, read_text
from dih_ai.assessment.models import Assessment
from dih_ai.config import Settings
from dih_ai.corpus import CaseStudy, corpus_hash
from dih_ai.deep_dive_consistency import (
    SYSTEM_WORDS,
    PlanNote,
    duration_note,
    item_text,
    micro_note,
    systems_in_place,
    systems_note,
    variant_systems,
    with_notes,
)
from dih_ai.draft import (
    Citation,
    Document,
    GeneratedBy,
    Initiative,
    RoadmapDraft,
    Section,
    Usage,
    made_by,
)
from dih_ai.errors import DihAiError, InputError, Problem
from dih_ai.funding import status_on
from dih_ai.grounding import clean_citations
from dih_ai.i18n import localised
from dih_ai.knowledge import as_date
from dih_ai.privacy import ALIAS, TOKEN, Pseudonymiser, map_strings
from dih_ai.resources import load_data
from dih_ai.retrieval import RetrievedCase, tokenize
from dih_ai.writers import Source
from dih_ai.writers.factory import make_writer

if TYPE_CHECKING:
    from dih_ai.pipeline import Workspace

DEEP_DIVE_SECTION_IDS: tuple[str, ...] = (
    "objective",
    "phases",
    "resources",
    "risks",
    "kpis",
    "reference_cases",
)
MAX_CASES = 3
MAX_DRAFT_BYTES = 5_000_000
RiskLevel = Literal["high", "medium", "low"]
GENERIC_BASELINE = {  # for a KPI added to the draft by hand: the playbook has no method for it
    "it": "Misurare il valore attuale sugli ultimi 6-12 mesi dai sistemi aziendali, con la "
    "stessa formula che si userà per valutare il risultato.",
    "en": "Measure the current value over the last 6-12 months from the company's systems, "
    "with the same formula that will judge the result.",
}


class Phase(BaseModel):
    """One phase of the implementation, in weeks from the start (week 0)."""

    id: str
    title: str
    start_week: int
    end_week: int
    activities: list[str]
    roles: list[str] = Field(description="role ids, see `roles`")
    deliverable: str


class Role(BaseModel):
    """Who is involved, what they do, in which phases."""

    id: str
    title: str
    does: str
    phases: list[str]


class Risk(BaseModel):
    """A risk of the initiative and how to contain it."""

    level: RiskLevel
    risk: str
    mitigation: str


class Milestone(BaseModel):
    """The end of a phase: what is delivered, when."""

    week: int
    date: dt.date | None = None
    title: str
    phase: str


class KPIPlan(BaseModel):
    """A KPI, how to measure its baseline before the work starts, and the target."""

    name: str
    baseline: str = Field(description="how and over what period to measure the baseline")
    target: str


class CaseResult(BaseModel):
    """A result a cited case reports: reference figures, not the company's target."""

    case_id: str
    kpi: str
    baseline: float | None = None
    value: float
    unit: str = ""


class FundingOption(BaseModel):
    """A funding entry the draft proposed for the initiative, checked on the start date."""

    id: str
    name: str
    intensity: str
    valid_to: dt.date | None = Field(default=None, description="closing date, if any")
    open_at_start: bool = Field(description="open on the start date (today without one)")
    status_at_start: Literal["open", "announced", "closed"] = "open"


class AIActNote(BaseModel):
    """The AI Act class of the initiative's use case, what raises it, the duties."""

    risk_class: str
    raised_when: str
    duties: str


class DeepDivePlan(BaseModel):
    """Everything decided without a model: the writer words it, never changes it."""

    initiative: Initiative
    start: dt.date | None = None
    total_weeks: int
    phases: list[Phase]
    roles: list[Role]
    data_needed: list[str]
    infrastructure: list[str]
    risks: list[Risk]
    milestones: list[Milestone]
    kpis: list[KPIPlan]
    case_results: list[CaseResult]
    funding: list[FundingOption]
    ai_act: AIActNote | None = None
    open_prerequisites: list[str] = Field(
        default_factory=list, description="enabling initiatives to finish first (failed gates)"
    )
    systems_in_place: dict[str, str] = Field(
        default_factory=dict,
        description="systems the company already has (sensors, erp) and where that was read: "
        "draft, notes or assessment",
    )
    notes: list[PlanNote] = Field(
        default_factory=list,
        description="the plan's reasons (systems reused, a duration shorter than the cited "
        "cases'), each shown at the top of its section",
    )


class DeepDive(Document, BaseModel):
    """One initiative's implementation plan, with its written sections and cited cases."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    kind: Literal["deep_dive"] = "deep_dive"
    company_id: str
    company_name: str | None = Field(
        default=None, description="shown in the documents' titles; never sent to a model"
    )
    language: Literal["it", "en"]
    initiative_id: str
    generated_by: GeneratedBy
    plan: DeepDivePlan
    sections: list[Section]
    citations: list[Citation]
    usage: Usage = Field(default_factory=Usage)
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_contract(self) -> DeepDive:
        ids = tuple(s.id for s in self.sections)
        if ids != DEEP_DIVE_SECTION_IDS:
            raise ValueError(f"sections must be {list(DEEP_DIVE_SECTION_IDS)} in order, got {ids}")
        self._check_citations({cid for s in self.sections for cid in s.citations})
        return self


class DeepDiveInput(BaseModel):
    """What a deep-dive writer sees: the plan and the numbered cases. No company identity."""

    company_alias: str
    language: Literal["it", "en"]
    profile: dict[str, Any] = Field(default_factory=dict, description="sector, size, goals")
    notes: str | None = None
    plan: DeepDivePlan
    sources: list[Source]


class WrittenDeepDive(BaseModel):
    """A writer's deep-dive output."""

    sections: list[Section]
    usage: Usage = Field(default_factory=Usage)
    model: str | None = None
    prompt_version: str
    warnings: list[str] = Field(default_factory=list)


class DeepDiveWriter(Protocol):
    """A writer that can also write deep dives (the offline and the model writer can)."""

    backend: str

    def write_deep_dive(self, data: DeepDiveInput) -> WrittenDeepDive:
        """Write the deep-dive sections."""
        ...


# -- loading a draft -----------------------------------------------------------------------
def load_draft(path: str | Path) -> RoadmapDraft:
    """Read a draft JSON (as `dih-ai draft --format json` writes it); `InputError` if bad."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError([Problem(source, "", "no such file; expected a draft JSON file")])
    text = read_text(path, MAX_DRAFT_BYTES, "a draft JSON file")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        data = None
    if data is None:
        try:
            parse_json(text, source)
        except InputError as error:  # the same message, with what was expected
            detail = error.problems[0].message
            raise InputError(
                [
                    Problem(
                        source, "", f"{detail}; expected a draft JSON (dih-ai draft --format json)"
                    )
                ]
            ) from None
    if isinstance(data, dict) and data.get("kind") == "deep_dive":
        raise InputError(
            [Problem(source, "kind", "this is a deep dive; expected the draft it was made from")]
        )
    if not isinstance(data, dict) or "sections" not in data:
        raise InputError(
            [Problem(source, "", "not a draft; expected the JSON of `dih-ai draft --format json`")]
        )
    try:
        return RoadmapDraft.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(source, exc)) from None


def find_initiative(draft: RoadmapDraft, initiative_id: str, source: str = "draft") -> Initiative:
    """The draft's initiative with this id; an `InputError` listing the ids otherwise."""
    for initiative in draft.initiatives:
        if initiative.id == initiative_id:
            return initiative
    known = ", ".join(i.id for i in draft.initiatives) or "none"
    raise InputError(
        [Problem(source, "initiatives", f"no initiative '{initiative_id}'; the draft has: {known}")]
    )


def check_same_company(
    draft: RoadmapDraft, assessment: Assessment, source: str = "assessment"
) -> None:
    """An `InputError` unless the assessment is the draft's company's."""
    if assessment.company.id != draft.company_id:
        raise InputError(
            [
                Problem(
                    source,
                    "company.id",
                    f"'{assessment.company.id}' is not the company of the draft "
                    f"('{draft.company_id}')",
                )
            ]
        )


# -- the plan --------------------------------------------------------------------------------
def playbook_for(initiative: Initiative) -> tuple[str, dict[str, Any]]:
    """The playbook key and entry of `data/deep_dive.yaml` for an initiative."""
    playbooks = load_data("deep_dive.yaml")
    if initiative.use_case:
        key = initiative.use_case
        entry = playbooks["use_cases"].get(key)
    else:
        key = initiative.id.replace("-", "_")
        entry = playbooks["enablers"].get(key)
    if entry is None:
        raise InputError(
            [
                Problem(
                    "data/deep_dive.yaml",
                    key,
                    f"no playbook for initiative '{initiative.id}'",
                )
            ]
        )
    return key, entry


def _results(studies: list[CaseStudy]) -> list[CaseResult]:
    return [
        CaseResult(case_id=s.id, kpi=r.kpi, baseline=r.baseline, value=r.value, unit=r.unit)
        for s in studies
        for r in s.results
    ]


def _funding(initiative: Initiative, start: dt.date, language: str) -> list[FundingOption]:
    entries = {f["id"]: f for f in load_data("funding.yaml")["funding"]}
    out = []
    for fid in initiative.funding:
        entry = entries.get(fid)
        if entry is None:
            continue
        status = status_on(entry, start)
        out.append(
            FundingOption(
                id=fid,
                name=localised(entry["name"], language),
                intensity=localised(entry.get("intensity_text", entry.get("intensity")), language),
                valid_to=as_date(entry.get("closes", entry.get("valid_to"))),
                open_at_start=status == "open",
                status_at_start=status,
            )
        )
    return out


def make_deep_dive_plan(
    draft: RoadmapDraft,
    initiative: Initiative,
    studies: list[CaseStudy],
    *,
    start: dt.date | None = None,
    in_place: dict[str, str] | None = None,
) -> DeepDivePlan:
    """The implementation plan of one initiative, from its playbook. Deterministic.
    `in_place` (see `systems_in_place`) words the playbook for systems already there."""
    language = draft.language
    _, entry = playbook_for(initiative)
    in_place = in_place or {}
    used: set[str] = set()

    def text(item: Any) -> str:
        return item_text(item, language, in_place, used)

    roles_spec = load_data("deep_dive.yaml")["roles"]
    phases: list[Phase] = []
    week = 0
    for spec in entry["phases"]:
        phases.append(
            Phase(
                id=spec["id"],
                title=localised(spec["title"], language),
                start_week=week,
                end_week=week + int(spec["weeks"]),
                activities=[text(a) for a in spec["activities"]],
                roles=list(spec["roles"]),
                deliverable=localised(spec["deliverable"], language),
            )
        )
        week += int(spec["weeks"])
    role_ids = list(dict.fromkeys(r for p in phases for r in p.roles))
    roles = [
        Role(
            id=rid,
            title=localised(roles_spec[rid]["title"], language),
            does=localised(roles_spec[rid]["does"], language),
            phases=[p.id for p in phases if rid in p.roles],
        )
        for rid in role_ids
    ]
    milestones = [
        Milestone(
            week=p.end_week,
            date=start + dt.timedelta(weeks=p.end_week) if start else None,
            title=p.deliverable,
            phase=p.id,
        )
        for p in phases
    ]
    baselines = [localised(b, language) for b in entry["kpi_baselines"]]
    kpis = [
        KPIPlan(
            name=k.name,
            baseline=baselines[n] if n < len(baselines) else localised(GENERIC_BASELINE, language),
            target=k.target,
        )
        for n, k in enumerate(initiative.kpis)
    ]
    ai_act = None
    if initiative.use_case:
        spec = load_data("use_cases.yaml")["use_cases"][initiative.use_case]["ai_act"]
        duties = load_data("ai_act.yaml")["class_duties"]
        ai_act = AIActNote(
            risk_class=initiative.ai_act_risk,
            raised_when=localised(spec["raised_when"], language),
            duties=localised(duties.get(initiative.ai_act_risk, ""), language),
        )
    risks = [
        Risk(
            level=r["level"],
            risk=localised(r["risk"], language),
            mitigation=localised(r["mitigation"], language),
        )
        for r in entry["risks"]
    ]
    reused = {s: src for s, src in in_place.items() if s in used}
    return DeepDivePlan(
        initiative=initiative,
        start=start,
        total_weeks=week,
        phases=phases,
        roles=roles,
        data_needed=[text(d) for d in entry["data_needed"]],
        infrastructure=[text(d) for d in entry["infrastructure"]],
        risks=risks,
        milestones=milestones,
        kpis=kpis,
        case_results=_results(studies),
        funding=_funding(initiative, start or dt.date.today(), language),
        ai_act=ai_act,
        open_prerequisites=list(initiative.prerequisites),
        systems_in_place=in_place,
        notes=[n for n in [systems_note(reused, language)] if n],
    )


# -- the cases -------------------------------------------------------------------------------
def _query(initiative: Initiative, language: str) -> str:
    if initiative.use_case:
        spec = load_data("use_cases.yaml")["use_cases"][initiative.use_case]
        return localised(spec["query"], "it")  # the corpus is Italian
    return f"{initiative.title} {initiative.description}"


def _as_retrieved(study: CaseStudy, score: float, reason: str) -> RetrievedCase:
    return RetrievedCase(
        id=study.id,
        title=study.title,
        score=score,
        reason=reason,
        path=study.path,
        use_cases=list(study.ai_use_cases),
        sector=study.sector,
        size_band=study.size_band,
    )


def choose_cases(
    draft: RoadmapDraft, initiative: Initiative, workspace: Workspace, k: int = MAX_CASES
) -> tuple[list[Source], list[str]]:
    """The cases the deep dive cites: the draft's citations of the initiative first, then the
    best matching cases of the index (of the same use case, for a use case)."""
    it = draft.language == "it"
    warnings: list[str] = []
    cases = workspace.corpus.cases
    chosen: list[RetrievedCase] = []
    for cid in initiative.citations:
        if cid not in cases:
            warnings.append(f"case '{cid}' cited by the draft is no longer in the corpus")
            continue
        reason = (
            "citato dalla bozza per questa iniziativa"
            if it
            else "cited by the draft for this initiative"
        )
        chosen.append(_as_retrieved(cases[cid], 1.0, reason))
    if len(chosen) < k:
        titles = load_data("use_cases.yaml")["use_cases"]
        hits = workspace.searcher.search_chunks([_query(initiative, draft.language)])
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1].score, kv[0]))
        top = max((h.score for _, h in ranked), default=1.0) or 1.0
        for cid, hit in ranked:
            if len(chosen) >= k:
                break
            if cid in {c.id for c in chosen} or cid not in cases:
                continue
            study = cases[cid]
            if initiative.use_case and initiative.use_case not in study.ai_use_cases:
                continue
            covered = ", ".join(
                localised(titles[u]["title"], draft.language).lower() for u in study.ai_use_cases
            )
            reason = (
                f"un caso dello stesso tipo ({covered})"
                if it
                else f"a case of the same kind ({covered})"
            )
            chosen.append(_as_retrieved(study, round(hit.score / top, 4), reason))
    sources = [
        Source(number=n, case=c, study=cases[c.id]) for n, c in enumerate(chosen[:k], start=1)
    ]
    if not sources:
        warnings.append("no case study matches this initiative: the deep dive cites none")
    return sources, warnings


def _words(text: str) -> set[str]:
    return {w for w in tokenize(text) if len(w) >= 3}


def _italian_kpi_names(initiative: Initiative) -> list[str]:
    """The catalogue's Italian names of the initiative's KPIs (the corpus is Italian)."""
    catalogue = load_data("use_cases.yaml")
    if initiative.use_case:
        kpis = catalogue["use_cases"][initiative.use_case]["kpis"]
        return [str(k["name"]["it"] if "name" in k else k["it"]) for k in kpis]
    enabler = catalogue["enablers"].get(initiative.id.replace("-", "_"))
    return [str(k["name"]["it"]) for k in enabler["kpis"]] if enabler else []


def relevant_results(plan: DeepDivePlan) -> list[CaseResult]:
    """The case results whose KPI shares a word with one of the plan's KPIs, matched in the
    plan's language and in Italian, the corpus's."""
    names = [k.name for k in plan.kpis] + _italian_kpi_names(plan.initiative)
    kpi_words = set().union(*(_words(n) for n in names)) if names else set()
    return [r for r in plan.case_results if _words(r.kpi) & kpi_words]


# -- the chain -------------------------------------------------------------------------------
def _profile(assessment: Assessment | None, privacy: Pseudonymiser | None) -> dict[str, Any]:
    if assessment is None or privacy is None:
        return {}
    company = assessment.company
    return {
        "sector": company.sector,
        "subsector": company.subsector,
        "size_band": company.size_band,
        "employees": company.employees,
        "goals": [privacy.scrub(g) for g in assessment.goals],
    }


def _in_language(draft: RoadmapDraft, assessment: Assessment | None, language: str) -> RoadmapDraft:
    """The draft with its initiatives planned again in `language` (citations kept)."""
    from dih_ai.analysis import analyse
    from dih_ai.plan import make_plan

    if assessment is None:
        raise InputError(
            [
                Problem(
                    "--lang",
                    language,
                    f"the draft is in '{draft.language}'; another language needs the "
                    "draft's assessment (--assessment FILE)",
                )
            ]
        )
    safe = Pseudonymiser(assessment.company).scrub_assessment(assessment)
    safe = safe.model_copy(update={"language": language})
    cited = {i.id: i.citations for i in draft.initiatives}
    initiatives = [
        i.model_copy(update={"citations": cited.get(i.id, [])})
        for i in make_plan(safe, analyse(safe)).initiatives
    ]
    return draft.model_copy(update={"language": language, "initiatives": initiatives})


def _scrubbed(
    initiative: Initiative, draft: RoadmapDraft, privacy: Pseudonymiser | None
) -> Initiative:
    """The initiative with the company's name, VAT number and id replaced by the alias in
    every text (a draft file may have been edited by hand: it is not trusted to be clean)."""
    names = [draft.company_id, *([draft.company_name] if draft.company_name else [])]
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    id_pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)

    def scrub(text: str) -> str:
        text = id_pattern.sub(TOKEN, text)
        return privacy.scrub(text) if privacy else text

    scrubbed = map_strings(initiative, scrub)
    return scrubbed.model_copy(update={"id": initiative.id, "citations": initiative.citations})


def _restore(text: str, name: str) -> str:
    return text.replace(TOKEN, name)


def prepare_deep_dive(
    draft: RoadmapDraft,
    initiative_id: str,
    workspace: Workspace,
    *,
    assessment: Assessment | None = None,
    start: dt.date | None = None,
    k: int = MAX_CASES,
    language: str | None = None,
) -> tuple[DeepDiveInput, list[str]]:
    """The writer's input of a deep dive (plan and numbered cases, no identity), and the
    warnings found on the way. See `deep_dive` for the arguments."""
    if k < 1:
        raise InputError([Problem("k", str(k), "expected at least 1 case to cite")])
    find_initiative(draft, initiative_id)
    privacy = None
    if assessment is not None:
        check_same_company(draft, assessment)
        privacy = Pseudonymiser(assessment.company)
    relanguaged = bool(language and language != draft.language)
    if language and relanguaged:
        draft = _in_language(draft, assessment, language)
    initiative = _scrubbed(find_initiative(draft, initiative_id), draft, privacy)
    sources, warnings = choose_cases(draft, initiative, workspace, k)
    if relanguaged:
        warnings.append(
            f"the initiative was planned again in '{draft.language}' from the assessment: "
            "changes made by hand to the draft's initiative are not carried over"
        )
    made_from = draft.generated_by.corpus_hash
    if made_from and made_from != corpus_hash(workspace.corpus):
        warnings.insert(
            0,
            f"the draft was made from another version of the corpus ({made_from}); its "
            "cited cases were checked against the current one",
        )
    in_place = systems_in_place(draft, initiative, assessment)
    plan = make_deep_dive_plan(
        draft, initiative, [s.study for s in sources], start=start, in_place=in_place
    )
    if assessment is not None and assessment.company.size_band == "micro":
        plan.notes.append(micro_note(draft.language))
    unknown_systems = sorted(variant_systems(playbook_for(initiative)[1]) - set(in_place))
    if assessment is None and unknown_systems:
        warnings.append(
            "without the assessment, whether the company already has "
            + " or ".join(SYSTEM_WORDS[s]["en"] for s in unknown_systems)
            + " was read from the draft's initiative only (description and why): check that "
            "the plan installs nothing the company already has"
        )
    unknown = sorted(set(initiative.funding) - {f.id for f in plan.funding})
    if unknown:
        warnings.append(f"funding {unknown} of the draft is not in data/funding.yaml: left out")
    for option in plan.funding:
        when = f"the start ({start})" if start else "today"
        if option.status_at_start == "closed":
            closed = f"closed on {option.valid_to}" if option.valid_to else "closed"
            warnings.append(f"funding '{option.id}' {closed}, before {when}")
        elif option.status_at_start == "announced":
            warnings.append(f"funding '{option.id}' is announced but not yet open on {when}")
    notes = None
    if assessment is not None and privacy is not None and assessment.notes:
        notes = privacy.scrub(assessment.notes)
    data = DeepDiveInput(
        company_alias=TOKEN,
        language=draft.language,
        profile=_profile(assessment, privacy),
        notes=notes,
        plan=plan,
        sources=sources,
    )
    return data, warnings


def deep_dive(
    draft: RoadmapDraft,
    initiative_id: str,
    workspace: Workspace,
    *,
    assessment: Assessment | None = None,
    writer: DeepDiveWriter | None = None,
    settings: Settings | None = None,
    start: dt.date | None = None,
    k: int = MAX_CASES,
    language: str | None = None,
) -> DeepDive:
    """Expand one initiative of `draft` into an implementation plan.

    `assessment` (the draft's own, optional) adds the company profile, goals and notes, and
    names the company in the output; without it the company is called as in the draft's
    language ("l'Azienda", "the Company"). `start` dates the milestones and checks that the
    proposed funding is still open. `language` other than the draft's needs the assessment
    (the initiative is planned again in that language). Without a `writer`, `settings` choose
    one as for drafts.
    """
    chosen = writer or make_writer(settings)
    if not hasattr(chosen, "write_deep_dive"):
        raise DihAiError(f"the writer {type(chosen).__name__} cannot write deep dives")
    data, warnings = prepare_deep_dive(
        draft,
        initiative_id,
        workspace,
        assessment=assessment,
        start=start,
        k=k,
        language=language,
    )
    written = chosen.write_deep_dive(data)
    warnings += written.warnings
    warnings += clean_citations(written.sections, {s.study.id for s in data.sources})
    name = assessment.company.name if assessment else ALIAS[data.language]
    for section in written.sections:
        section.markdown = _restore(section.markdown, name)
    plan = map_strings(data.plan, lambda text: _restore(text, name))
    studies = [s.study for s in data.sources]
    late = duration_note(plan.initiative, studies, plan.total_weeks, data.language)
    plan = plan.model_copy(update={"notes": [*plan.notes, *([late] if late else [])]})
    with_notes(written.sections, plan.notes)
    used = {cid for s in written.sections for cid in s.citations}
    cited = [s.study.id for s in data.sources if s.study.id in used]  # in source order
    plan = plan.model_copy(
        update={"case_results": [r for r in plan.case_results if r.case_id in used]}
    )
    cases = workspace.corpus.cases
    return DeepDive(
        company_id=draft.company_id,
        company_name=assessment.company.name if assessment else draft.company_name,
        language=data.language,
        initiative_id=initiative_id,
        generated_by=made_by(
            chosen.backend,
            written.model,
            written.prompt_version,
            data.language,
            corpus_hash(workspace.corpus),
        ),
        plan=plan,
        sections=written.sections,
        citations=[Citation(id=cid, title=cases[cid].title, path=cases[cid].path) for cid in cited],
        usage=written.usage,
        warnings=warnings,
    )
