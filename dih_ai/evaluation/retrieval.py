"""Retrieval quality: recall@k and nDCG@k of hybrid, dense-only and BM25-only retrieval
against a relevance set (`evals/retrieval/`: assessments plus graded consultant judgments).

All three arms run the same pipeline (queries from the assessment and its plan, metadata
boosts, diverse selection); only the search signal differs.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from dih_ai.assessment.load import load_assessments
from dih_ai.errors import InputError, Problem
from dih_ai.index import CaseIndex
from dih_ai.plan import make_plan
from dih_ai.retrieval import HybridSearcher, retrieve_cases

ARMS: dict[str, tuple[bool, bool]] = {
    "hybrid": (True, True),
    "dense": (True, False),
    "bm25": (False, True),
}


class QueryResult(BaseModel):
    """One query's ranking and scores for one arm."""

    company_id: str
    ranked: list[str]
    recall: float
    ndcg: float


class ArmResult(BaseModel):
    """Averages and per-query results of one arm."""

    arm: str
    recall: float
    ndcg: float
    queries: list[QueryResult] = Field(default_factory=list)


class RetrievalReport(BaseModel):
    """The retrieval evaluation: one entry per arm."""

    k: int
    queries: int
    arms: list[ArmResult]

    def arm(self, name: str) -> ArmResult:
        """The result of one arm."""
        return next(a for a in self.arms if a.arm == name)

    def table(self) -> str:
        """A small text table for people."""
        lines = [f"{'arm':<8} recall@{self.k}  nDCG@{self.k}   ({self.queries} queries)"]
        lines += [f"{a.arm:<8} {a.recall:9.3f}  {a.ndcg:7.3f}" for a in self.arms]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "```\n" + self.table() + "\n```\n"


def recall_at(ranked: list[str], grades: dict[str, int], k: int) -> float:
    """Share of the relevant cases (grade >= 1) found in the first k."""
    relevant = {case for case, grade in grades.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int) -> float:
    """Normalised discounted cumulative gain with graded gains 2^grade - 1."""

    def dcg(gains: list[int]) -> float:
        return float(sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k])))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(case, 0) for case in ranked]) / ideal if ideal else 0.0


def load_relevance_set(folder: Path) -> tuple[list[Any], dict[str, dict[str, int]]]:
    """The assessments and the judgments of a relevance set folder."""
    qrels_path = folder / "qrels.yaml"
    if not qrels_path.is_file():
        raise InputError([Problem(str(qrels_path), "", "relevance judgments not found")])
    judgments = (yaml.safe_load(qrels_path.read_text(encoding="utf-8")) or {}).get("judgments")
    if not isinstance(judgments, dict):
        raise InputError([Problem(str(qrels_path), "judgments", "expected a mapping")])
    loaded = load_assessments([folder / "assessments"])
    if loaded.problems:
        raise InputError(loaded.problems)
    by_id = {a.assessment.company.id: a.assessment for a in loaded.assessments}
    missing = sorted(set(judgments) - set(by_id))
    if missing:
        raise InputError(
            [
                Problem(str(qrels_path), f"judgments.{m}", "no assessment file for this company")
                for m in missing
            ]
        )
    return [by_id[c] for c in sorted(judgments)], judgments


def evaluate_retrieval(
    folder: Path | None = None, index: CaseIndex | None = None, k: int = 5
) -> RetrievalReport:
    """Run every arm over every query of the relevance set in `folder` (default: the bundled
    `evals/retrieval`), on `index` (default: the bundled corpus in the embedded index)."""
    if folder is None:
        from dih_ai.resources import bundled_dir

        folder = bundled_dir("evals") / "retrieval"
    if index is None:
        from dih_ai.pipeline import Workspace

        index = Workspace.open().index
    assessments, judgments = load_relevance_set(folder)
    known = {c.metadata.get("case_id") for c in index.all_chunks()}
    unknown = sorted({case for grades in judgments.values() for case in grades} - known)
    if unknown:
        raise InputError(
            [
                Problem(
                    str(folder / "qrels.yaml"),
                    "judgments",
                    f"cases not in the index: {', '.join(unknown)}",
                )
            ]
        )
    arms = []
    plans = {a.company.id: make_plan(a) for a in assessments}
    for name, (dense, lexical) in ARMS.items():
        searcher = HybridSearcher(index, dense=dense, lexical=lexical)
        results = []
        for assessment in assessments:
            ranked = [
                c.id
                for c in retrieve_cases(
                    assessment, index, plans[assessment.company.id], k=k, searcher=searcher
                )
            ]
            grades = judgments[assessment.company.id]
            results.append(
                QueryResult(
                    company_id=assessment.company.id,
                    ranked=ranked,
                    recall=recall_at(ranked, grades, k),
                    ndcg=ndcg_at(ranked, grades, k),
                )
            )
        arms.append(
            ArmResult(
                arm=name,
                recall=round(sum(r.recall for r in results) / len(results), 4),
                ndcg=round(sum(r.ndcg for r in results) / len(results), 4),
                queries=results,
            )
        )
    return RetrievalReport(k=k, queries=len(assessments), arms=arms)
