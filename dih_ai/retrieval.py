"""Retrieval of case studies for an assessment and its plan.

Queries and filters come from the company (sector, size, goals) and the plan (chosen use
cases), not from a typed question. Each query runs dense (Chroma, e5) and lexical (BM25)
search; the ranked lists are fused by reciprocal rank, chunks are pooled per case, and
metadata boosts favour the same use case, sector and size. Selection is diverse: one entry
per case, and cases covering a planned use case not yet covered come first.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from dih_ai.i18n import phrase, t
from dih_ai.lexical import BM25, tokenize
from dih_ai.resources import load_data

if TYPE_CHECKING:
    from chromadb.api.types import PyEmbeddings

    from dih_ai.assessment.models import Assessment
    from dih_ai.index import CaseIndex, StoredChunk
    from dih_ai.plan import Plan

__all__ = [
    "CaseRetriever",
    "HybridSearcher",
    "RetrievedCase",
    "SearchQuery",
    "queries_for",
    "rank_cases",
    "related_first",
    "retrieve_cases",
    "tokenize",
    "weighted_queries",
]

# Fusion settings, chosen on evals/retrieval (28 queries; both halves agree):
# see docs/retrieval.md. Re-run `dih-ai eval retrieval` after changing them.
RRF_K = 60
DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 0.5
GOALS_QUERY_WEIGHT = 3.0
CANDIDATES_PER_QUERY = 40
BOOST_USE_CASE = 0.5
BOOST_SECTOR = 0.25
BOOST_SIZE = 0.1
BOOST_SUBSECTOR = 0.2
BOOST_PLANNED_USE_CASE = 0.3


class RetrievedCase(BaseModel):
    """A case chosen for the draft, with its score and why it was chosen."""

    id: str
    title: str
    score: float
    reason: str
    path: str = ""
    use_cases: list[str] = Field(default_factory=list)
    sector: str = ""
    size_band: str = ""
    passages: list[str] = Field(default_factory=list, description="best matching sections")
    related: bool = Field(
        default=True,
        description="shares a planned use case, the subsector or a process area in the sector",
    )


@dataclass
class _Hit:
    score: float = 0.0
    chunks: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Chunks:
    """Every chunk of one build of the index, held in memory: BM25 scores them, and the
    dense side resolves Chroma's nearest ids to them instead of reading them back."""

    key: tuple[str | None, int]
    chunks: list[StoredChunk]
    by_id: dict[str, StoredChunk]
    lexical: BM25 | None = None


class HybridSearcher:
    """Dense + BM25 search over a `CaseIndex`, fused by reciprocal rank."""

    def __init__(self, index: CaseIndex, *, dense: bool = True, lexical: bool = True) -> None:
        self.index = index
        self.use_dense = dense
        self.use_lexical = lexical
        self._held: _Chunks | None = None
        self._lock = threading.Lock()
        self._kept: dict[str, Any] = {}  # query vectors of the catalogue's use-case queries
        self._catalogue: frozenset[str] | None = None

    def _chunks(self) -> _Chunks:
        """The chunks of the current build, read again when another build is published."""
        key = (self.index.build_name(), self.index.count())
        held = self._held
        if held is None or held.key != key:
            with self._lock:
                held = self._held
                if held is None or held.key != key:
                    chunks = self.index.all_chunks()
                    held = _Chunks(key, chunks, {c.id: c for c in chunks})
                    self._held = held
        return held

    def _bm25(self) -> BM25:
        held = self._chunks()
        if held.lexical is None:
            with self._lock:
                if held.lexical is None:
                    held.lexical = BM25(held.chunks)
        return held.lexical

    def query_vectors(self, queries: list[str]) -> PyEmbeddings:
        """The queries' embeddings. The catalogue's use-case queries, the same for every
        company, are embedded once per searcher and kept (a few dozen at most); any other
        query is embedded every time."""
        if self._catalogue is None:
            specs = load_data("use_cases.yaml")["use_cases"].values()
            self._catalogue = frozenset(q for spec in specs for q in spec["query"].values())
        kept = self._kept
        new = [q for q in dict.fromkeys(queries) if q not in kept]
        made = dict(zip(new, self.index.query_vectors(new), strict=True)) if new else {}
        kept.update((q, v) for q, v in made.items() if q in self._catalogue)
        return [kept[q] if q in kept else made[q] for q in queries]

    def _dense(self, queries: list[str], k: int) -> list[list[tuple[StoredChunk, float]]]:
        by_id = self._chunks().by_id
        vectors = self.query_vectors(queries)
        found = self.index.dense_ids_many(queries, k, vectors)
        if any(i not in by_id for row in found for i, _ in row):  # a build published since
            return self.index.dense_search_many(queries, k, vectors)
        return [[(by_id[i], score) for i, score in row] for row in found]

    def ranked_lists(
        self,
        queries: list[str],
        k: int,
        weights: list[float] | None = None,
        dense_queries: list[str] | None = None,
    ) -> list[tuple[float, list[tuple[StoredChunk, float]]]]:
        """The weighted ranked lists (dense and lexical, per query) that fusion combines;
        the dense side searches `dense_queries` where given (one per query)."""
        weights = weights or [1.0] * len(queries)
        lists: list[tuple[float, list[tuple[StoredChunk, float]]]] = []
        if self.use_dense:
            dense = self._dense(dense_queries or queries, k)
            lists += [(DENSE_WEIGHT * w, r) for w, r in zip(weights, dense, strict=True)]
        if self.use_lexical:
            lexical = self._bm25()
            lists += [
                (LEXICAL_WEIGHT * w, lexical.search(q, k))
                for w, q in zip(weights, queries, strict=True)
            ]
        return lists

    def search_chunks(
        self,
        queries: list[str],
        k: int = CANDIDATES_PER_QUERY,
        weights: list[float] | None = None,
        dense_queries: list[str] | None = None,
    ) -> dict[str, _Hit]:
        """Fused score per case over all queries, with the contributing chunks."""
        hits: dict[str, _Hit] = defaultdict(_Hit)
        for weight, ranked in self.ranked_lists(queries, k, weights, dense_queries):
            for rank, (chunk, _) in enumerate(ranked):
                contribution = weight / (RRF_K + rank + 1)
                case_id = str(chunk.metadata.get("case_id", chunk.id.split("#")[0]))
                hit = hits[case_id]
                hit.meta = chunk.metadata
                hit.chunks[chunk.text] = hit.chunks.get(chunk.text, 0.0) + contribution
        for hit in hits.values():
            best = sorted(hit.chunks.values(), reverse=True)[:3]
            hit.score = sum(best)
        return hits


