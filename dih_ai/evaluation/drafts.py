"""Drafts against reference roadmaps: structure, plan agreement, grounding, text, cost.

A reference case is a folder with `assessment.yaml` (or `.json`) and `reference.json` (the
AI sections a good consultant would write, in the draft format). `evaluate_drafts` drafts
every case with the chosen writer and scores it; everything is offline except the optional
LLM judge.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from dih_ai._version import __version__
from dih_ai.assessment.load import load_assessment
from dih_ai.corpus import CaseStudy, corpus_hash
from dih_ai.draft import RoadmapDraft
from dih_ai.evaluation.plans import f1, match_initiatives, precision_recall
from dih_ai.evaluation.references import (
    Reference,
    ReferenceCase,
    assessment_path,
    load_references,
)
from dih_ai.grounding import CASE_CITATION, cited_figures
from dih_ai.knowledge import drafting_date
from dih_ai.matching import quote
from dih_ai.pipeline import Workspace, draft_roadmap
from dih_ai.vocab import SECTION_IDS
from dih_ai.writers import Writer

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


class CaseScores(BaseModel):
    """Every metric for one case (0-1 unless named otherwise)."""

    name: str
    language: str
    structure: float
    initiative_precision: float
    initiative_recall: float
    initiative_f1: float
    use_case_f1: float
    horizon_agreement: float
    ai_act_agreement: float
    citations_resolve: float
    cited_precision: float
    cited_recall: float
    figures_supported: float
    case_sentences_cited: float
    rouge_l: float
    embedding_similarity: float
    prompt_tokens: int
    completion_tokens: int
    llm_calls: int
    cost_usd: float
    latency_s: float
    judge: dict[str, float] | None = None
    warnings: int = 0
    goal_coverage: float = 1.0


METRICS = [
    "structure",
    "initiative_precision",
    "initiative_recall",
    "initiative_f1",
    "use_case_f1",
    "horizon_agreement",
    "ai_act_agreement",
    "citations_resolve",
    "cited_precision",
    "cited_recall",
    "figures_supported",
    "case_sentences_cited",
    "rouge_l",
    "embedding_similarity",
    "goal_coverage",
]
COST_METRICS = ["prompt_tokens", "completion_tokens", "llm_calls", "cost_usd", "latency_s"]


class EvalRun(BaseModel):
    """A whole run: what made it (to reproduce it) and the scores."""

    name: str
    backend: str
    model: str | None
    prompt_version: str
    corpus_hash: str
    library_version: str
    cases_folder: str
    judge_model: str | None = None
    cases: list[CaseScores]
    mean: dict[str, float]

    def _repr_markdown_(self) -> str:
        from dih_ai.evaluation.report import markdown_report

        return markdown_report(self)

    def _repr_html_(self) -> str:
        from dih_ai.evaluation.report import html_report

        return html_report(self)


def _structure(draft: RoadmapDraft) -> float:
    ids = [s.id for s in draft.sections]
    present = sum(i in ids for i in SECTION_IDS) / len(SECTION_IDS)
    in_order = float([i for i in ids if i in SECTION_IDS] == [i for i in SECTION_IDS if i in ids])
    non_empty = sum(bool(s.markdown.strip()) for s in draft.sections) / max(len(draft.sections), 1)
    return round((present + in_order + non_empty) / 3, 4)


def _blocks(markdown: str) -> list[str]:
    """Paragraphs (blank-line separated), each heading joined to the paragraph under it: a
    citation in a case's heading covers the paragraph that describes it."""
    blocks: list[str] = []
    heading = ""
    for part in re.split(r"\n\s*\n", markdown):
        if part.lstrip().startswith("#") and "\n" not in part.strip():
            heading = part.strip()
            continue
        blocks.append(f"{heading}\n{part}" if heading else part)
        heading = ""
    if heading:
        blocks.append(heading)
    return blocks


def plan_context(draft: RoadmapDraft) -> str:
    """The plan as the draft records it (readiness, initiatives: scores, months, costs),
    without case ids: the context whose figures the figure rule allows beside a citation."""
    return json.dumps(
        {
            "readiness": draft.readiness.model_dump(mode="json"),
            "initiatives": [
                i.model_dump(mode="json", exclude={"citations"}) for i in draft.initiatives
            ],
        },
        ensure_ascii=False,
    )


def _figures_supported(draft: RoadmapDraft, cases: dict[str, CaseStudy], cited: list[str]) -> float:
    """Share of the figures in sentences citing a case that the rule the model writer
    enforces (`grounding.cited_figures`) finds in the case or in the draft's plan."""
    sources = {
        i: cases[i].body + " " + json.dumps(cases[i].model_dump(mode="json"))
        for i in dict.fromkeys(cited)
        if i in cases
    }
    context = plan_context(draft)
    found = [
        f
        for s in draft.sections
        for f in cited_figures(s.markdown, sources, context, citation=CASE_CITATION)
    ]
    return sum(f.supported for f in found) / len(found) if found else 1.0


