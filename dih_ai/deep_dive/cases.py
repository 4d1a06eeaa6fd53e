"""The cases a deep dive cites: the draft's citations of the initiative first, then the best
matching cases of the index (of the same use case, for a use case)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dih_ai.corpus import CaseStudy
from dih_ai.draft import Initiative, RoadmapDraft
from dih_ai.i18n import localised, phrase
from dih_ai.resources import load_data
from dih_ai.retrieval import RetrievedCase, rank_cases
from dih_ai.vocab import Language
from dih_ai.writers import Source

if TYPE_CHECKING:
    from dih_ai.pipeline import Workspace

MAX_CASES = 3


def _query(initiative: Initiative, language: Language) -> str:
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


def _cited_by_draft(
    draft: RoadmapDraft, initiative: Initiative, cases: dict[str, CaseStudy], warnings: list[str]
) -> list[RetrievedCase]:
    """The cases the draft cites for the initiative that are still in the corpus."""
    reason = phrase("case_cited_by_draft", draft.language)
    chosen = []
    for cid in initiative.citations:
        if cid not in cases:
            warnings.append(f"case '{cid}' cited by the draft is no longer in the corpus")
            continue
        chosen.append(_as_retrieved(cases[cid], 1.0, reason))
    return chosen


def _same_kind(
    draft: RoadmapDraft,
    initiative: Initiative,
    workspace: Workspace,
    chosen: list[RetrievedCase],
    k: int,
) -> list[RetrievedCase]:
    """Up to `k` cases in all: `chosen`, then the index's best matches not chosen yet (of
    the initiative's use case, for a use case)."""
    cases = workspace.corpus.cases
    titles = load_data("use_cases.yaml")["use_cases"]
    hits = workspace.searcher.search_chunks([_query(initiative, draft.language)])
    for score, cid, _ in rank_cases(hits):
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
        reason = phrase("case_same_kind", draft.language, covered=covered)
        chosen.append(_as_retrieved(study, round(score, 4), reason))
    return chosen


def choose_cases(
    draft: RoadmapDraft, initiative: Initiative, workspace: Workspace, k: int = MAX_CASES
) -> tuple[list[Source], list[str]]:
    """The cases the deep dive cites: the draft's citations of the initiative first, then the
    best matching cases of the index (of the same use case, for a use case)."""
    warnings: list[str] = []
    cases = workspace.corpus.cases
    chosen = _cited_by_draft(draft, initiative, cases, warnings)
    if len(chosen) < k:
        chosen = _same_kind(draft, initiative, workspace, chosen, k)
    sources = [
        Source(number=n, case=c, study=cases[c.id]) for n, c in enumerate(chosen[:k], start=1)
    ]
    if not sources:
        warnings.append("no case study matches this initiative: the deep dive cites none")
    return sources, warnings