@dataclass(frozen=True)
class SearchQuery:
    """One retrieval query: `text` for BM25, `dense` for the embedder, and its weight."""

    text: str
    dense: str
    weight: float = 1.0


def weighted_queries(assessment: Assessment, plan: Plan | None) -> list[SearchQuery]:
    """The retrieval queries of an assessment, weighted: one per planned use case, plus the
    company's own goals (its words carry the need most precisely).

    Every query's BM25 text ends with the company's sector and subsector. A use case's
    dense query is the catalogue's text alone: the same for every company, so the searcher
    embeds it once (the sector and subsector still count, through BM25 and the boosts;
    relevance is unchanged on evals/retrieval, see docs/retrieval.md)."""
    company = assessment.company
    context = " ".join(filter(None, [company.sector.replace("_", " "), company.subsector or ""]))
    queries: list[SearchQuery] = []
    if plan:
        queries += [SearchQuery(f"{uc.query} {context}".strip(), uc.query) for uc in plan.use_cases]
    if assessment.goals:
        goals = " ".join(assessment.goals) + f" {context}"
        queries.append(SearchQuery(goals, goals, GOALS_QUERY_WEIGHT))
    if not queries:
        fallback = f"intelligenza artificiale {context}"
        queries.append(SearchQuery(fallback, fallback))
    return queries


def queries_for(assessment: Assessment, plan: Plan | None) -> list[str]:
    """The retrieval queries' BM25 texts for an assessment (see `weighted_queries`)."""
    return [q.text for q in weighted_queries(assessment, plan)]


def _split(meta: dict[str, Any], key: str) -> list[str]:
    return [v for v in str(meta.get(key, "")).split(",") if v]


def _reason(
    meta: dict[str, Any], assessment: Assessment, planned: list[str], labels: dict[str, str]
) -> tuple[str, bool]:
    """Why a case was chosen, in the draft's language, and whether it is related to the
    plan: it shares a planned use case, the subsector, or a process area within the sector.
    A case close only in size or in wording is not."""
    language = assessment.language
    parts = []
    shared = [u for u in planned if u in _split(meta, "ai_use_cases")]
    if shared:
        names = ", ".join(labels.get(u, u) for u in shared)
        parts.append(phrase("case_same_use_case", language, names=names))
    # "same sector" is judged at subsector or process level: "manufacturing" says nothing
    subsector = assessment.company.subsector
    areas = {
        load_data("use_cases.yaml")["use_cases"].get(u, {}).get("process_area") for u in planned
    }
    shared_areas = [a for a in _split(meta, "process_areas") if a in areas]
    if subsector and meta.get("subsector") == subsector:
        parts.append(phrase("case_same_subsector", language))
    elif shared_areas and meta.get("sector") == assessment.company.sector:
        names = ", ".join(t("process_areas", a, language) for a in shared_areas)
        parts.append(phrase("case_same_area", language, names=names))
    related = bool(parts)
    if meta.get("size_band") == assessment.company.size_band:
        parts.append(phrase("case_same_size", language))
    if not parts:
        parts.append(phrase("case_close_text", language))
    return "; ".join(parts), related