def _grounding(draft: RoadmapDraft, workspace: Workspace) -> tuple[float, float, float]:
    cases = workspace.corpus.cases
    text = "\n".join(s.markdown for s in draft.sections)
    cited = CASE_CITATION.findall(text)
    resolve = sum(c in cases for c in cited) / len(cited) if cited else 1.0
    about = with_citation = 0
    titles = [c.title.lower() for c in (cases[i.id] for i in draft.citations if i.id in cases)]
    for section in draft.sections:
        for block in _blocks(section.markdown):
            block_cited = bool(CASE_CITATION.search(block))
            for sentence in _SENTENCE.split(block):
                ids = CASE_CITATION.findall(sentence)
                text = sentence.strip()
                mentions = section.id == "case_studies" or any(
                    t[:40] in sentence.lower() for t in titles
                )
                if mentions and text and not text.startswith("#"):
                    about += 1
                    with_citation += bool(ids) or block_cited
    figures_ok = _figures_supported(draft, cases, cited)
    case_cited = with_citation / about if about else 1.0
    return round(resolve, 4), round(figures_ok, 4), round(case_cited, 4)


def _rouge_l(draft: RoadmapDraft, reference: Reference) -> float:
    # rouge-score ships no type information (no stubs package either)
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"])
    ref = {s.id: s.markdown for s in reference.sections}
    scores = [
        scorer.score(ref.get(s.id, ""), s.markdown)["rougeL"].fmeasure
        for s in draft.sections
        if s.id in ref
    ]
    return round(sum(scores) / len(scores), 4) if scores else 0.0


def _similarity(draft: RoadmapDraft, reference: Reference, embedder: Any) -> float:
    import numpy as np

    ref = {s.id: s.markdown for s in reference.sections}
    pairs = [(s.markdown, ref[s.id]) for s in draft.sections if s.id in ref]
    if not pairs:
        return 0.0
    a = np.array(embedder.embed_documents([p[0] for p in pairs]))
    b = np.array(embedder.embed_documents([p[1] for p in pairs]))
    return round(float(np.mean(np.sum(a * b, axis=1))), 4)


def goal_coverage(draft: RoadmapDraft, goals: list[str]) -> float:
    """Share of the stated goals some initiative says it answers (its reason quotes the
    goal); 1.0 when the company stated none."""
    if not goals:
        return 1.0
    reasons = " ".join(i.why or "" for i in draft.initiatives)
    return round(sum(f"«{quote(g)}»" in reasons for g in goals) / len(goals), 4)


def draft_sentences(draft: RoadmapDraft) -> set[str]:
    """The draft's sentences and lines longer than 40 characters (table rows included)."""
    text = "\n".join(s.markdown for s in draft.sections)
    parts = re.split(r"(?<=[.!?])\s+|\n", text)
    return {p.strip() for p in parts if len(p.strip()) > 40}


def identical_sentences(drafts: list[RoadmapDraft]) -> float:
    """Mean, over pairs of drafts in the same language, of the share of sentences one draft
    shares word for word with the other (of the shorter draft): text written for no one."""
    shares = []
    for n, a in enumerate(drafts):
        for b in drafts[n + 1 :]:
            if a.language != b.language:
                continue
            sa, sb = draft_sentences(a), draft_sentences(b)
            shares.append(len(sa & sb) / max(1, min(len(sa), len(sb))))
    return round(sum(shares) / len(shares), 4) if shares else 0.0


