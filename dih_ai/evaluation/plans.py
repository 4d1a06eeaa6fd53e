"""Plans against reference roadmaps, without writing a draft: which initiatives and use
cases, on which horizon, which goals answered. Fast (no retrieval, no writer), so the planner
can be measured on every change; `dih-ai eval` uses the same matching on whole drafts."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from dih_ai.draft import Initiative
from dih_ai.evaluation.references import assessment_path, load_references
from dih_ai.text import mentions_any

if TYPE_CHECKING:
    from dih_ai.plan import Plan

TITLE_MATCH = 0.6
# What an enabler (an initiative with no use case) is about, read from its title, so that
# "AI literacy for all staff (Article 4)" and "AI literacy and simple AI rules" pair up.
ENABLER_CONCEPTS = {
    "literacy": ["alfabetizzazione", "literacy", "art. 4", "articolo 4", "article 4"],
    "security": [
        "sicurezza",
        "security",
        "cybersicurezza",
        "cybersecurity",
        "cyber",
        "backup",
        "nis2",
        "password",
        "secondo fattore",
        "doppio fattore",
        "two-factor",
        "rete ot",
        "ot network",
        "remote access",
        "accessi remoti",
    ],
    "data": [
        "dati",
        "data",
        "anagrafica",
        "anagrafiche",
        "gestionale",
        "erp",
        "mes",
        "management system",
        "archivio",
        "archive",
        "storico",
        "monitoraggio",
        "registro digitale",
        "sales history",
    ],
    "governance": [
        "governance",
        "strategia",
        "strategy",
        "referente",
        "owner",
        "regole d'uso",
        "rules of use",
        "policy",
        "inventario",
        "register",
        "obiettivi",
        "budget",
    ],
    "skills": ["competenze", "skills", "corso", "course", "training", "formazione"],
}


class PlanScores(BaseModel):
    """Plan agreement of one reference case (0-1; `cost_high_eur` in euros)."""

    name: str
    size_band: str
    initiative_f1: float
    use_case_f1: float
    horizon_agreement: float
    use_case_horizon_agreement: float
    goal_coverage: float
    cost_high_eur: int


def f1(p: float, r: float) -> float:
    """The harmonic mean of precision and recall."""
    return 2 * p * r / (p + r) if p + r else 0.0


def precision_recall(found: set[str], wanted: set[str]) -> tuple[float, float]:
    """Precision and recall of `found` against `wanted` (both 1 when both are empty)."""
    if not found and not wanted:
        return 1.0, 1.0
    hit = len(found & wanted)
    return (hit / len(found) if found else 0.0), (hit / len(wanted) if wanted else 0.0)


def match_initiatives(
    draft: list[Initiative], reference: list[Initiative]
) -> list[tuple[Initiative, Initiative]]:
    """Pairs (draft, reference): same use-case tag first, then enablers about the same
    things (literacy, security, data, governance, skills) or titles that read alike."""
    pairs: list[tuple[Initiative, Initiative]] = []
    left, right = list(draft), list(reference)
    for d in list(left):
        if d.use_case is None:
            continue
        other = next((r for r in right if r.use_case == d.use_case), None)
        if other:
            pairs.append((d, other))
            left.remove(d)
            right.remove(other)
    scored = sorted(
        ((_alike(d, r), i, j) for i, d in enumerate(left) for j, r in enumerate(right)),
        reverse=True,
    )
    used_l: set[int] = set()
    used_r: set[int] = set()
    for score, i, j in scored:
        if score < TITLE_MATCH:
            break
        if i in used_l or j in used_r:
            continue
        pairs.append((left[i], right[j]))
        used_l.add(i)
        used_r.add(j)
    return pairs


def enabler_concepts(title: str) -> set[str]:
    """What an enabler's title is about (see ENABLER_CONCEPTS)."""
    return {c for c, words in ENABLER_CONCEPTS.items() if mentions_any(title, words)}


def _alike(draft: Initiative, reference: Initiative) -> float:
    """How alike two initiatives without a shared use case are: the same concepts (for two
    enablers: the share of concepts in common, from 0.6 up), else title similarity."""
    ratio = difflib.SequenceMatcher(None, draft.title.lower(), reference.title.lower()).ratio()
    if draft.use_case or reference.use_case:
        return ratio
    a, b = enabler_concepts(draft.title), enabler_concepts(reference.title)
    if not a & b:
        return ratio
    return max(ratio, TITLE_MATCH + 0.4 * len(a & b) / len(a | b))


def score_plan(name: str, size_band: str, plan: Plan, reference: list[Initiative]) -> PlanScores:
    """Plan agreement of one plan with its reference's initiatives."""
    pairs = match_initiatives(plan.initiatives, reference)
    p = len(pairs) / len(plan.initiatives) if plan.initiatives else 0.0
    r = len(pairs) / len(reference) if reference else 0.0
    uc_p, uc_r = precision_recall(
        {i.use_case for i in plan.initiatives if i.use_case},
        {i.use_case for i in reference if i.use_case},
    )
    use_case_pairs = [(d, x) for d, x in pairs if d.use_case]
    goals = plan.goals
    return PlanScores(
        name=name,
        size_band=size_band,
        initiative_f1=round(f1(p, r), 4),
        use_case_f1=round(f1(uc_p, uc_r), 4),
        horizon_agreement=_agreement(pairs),
        use_case_horizon_agreement=_agreement(use_case_pairs),
        goal_coverage=round(sum(bool(g.initiatives) for g in goals) / len(goals), 4)
        if goals
        else 1.0,
        cost_high_eur=sum(i.cost_eur[1] for i in plan.initiatives if i.cost_eur),
    )


def _agreement(pairs: list[tuple[Initiative, Initiative]]) -> float:
    return round(sum(d.horizon == x.horizon for d, x in pairs) / len(pairs), 4) if pairs else 0.0


def evaluate_plans(folder: Path, as_of: dt.date | None = None) -> list[PlanScores]:
    """Plan every reference case in `folder` (pseudonymised, as a model would see it) on
    its reference's drafting date (or `as_of`) and score it against the reference."""
    from dih_ai.assessment.load import load_assessment
    from dih_ai.knowledge import drafting_date
    from dih_ai.plan import make_plan
    from dih_ai.privacy import Pseudonymiser

    out = []
    for case in load_references(folder):
        assessment = load_assessment(assessment_path(Path(case.folder)))
        safe = Pseudonymiser(assessment.company).scrub_assessment(assessment)
        day = as_of or drafting_date(case.reference.generated_by.get("as_of"))
        plan = make_plan(safe, as_of=day)
        out.append(
            score_plan(case.name, assessment.company.size_band, plan, case.reference.initiatives)
        )
    return out


def mean_scores(scores: list[PlanScores]) -> dict[str, float]:
    """The mean of every metric over the cases."""
    fields = [f for f in PlanScores.model_fields if f not in ("name", "size_band")]
    return {f: round(sum(getattr(s, f) for s in scores) / len(scores), 4) for f in fields}
