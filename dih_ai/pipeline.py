"""The pipe: assessment -> analysis -> plan -> retrieval -> writer -> validation -> draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dih_ai.analysis import analyse
from dih_ai.assessment.models import Assessment
from dih_ai.config import Settings
from dih_ai.corpus import Corpus, corpus_hash, load_corpus
from dih_ai.draft import Citation, RoadmapDraft, made_by
from dih_ai.errors import InputError, Problem
from dih_ai.grounding import validate_citations
from dih_ai.knowledge import drafting_date
from dih_ai.plan import Plan, check_dates, make_plan
from dih_ai.privacy import TOKEN, Pseudonymiser, map_strings
from dih_ai.resources import default_corpus_dir
from dih_ai.retrieval import HybridSearcher, RetrievedCase, related_first, retrieve_cases
from dih_ai.vocab import CYBER_FUNCTIONS, DATA_FOR_AI_DIMENSIONS
from dih_ai.writers import Source, Writer, WriterInput
from dih_ai.writers.factory import make_writer

if TYPE_CHECKING:
    from dih_ai.index import CaseIndex, SyncReport


@dataclass
class Workspace:
    """A corpus and its synced index: what every draft of a session shares."""

    corpus: Corpus
    index: CaseIndex
    warnings: list[str] = field(default_factory=list)  # e.g. drafting from a stale index
    searcher: HybridSearcher = field(init=False)

    def __post_init__(self) -> None:
        self.searcher = HybridSearcher(self.index)

    def sync(self, on_progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Bring the index in step with the corpus now (waits for another writer)."""
        report = self.index.sync(self.corpus, on_progress=on_progress)
        self.corpus = report.corpus or self.corpus
        self.searcher = HybridSearcher(self.index)
        self.warnings = []
        return report

    @classmethod
    def open(
        cls,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
        *,
        chroma_url: str | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Workspace:
        """Load the corpus (bundled by default) and open its index (embedded by default).

        An index that differs from the corpus is synced if its lock comes within seconds,
        else read as it is, with a line in `warnings`; a missing one is built (see
        docs/runtime.md, Concurrency). `on_progress(done, total)` follows the embedding."""
        from dih_ai.index import CaseIndex

        corpus = load_corpus(corpus_dir or default_corpus_dir())
        if corpus.problems:
            raise InputError(corpus.problems)
        index = CaseIndex(index_dir, url=chroma_url)
        corpus, warnings = index.ensure_current(corpus, on_progress=on_progress)
        return cls(corpus=corpus, index=index, warnings=warnings)


def writer_input(
    assessment: Assessment,
    plan: Plan,
    cases: list[RetrievedCase],
    corpus: Corpus,
) -> WriterInput:
    """What the writer sees: the plan and numbered sources. Pass a scrubbed assessment."""
    sources = [
        Source(number=n, case=c, study=corpus.cases[c.id])
        for n, c in enumerate(cases, start=1)
        if c.id in corpus.cases
    ]
    company = assessment.company
    data_levels = (
        {d: getattr(assessment.data_for_ai.levels, d) for d in DATA_FOR_AI_DIMENSIONS}
        if assessment.data_for_ai
        else {}
    )
    cyber = (
        {f: getattr(assessment.cybersecurity.functions, f) for f in CYBER_FUNCTIONS}
        if assessment.cybersecurity
        else {}
    )
    return WriterInput(
        company_alias=TOKEN,
        sector=company.sector,
        subsector=company.subsector,
        size_band=company.size_band,
        employees=company.employees,
        language=assessment.language,
        plan=plan,
        sources=sources,
        technologies=dict(assessment.dma.technologies),
        data_levels=data_levels,
        cyber=cyber,
        goals=list(assessment.goals),
        notes=assessment.notes,
        stage=assessment.dma.stage,
        region=company.region,
    )


def prepare(
    assessment: Assessment,
    workspace: Workspace,
    *,
    k: int = 5,
    baseline: Assessment | None = None,
    as_of: dt.date | None = None,
) -> tuple[WriterInput, Pseudonymiser]:
    """Analysis, plan and retrieval on the scrubbed assessment: the writer's input, on the
    drafting date `as_of` (default `$DIH_AI_AS_OF`, else today)."""
    as_of = drafting_date(as_of)
    check_dates(assessment, as_of)
    privacy = Pseudonymiser(assessment.company)
    safe = privacy.scrub_assessment(assessment)  # everything below sees no identity
    if baseline is not None and baseline.company.id != assessment.company.id:
        raise InputError(
            [
                Problem(
                    "baseline",
                    "company.id",
                    f"'{baseline.company.id}' is not "
                    f"the company of the assessment ('{assessment.company.id}')",
                )
            ]
        )
    readiness = analyse(safe, baseline)
    plan = make_plan(safe, readiness, as_of)
    found = retrieve_cases(safe, workspace.index, plan, k=k, searcher=workspace.searcher)
    cases = related_first(found)
    return writer_input(safe, plan, cases, workspace.corpus), privacy


def draft_roadmap(
    assessment: Assessment,
    workspace: Workspace,
    *,
    writer: Writer | None = None,
    k: int = 5,
    baseline: Assessment | None = None,
    settings: Settings | None = None,
    as_of: dt.date | None = None,
) -> RoadmapDraft:
    """Draft the AI sections of one company's roadmap.

    `baseline` is the same company's earlier assessment (T0 for a T1): the draft then
    reports the change per DMA dimension. `as_of` is the drafting date (default
    `$DIH_AI_AS_OF`, else today): what is in force and which funding is open are computed on
    it, never on the assessment date. Without a `writer`, `settings` (or the
    environment) choose one: a model when one is configured, else the offline writer.
    """
    writer = writer or make_writer(settings)
    data, privacy = prepare(assessment, workspace, k=k, baseline=baseline, as_of=as_of)
    written = writer.write(data)
    allowed = {s.study.id for s in data.sources}
    warnings = [
        *written.warnings,
        *validate_citations(written.sections, written.initiatives, allowed),
    ]
    if not allowed:
        warnings.append("no case study was retrieved: the draft cites none")
    for section in written.sections:
        section.markdown = privacy.restore(section.markdown)
    written.initiatives = [map_strings(i, privacy.restore) for i in written.initiatives]
    cited = [cid for s in written.sections for cid in s.citations]
    cited += [cid for i in written.initiatives for cid in i.citations]
    cases = workspace.corpus.cases
    citations = [
        Citation(id=cid, title=cases[cid].title_in(assessment.language), path=cases[cid].path)
        for cid in dict.fromkeys(cited)
    ]
    return RoadmapDraft(
        company_id=assessment.company.id,
        company_name=assessment.company.name,
        language=assessment.language,
        generated_by=made_by(
            writer.backend,
            written.model,
            written.prompt_version,
            assessment.language,
            corpus_hash(workspace.corpus),
            as_of=data.plan.as_of,
            knowledge_as_of=data.plan.knowledge_as_of,
        ),
        readiness=data.plan.readiness,
        sections=written.sections,
        initiatives=written.initiatives,
        citations=citations,
        usage=written.usage,
        warnings=warnings,
        notes_for_consultant=[privacy.restore(n) for n in written.notes_for_consultant],
    )
