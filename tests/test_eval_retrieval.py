"""Retrieval evaluation: metrics are right, and hybrid beats dense-only and BM25-only."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dih_ai.errors import InputError
from dih_ai.evaluation.retrieval import evaluate_retrieval, ndcg_at, recall_at
from dih_ai.resources import bundled_dir


def test_recall_and_ndcg() -> None:
    grades = {"a": 2, "b": 1, "c": 1}
    assert recall_at(["a", "x", "b"], grades, 5) == pytest.approx(2 / 3)
    assert recall_at(["x", "y"], grades, 5) == 0
    assert ndcg_at(["a", "b", "c"], grades, 5) == pytest.approx(1.0)
    ideal = 3 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(["x", "a"], grades, 5) == pytest.approx((3 / math.log2(3)) / ideal)


def test_relevance_set_has_enough_queries() -> None:
    import yaml

    qrels = yaml.safe_load((bundled_dir("evals") / "retrieval" / "qrels.yaml").read_text())
    judgments = qrels["judgments"]
    assert len(judgments) >= 20
    assert all(any(g == 2 for g in grades.values()) for grades in judgments.values())


def test_hybrid_beats_dense_and_bm25(workspace) -> None:
    report = evaluate_retrieval(bundled_dir("evals") / "retrieval", workspace.index, k=5)
    hybrid, dense, bm25 = (report.arm(n) for n in ("hybrid", "dense", "bm25"))
    assert report.queries >= 20
    assert hybrid.recall > max(dense.recall, bm25.recall)
    assert hybrid.ndcg > max(dense.ndcg, bm25.ndcg)


def test_bad_relevance_set_is_a_clear_error(tmp_path: Path, workspace) -> None:
    with pytest.raises(InputError, match="relevance judgments not found"):
        evaluate_retrieval(tmp_path, workspace.index)
