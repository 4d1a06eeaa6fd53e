"""dih_ai: drafts the AI sections of a Digital Innovation Hub's digital-maturity roadmap.

    from dih_ai import Workspace, draft_roadmap, load_assessment, to_markdown
    workspace = Workspace.open()                      # bundled corpus, embedded Chroma index
    draft = draft_roadmap(load_assessment("meccanica.yaml"), workspace)
    print(to_markdown(draft))

Importing the package is cheap: heavy modules (chromadb, LangChain, the embedder) load
only when a name that needs them is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dih_ai._version import __version__

if TYPE_CHECKING:
    from dih_ai.analysis import Readiness, analyse
    from dih_ai.assessment.load import load_assessment, load_assessments
    from dih_ai.assessment.models import Assessment
    from dih_ai.corpus import CaseStudy, Corpus, load_corpus
    from dih_ai.draft import RoadmapDraft
    from dih_ai.embeddings import E5Embeddings
    from dih_ai.errors import DihAiError, InputError, Problem
    from dih_ai.index import CaseIndex
    from dih_ai.pipeline import Workspace, draft_roadmap
    from dih_ai.plan import Plan, make_plan
    from dih_ai.render import to_json, to_markdown
    from dih_ai.retrieval import CaseRetriever, RetrievedCase, retrieve_cases
    from dih_ai.tokens import count_tokens, ensure_offline_encodings
    from dih_ai.writers.offline import OfflineWriter

_EXPORTS: dict[str, str] = {
    "Assessment": "dih_ai.assessment.models",
    "load_assessment": "dih_ai.assessment.load",
    "load_assessments": "dih_ai.assessment.load",
    "Readiness": "dih_ai.analysis",
    "analyse": "dih_ai.analysis",
    "Plan": "dih_ai.plan",
    "make_plan": "dih_ai.plan",
    "CaseStudy": "dih_ai.corpus",
    "Corpus": "dih_ai.corpus",
    "load_corpus": "dih_ai.corpus",
    "CaseIndex": "dih_ai.index",
    "E5Embeddings": "dih_ai.embeddings",
    "CaseRetriever": "dih_ai.retrieval",
    "RetrievedCase": "dih_ai.retrieval",
    "retrieve_cases": "dih_ai.retrieval",
    "OfflineWriter": "dih_ai.writers.offline",
    "RoadmapDraft": "dih_ai.draft",
    "Workspace": "dih_ai.pipeline",
    "draft_roadmap": "dih_ai.pipeline",
    "to_json": "dih_ai.render",
    "to_markdown": "dih_ai.render",
    "count_tokens": "dih_ai.tokens",
    "ensure_offline_encodings": "dih_ai.tokens",
    "DihAiError": "dih_ai.errors",
    "InputError": "dih_ai.errors",
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
