"""The deep dive's entry point: one initiative of a draft, its plan and cited cases, written
by a writer (`dih_ai.writers.Writer`) under a draft's validation rules, the company's name
put back."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from dih_ai.analysis import analyse
from dih_ai.assessment.models import Assessment
from dih_ai.config import Settings
from dih_ai.corpus import corpus_hash
from dih_ai.deep_dive.cases import MAX_CASES, choose_cases
from dih_ai.deep_dive.consistency import (
    duration_note,
    micro_note,
    systems_in_place,
    variant_systems,
    with_notes,
)
from dih_ai.deep_dive.load import check_language, check_same_company, find_initiative
from dih_ai.deep_dive.playbook import make_deep_dive_plan, playbook_for
from dih_ai.deep_dive_models import DeepDive, DeepDivePlan
from dih_ai.draft import Citation, Initiative, RoadmapDraft, made_by
from dih_ai.errors import InputError, Problem
from dih_ai.grounding import clean_citations
from dih_ai.i18n import t
from dih_ai.plan import make_plan
from dih_ai.privacy import ALIAS, TOKEN, Pseudonymiser, map_strings, restore_name
from dih_ai.vocab import Language
from dih_ai.writers import DeepDiveInput, Writer, WrittenDeepDive
from dih_ai.writers.factory import make_writer

if TYPE_CHECKING:
    from dih_ai.pipeline import Workspace


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


def _in_language(
    draft: RoadmapDraft, assessment: Assessment | None, language: Language
) -> RoadmapDraft:
    """The draft with its initiatives planned again in `language` (citations kept)."""
    check_language(draft, assessment, language)
    assert assessment is not None  # checked above
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


def _plan_warnings(
    plan: DeepDivePlan,
    in_place: dict[str, str],
    assessment: Assessment | None,
    start: dt.date | None,
) -> list[str]:
    """What the plan could not check (systems without the assessment) or leaves out, and
    funding closed or not yet open at the start."""
    warnings = []
    initiative = plan.initiative
    unknown_systems = sorted(variant_systems(playbook_for(initiative)[1]) - set(in_place))
    if assessment is None and unknown_systems:
        warnings.append(
            "without the assessment, whether the company already has "
            + " or ".join(t("systems_in_place", s, "en") for s in unknown_systems)
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
    return warnings


def prepare_deep_dive(
    draft: RoadmapDraft,
    initiative_id: str,
    workspace: Workspace,
    *,
    assessment: Assessment | None = None,
    start: dt.date | None = None,
    k: int = MAX_CASES,
    language: Language | None = None,
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
    warnings += _plan_warnings(plan, in_place, assessment, start)
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


def _finished_plan(data: DeepDiveInput, written: WrittenDeepDive, name: str) -> DeepDivePlan:
    """The plan with the company's name back, its notes (a duration note after the writer)
    at the top of their sections, and only the results of the cases the text cites."""
    plan = map_strings(data.plan, lambda text: restore_name(text, name))
    studies = [s.study for s in data.sources]
    late = duration_note(plan.initiative, studies, plan.total_weeks, data.language)
    plan = plan.model_copy(update={"notes": [*plan.notes, *([late] if late else [])]})
    with_notes(written.sections, plan.notes)
    used = {cid for s in written.sections for cid in s.citations}
    return plan.model_copy(
        update={"case_results": [r for r in plan.case_results if r.case_id in used]}
    )


def deep_dive(
    draft: RoadmapDraft,
    initiative_id: str,
    workspace: Workspace,
    *,
    assessment: Assessment | None = None,
    writer: Writer | None = None,
    settings: Settings | None = None,
    start: dt.date | None = None,
    k: int = MAX_CASES,
    language: Language | None = None,
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
        section.markdown = restore_name(section.markdown, name)
    plan = _finished_plan(data, written, name)
    used = {cid for s in written.sections for cid in s.citations}
    cited = [s.study for s in data.sources if s.study.id in used]  # in source order
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
        citations=[Citation(id=c.id, title=c.title_in(data.language), path=c.path) for c in cited],
        usage=written.usage,
        warnings=warnings,
        notes_for_consultant=[restore_name(n, name) for n in written.notes_for_consultant],
    )