def related_first(cases: list[RetrievedCase], minimum: int = 2) -> list[RetrievedCase]:
    """The cases related to the plan (see `_reason`), topped up with the best others to
    `minimum`: a draft does not present a case chosen only for the company's size."""
    related = [c for c in cases if c.related]
    others = [c for c in cases if not c.related]
    return related + others[: max(0, minimum - len(related))]


def rank_cases(
    hits: dict[str, _Hit], boost: Callable[[_Hit], float] | None = None
) -> list[tuple[float, str, _Hit]]:
    """The cases of a search as (score, case id, hit), best first: each fused score relative
    to the best one (1.0), times its `boost` when given; ties by case id. Drafts
    (`retrieve_cases`, with metadata boosts), deep dives and the LangChain retriever rank
    with it."""
    top = max((h.score for h in hits.values()), default=1.0) or 1.0
    scored = [
        (hit.score / top * (boost(hit) if boost else 1.0), case_id, hit)
        for case_id, hit in hits.items()
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored


def _boost(
    meta: dict[str, Any], assessment: Assessment, planned: list[str], wanted: list[str]
) -> float:
    """The metadata boost of a case: a use case asked for (else one planned), the same
    sector, size band and subsector."""
    company = assessment.company
    boost = 1.0
    case_use_cases = set(_split(meta, "ai_use_cases"))
    if set(wanted) & case_use_cases:
        boost += BOOST_USE_CASE
    elif set(planned) & case_use_cases:
        boost += BOOST_PLANNED_USE_CASE
    if meta.get("sector") == company.sector:
        boost += BOOST_SECTOR
    if meta.get("size_band") == company.size_band:
        boost += BOOST_SIZE
    if company.subsector and meta.get("subsector") == company.subsector:
        boost += BOOST_SUBSECTOR
    return boost


def _diverse(
    scored: list[tuple[float, str, _Hit]], wanted: list[str], k: int
) -> list[tuple[float, str, _Hit]]:
    """The k best, after first covering each use case the company asked for with its best
    case; best first."""
    chosen: list[tuple[float, str, _Hit]] = []
    for use_case in wanted:
        for item in scored:
            if item not in chosen and use_case in _split(item[2].meta, "ai_use_cases"):
                chosen.append(item)
                break
    for item in scored:
        if len(chosen) >= k:
            break
        if item not in chosen:
            chosen.append(item)
    return sorted(chosen[:k], key=lambda item: (-item[0], item[1]))


def retrieve_cases(
    assessment: Assessment,
    index: CaseIndex,
    plan: Plan | None = None,
    *,
    k: int = 5,
    searcher: HybridSearcher | None = None,
) -> list[RetrievedCase]:
    """The k most relevant case studies for this assessment (and plan), best first."""
    searcher = searcher or HybridSearcher(index)
    weighted = weighted_queries(assessment, plan)
    hits = searcher.search_chunks(
        [q.text for q in weighted],
        weights=[q.weight for q in weighted],
        dense_queries=[q.dense for q in weighted],
    )
    planned = [uc.use_case for uc in plan.use_cases] if plan else []
    wanted = [uc.use_case for uc in plan.use_cases if uc.from_goal] if plan else []
    labels = {uc.use_case: uc.title for uc in plan.use_cases} if plan else {}
    scored = rank_cases(hits, lambda hit: _boost(hit.meta, assessment, planned, wanted))
    out = []
    for score, case_id, hit in _diverse(scored, wanted, k):
        reason, related = _reason(hit.meta, assessment, planned, labels)
        passages = [t for t, _ in sorted(hit.chunks.items(), key=lambda kv: -kv[1])[:2]]
        out.append(
            RetrievedCase(
                id=case_id,
                title=str(hit.meta.get("title", case_id)),
                score=round(score, 4),
                reason=reason,
                path=str(hit.meta.get("path", "")),
                use_cases=_split(hit.meta, "ai_use_cases"),
                sector=str(hit.meta.get("sector", "")),
                size_band=str(hit.meta.get("size_band", "")),
                passages=passages,
                related=related,
            )
        )
    return out


class CaseRetriever(BaseRetriever):
    """A LangChain retriever over the case index: hybrid search for a typed query.

    Returns one `Document` per case (its best sections), with the case metadata.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    k: int = 5

    _searcher: HybridSearcher | None = PrivateAttr(default=None)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[Document]:
        if self._searcher is None:
            self._searcher = HybridSearcher(self.index)
        hits = self._searcher.search_chunks([query])
        docs = []
        for _, case_id, hit in rank_cases(hits)[: k or self.k]:
            best = [t for t, _ in sorted(hit.chunks.items(), key=lambda kv: -kv[1])[:2]]
            meta = {**hit.meta, "case_id": case_id, "score": round(hit.score, 5)}
            meta.pop("section", None)
            docs.append(Document(page_content="\n\n".join(best), metadata=meta, id=case_id))
        return docs
