"""dih_ai: drafts the AI sections of a Digital Innovation Hub's digital-maturity roadmap.

    from dih_ai import Workspace, deep_dive, draft_roadmap, load_assessment, to_markdown
    workspace = Workspace.open()                      # bundled corpus, embedded Chroma index
    draft = draft_roadmap(load_assessment("meccanica.yaml"), workspace)
    print(to_markdown(draft))
    print(to_markdown(deep_dive(draft, draft.initiatives[0].id, workspace)))

The names below mirror the `dih-ai` commands; docs/api.md maps one to the other.

Importing the package is cheap: heavy modules (chromadb, LangChain, the embedder) load
only when a name that needs them is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dih_ai._version import __version__

if TYPE_CHECKING:
    from dih_ai.analysis import Readiness, analyse
    from dih_ai.assessment.load import LoadResult, load_assessment, load_assessments
    from dih_ai.assessment.models import Assessment
    from dih_ai.batch import BatchSummary, CompanyResult, run_batch
    from dih_ai.config import Settings
    from dih_ai.corpus import CaseStudy, Corpus, case_warnings, load_corpus
    from dih_ai.deep_dive import DeepDive, deep_dive, load_draft
    from dih_ai.documents import Branding, load_branding, to_docx, to_html, to_pdf
    from dih_ai.draft import RoadmapDraft
    from dih_ai.embeddings import E5Embeddings
    from dih_ai.errors import (
        BudgetError,
        CaseIndexError,
        ConfigError,
        DihAiError,
        InputError,
        Problem,
        SettingError,
        WriterError,
    )
    from dih_ai.estimate import Estimate, estimate_deep_dive, estimate_draft
    from dih_ai.evaluation.drafts import EvalRun, evaluate_drafts
    from dih_ai.evaluation.report import compare, load_run, write_run
    from dih_ai.evaluation.retrieval import RetrievalReport, evaluate_retrieval
    from dih_ai.index import CaseIndex
    from dih_ai.pipeline import Workspace, draft_roadmap
    from dih_ai.plan import Plan, make_plan
    from dih_ai.portfolio import PortfolioReport, portfolio_report
    from dih_ai.render import to_json, to_markdown
    from dih_ai.retrieval import CaseRetriever, RetrievedCase, retrieve_cases
    from dih_ai.tokens import count_tokens, ensure_offline_encodings
    from dih_ai.writers.factory import make_writer
    from dih_ai.writers.llm import LLMWriter
    from dih_ai.writers.offline import OfflineWriter

_EXPORTS: dict[str, str] = {
    "Assessment": "dih_ai.assessment.models",
    "LoadResult": "dih_ai.assessment.load",
    "load_assessment": "dih_ai.assessment.load",
    "load_assessments": "dih_ai.assessment.load",
    "Readiness": "dih_ai.analysis",
    "analyse": "dih_ai.analysis",
    "Plan": "dih_ai.plan",
    "make_plan": "dih_ai.plan",
    "CaseStudy": "dih_ai.corpus",
    "Corpus": "dih_ai.corpus",
    "load_corpus": "dih_ai.corpus",
    "case_warnings": "dih_ai.corpus",
    "CaseIndex": "dih_ai.index",
    "E5Embeddings": "dih_ai.embeddings",
    "CaseRetriever": "dih_ai.retrieval",
    "RetrievedCase": "dih_ai.retrieval",
    "retrieve_cases": "dih_ai.retrieval",
    "OfflineWriter": "dih_ai.writers.offline",
    "LLMWriter": "dih_ai.writers.llm",
    "Settings": "dih_ai.config",
    "make_writer": "dih_ai.writers.factory",
    "Estimate": "dih_ai.estimate",
    "estimate_draft": "dih_ai.estimate",
    "estimate_deep_dive": "dih_ai.estimate",
    "RoadmapDraft": "dih_ai.draft",
    "Workspace": "dih_ai.pipeline",
    "draft_roadmap": "dih_ai.pipeline",
    "DeepDive": "dih_ai.deep_dive",
    "deep_dive": "dih_ai.deep_dive",
    "load_draft": "dih_ai.deep_dive",
    "to_json": "dih_ai.render",
    "to_markdown": "dih_ai.render",
    "to_html": "dih_ai.documents",
    "to_docx": "dih_ai.documents",
    "to_pdf": "dih_ai.documents",
    "Branding": "dih_ai.documents",
    "load_branding": "dih_ai.documents",
    "run_batch": "dih_ai.batch",
    "BatchSummary": "dih_ai.batch",
    "CompanyResult": "dih_ai.batch",
    "portfolio_report": "dih_ai.portfolio",
    "PortfolioReport": "dih_ai.portfolio",
    "evaluate_drafts": "dih_ai.evaluation.drafts",
    "EvalRun": "dih_ai.evaluation.drafts",
    "write_run": "dih_ai.evaluation.report",
    "load_run": "dih_ai.evaluation.report",
    "compare": "dih_ai.evaluation.report",
    "evaluate_retrieval": "dih_ai.evaluation.retrieval",
    "RetrievalReport": "dih_ai.evaluation.retrieval",
    "count_tokens": "dih_ai.tokens",
    "ensure_offline_encodings": "dih_ai.tokens",
    "DihAiError": "dih_ai.errors",
    "InputError": "dih_ai.errors",
    "WriterError": "dih_ai.errors",
    "ConfigError": "dih_ai.errors",
    "SettingError": "dih_ai.errors",
    "CaseIndexError": "dih_ai.errors",
    "BudgetError": "dih_ai.errors",
    "Problem": "dih_ai.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dih_ai' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