def score_case(
    name: str,
    draft: RoadmapDraft,
    reference: Reference,
    workspace: Workspace,
    latency_s: float,
    judge: dict[str, float] | None = None,
    goals: list[str] | None = None,
) -> CaseScores:
    """Every metric of one draft against its reference (`goals`: the company's stated
    goals, for goal coverage)."""
    pairs = match_initiatives(draft.initiatives, reference.initiatives)
    p = len(pairs) / len(draft.initiatives) if draft.initiatives else 0.0
    r = len(pairs) / len(reference.initiatives) if reference.initiatives else 0.0
    uc_p, uc_r = precision_recall(
        {i.use_case for i in draft.initiatives if i.use_case},
        {i.use_case for i in reference.initiatives if i.use_case},
    )
    cited_p, cited_r = precision_recall(
        {c.id for c in draft.citations}, {str(c["id"]) for c in reference.citations}
    )
    resolve, figures, case_cited = _grounding(draft, workspace)
    return CaseScores(
        goal_coverage=goal_coverage(draft, goals or []),
        name=name,
        language=draft.language,
        structure=_structure(draft),
        initiative_precision=round(p, 4),
        initiative_recall=round(r, 4),
        initiative_f1=round(f1(p, r), 4),
        use_case_f1=round(f1(uc_p, uc_r), 4),
        horizon_agreement=round(sum(d.horizon == x.horizon for d, x in pairs) / len(pairs), 4)
        if pairs
        else 0.0,
        ai_act_agreement=round(
            sum(d.ai_act_risk == x.ai_act_risk for d, x in pairs) / len(pairs), 4
        )
        if pairs
        else 0.0,
        citations_resolve=resolve,
        cited_precision=round(cited_p, 4),
        cited_recall=round(cited_r, 4),
        figures_supported=figures,
        case_sentences_cited=case_cited,
        rouge_l=_rouge_l(draft, reference),
        embedding_similarity=_similarity(draft, reference, workspace.index.embedder),
        prompt_tokens=draft.usage.prompt_tokens,
        completion_tokens=draft.usage.completion_tokens,
        llm_calls=draft.usage.llm_calls,
        cost_usd=draft.usage.cost_usd,
        latency_s=round(latency_s, 3),
        judge=judge,
        warnings=len(draft.warnings),
    )


class Judge(Protocol):
    """Scores a draft against its reference (`LLMJudge`; `model_name` is recorded if set)."""

    def score(self, draft: RoadmapDraft, reference: Reference) -> dict[str, float]: ...


def _draft_case(
    case: ReferenceCase, workspace: Workspace, writer: Writer, judge: Judge | None
) -> tuple[RoadmapDraft, CaseScores]:
    """Draft one reference case on its drafting date, with its baseline when it has one, and
    score the draft."""
    folder = Path(case.folder)
    assessment = load_assessment(assessment_path(folder))
    baseline = (
        load_assessment(folder / "baseline.yaml") if (folder / "baseline.yaml").exists() else None
    )
    as_of = drafting_date(case.reference.generated_by.get("as_of"))
    start = time.perf_counter()
    draft = draft_roadmap(assessment, workspace, writer=writer, baseline=baseline, as_of=as_of)
    latency = time.perf_counter() - start
    verdict = judge.score(draft, case.reference) if judge else None
    scores = score_case(
        case.name, draft, case.reference, workspace, latency, verdict, assessment.goals
    )
    return draft, scores


def _means(scores: list[CaseScores], drafts: list[RoadmapDraft], judged: bool) -> dict[str, float]:
    """Every metric's mean over the cases, the identical sentences across drafts, and the
    judge's means when `judged`."""
    mean = {
        m: round(sum(getattr(s, m) for s in scores) / len(scores), 4)
        for m in METRICS + COST_METRICS
    }
    mean["identical_sentences"] = identical_sentences(drafts)
    if judged:
        for key in ("faithfulness", "specificity", "actionability"):
            mean[f"judge_{key}"] = round(
                sum((s.judge or {}).get(key, 0) for s in scores) / len(scores), 3
            )
    return mean


def evaluate_drafts(
    cases_folder: Path | None = None,
    workspace: Workspace | None = None,
    *,
    name: str = "run",
    writer: Writer | None = None,
    judge: Judge | None = None,
    on_case: Callable[[int, int], None] | None = None,
) -> EvalRun:
    """Draft every reference case with `writer` and score it, on the reference's own drafting
    date (`generated_by.as_of`) and with its earlier assessment (`baseline.yaml`) when the
    folder has one. Defaults: the bundled
    `evals/references`, the bundled corpus, the writer the environment chooses.
    `on_case(done, total)` is called after each case (for a progress bar)."""
    from dih_ai.resources import bundled_dir
    from dih_ai.writers.factory import make_writer

    cases_folder = cases_folder or bundled_dir("evals") / "references"
    workspace = workspace or Workspace.open()
    writer = writer or make_writer()
    references = load_references(cases_folder)
    scores: list[CaseScores] = []
    drafts: list[RoadmapDraft] = []
    for case in references:
        draft, case_scores = _draft_case(case, workspace, writer, judge)
        drafts.append(draft)
        scores.append(case_scores)
        if on_case:
            on_case(len(scores), len(references))
    mean = _means(scores, drafts, bool(judge))
    assert drafts
    made_by = drafts[-1].generated_by
    return EvalRun(
        name=name,
        backend=made_by.backend,
        model=made_by.model,
        prompt_version=made_by.prompt_version,
        corpus_hash=corpus_hash(workspace.corpus),
        library_version=__version__,
        cases_folder=str(cases_folder),
        judge_model=getattr(judge, "model_name", None),
        cases=scores,
        mean=mean,
    )
