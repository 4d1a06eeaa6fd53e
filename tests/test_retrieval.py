"""Retrieval for an assessment: relevant, diverse, explained; and the LangChain retriever."""

from __future__ import annotations

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from dih_ai.plan import make_plan
from dih_ai.retrieval import (
    CaseRetriever,
    HybridSearcher,
    queries_for,
    retrieve_cases,
    tokenize,
    weighted_queries,
)


def test_meccanica_gets_the_cases_a_consultant_would_cite(meccanica, workspace) -> None:
    plan = make_plan(meccanica)
    cases = retrieve_cases(meccanica, workspace.index, plan, k=5)
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)) == 5
    assert "cs-torneria-cnc-predittiva" in ids  # predictive maintenance, metalworking, small
    wanted = {u.use_case for u in plan.use_cases if u.from_goal}
    assert wanted == {"predictive_maintenance", "visual_inspection"}
    for use_case in wanted:  # every use case the company asked for is covered by a case
        assert any(use_case in c.use_cases for c in cases), use_case
    torneria = next(c for c in cases if c.id == "cs-torneria-cnc-predittiva")
    assert "stesso caso d'uso (Manutenzione predittiva)" in torneria.reason
    # "same sector" is judged at subsector (or process) level, not merely "manufacturing"
    assert "stesso sottosettore" in torneria.reason
    assert "stessa classe dimensionale" in torneria.reason
    assert [c.score for c in cases] == sorted((c.score for c in cases), reverse=True)


def test_english_assessment_reasons_in_english(food, workspace) -> None:
    cases = retrieve_cases(food, workspace.index, make_plan(food), k=3)
    assert cases[0].id == "cs-agri-pastificio-essiccazione"
    assert cases[0].reason.startswith("same use case")


def test_queries_come_from_the_assessment_and_plan(meccanica) -> None:
    queries = queries_for(meccanica, make_plan(meccanica))
    assert any("manutenzione predittiva" in q for q in queries)
    assert any("ridurre i fermi macchina" in q for q in queries)


def test_tokenizer_folds_accents_and_light_stems() -> None:
    assert tokenize("Qualità della PRODUZIONE") == ["qualit", "produzion"]


@pytest.mark.parametrize(("dense", "lexical"), [(True, False), (False, True)])
def test_single_sided_search_still_works(meccanica, workspace, dense, lexical) -> None:
    searcher = HybridSearcher(workspace.index, dense=dense, lexical=lexical)
    cases = retrieve_cases(meccanica, workspace.index, make_plan(meccanica), k=5, searcher=searcher)
    assert len(cases) == 5


def test_dense_side_resolves_ids_to_the_chunks_chroma_would_return(workspace) -> None:
    """The dense side asks Chroma for ids and similarities only and takes the chunks from
    the searcher's memory: the same chunks, in the same order, with the same scores."""
    queries = ["manutenzione predittiva dei torni CNC", "demand forecasting for fresh pasta"]
    searcher = HybridSearcher(workspace.index)
    fast = searcher._dense(queries, 10)
    full = workspace.index.dense_search_many(queries, 10)
    assert [[(c.id, c.text, c.metadata) for c, _ in row] for row in fast] == [
        [(c.id, c.text, c.metadata) for c, _ in row] for row in full
    ]
    assert [s for row in fast for _, s in row] == pytest.approx([s for row in full for _, s in row])
    searcher._chunks().by_id.pop(full[0][0][0].id)  # a build published since: full read
    assert [[c.id for c, _ in row] for row in searcher._dense(queries, 10)] == [
        [c.id for c, _ in row] for row in full
    ]


def test_use_case_queries_are_embedded_once_company_queries_every_time(
    meccanica, workspace, monkeypatch
) -> None:
    """The dense side of a use case reads the catalogue's query text alone, the same for
    every company: the searcher embeds it once. The goals query is the company's own words,
    embedded on every search; the BM25 side keeps the sector and subsector."""
    plan = make_plan(meccanica)
    queries = weighted_queries(meccanica, plan)
    goals = queries[-1]
    assert goals.weight > 1 and goals.dense == goals.text
    assert "ridurre i fermi macchina" in goals.dense
    for query, use_case in zip(queries, plan.use_cases, strict=False):
        assert query.dense == use_case.query
        assert query.text.startswith(use_case.query) and meccanica.company.sector in query.text
    embedded: list[str] = []
    real = workspace.index.query_vectors
    monkeypatch.setattr(
        workspace.index, "query_vectors", lambda texts: embedded.extend(texts) or real(texts)
    )
    searcher = HybridSearcher(workspace.index)
    first = retrieve_cases(meccanica, workspace.index, plan, searcher=searcher)
    assert embedded == [q.dense for q in queries]
    embedded.clear()
    again = retrieve_cases(meccanica, workspace.index, plan, searcher=searcher)
    assert embedded == [goals.dense]
    assert [(c.id, c.score) for c in again] == [(c.id, c.score) for c in first]


class TestCaseRetriever(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _index(self, workspace) -> None:
        self._workspace = workspace

    @property
    def retriever_constructor(self) -> type[CaseRetriever]:
        return CaseRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"index": self._workspace.index}

    @property
    def retriever_query_example(self) -> str:
        return "manutenzione predittiva dei torni CNC"


def test_sparse_bm25_scores_are_rank_bm25s(workspace) -> None:
    """The sparse BM25 gives BM25Okapi's scores, bit for bit, and the same ranking."""
    import numpy as np
    from rank_bm25 import BM25Okapi

    from dih_ai.lexical import BM25

    chunks = workspace.index.all_chunks()
    ours = BM25(chunks)
    reference = BM25Okapi([tokenize(c.text) for c in chunks])
    for query in (
        "manutenzione predittiva torni CNC vibrazioni",
        "demand forecasting pasta bakery",
        "visione artificiale controllo qualità difetti visione",  # a repeated term
        "parola-inesistente",
    ):
        expected = reference.get_scores(tokenize(query))
        assert np.array_equal(ours.scores(query), expected), query
        order = sorted(range(len(expected)), key=lambda i: -expected[i])[:10]
        top = [(chunks[i].id, float(expected[i])) for i in order if expected[i] > 0]
        assert [(c.id, s) for c, s in ours.search(query, 10)] == top


def test_a_draft_does_not_present_a_case_chosen_only_for_its_size() -> None:
    from dih_ai.retrieval import RetrievedCase, related_first

    def case(id_: str, related: bool) -> RetrievedCase:
        return RetrievedCase(id=id_, title=id_, score=1.0, reason="", related=related)

    found = [case("a", True), case("size-only", False), case("b", True), case("text", False)]
    assert [c.id for c in related_first(found)] == ["a", "b"]
    # too few related cases: topped up with the best others, so a draft always shows two
    assert [c.id for c in related_first([case("x", False), case("y", False)])] == ["x", "y"]
