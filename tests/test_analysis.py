"""Readiness analysis: score formula, gates with reasons, ranked gaps, T0/T1 change."""

from __future__ import annotations

import pytest

from dih_ai.analysis import analyse, dma_band, dma_change, metrics


def test_meccanica_readiness_follows_the_documented_formula(meccanica) -> None:
    r = analyse(meccanica)
    # components (docs/analysis.md): 18*.20 + 30*.15 + 55*.10 + 40*.10
    #   + data (mean level 17/9=1.889 -> (1.9-1)/4*100=22.5)*.30 + cyber core (50+20+40)/3=36.7*.15
    expected = (18 * 0.20 + 30 * 0.15 + 55 * 0.10 + 40 * 0.10 + 22.5 * 0.30 + 36.7 * 0.15) / 1.0
    assert r.ai_readiness == round(expected)
    assert r.level == "not_ready"
    assert r.dma_overall == 37.7 and r.dma_band == "average"


def test_gates_pass_or_fail_with_readable_reasons(meccanica) -> None:
    gates = {g.id: g for g in analyse(meccanica).gates}
    assert set(gates) == {"data", "cybersecurity", "skills", "strategy"}
    assert (
        not gates["data"].passed
        and "qualità dei dati a 2/5 (minimo richiesto 3)" in gates["data"].reason
    )
    assert (
        not gates["cybersecurity"].passed
        and "rilevamento (detect) a 20/100" in gates["cybersecurity"].reason
    )
    assert gates["skills"].passed and gates["skills"].reason.startswith("Requisiti soddisfatti")
    assert not gates["strategy"].passed


def test_missing_assessments_use_fallbacks_or_fail_as_not_assessed(food) -> None:
    r = analyse(food)  # English, no cybersecurity, no data-for-AI
    gates = {g.id: g for g in r.gates}
    assert (
        gates["data"].passed
        and "data management and connectedness at 52/100" in gates["data"].reason
    )
    assert not gates["cybersecurity"].passed and gates["cybersecurity"].reason.startswith(
        "not assessed"
    )
    present = [c for c in r.components if c.value is not None]
    assert {c.id for c in present} == {"automation_ai", "data_management", "strategy", "people"}
    expected = (30 * 0.20 + 52 * 0.15 + 60 * 0.10 + 45 * 0.10) / (0.20 + 0.15 + 0.10 + 0.10)
    assert r.ai_readiness == round(expected)


def test_gaps_are_ranked_and_goals_raise_priority(meccanica) -> None:
    gaps = analyse(meccanica).gaps
    assert [g.priority for g in gaps] == sorted((g.priority for g in gaps), reverse=True)
    assert gaps[0].metric == "dma.automation_ai"
    boosted = meccanica.model_copy(update={"goals": ["più sicurezza informatica (NIS2)"]})
    top = analyse(boosted).gaps[0]
    assert top.metric == "cyber.detect" and top.matches_goal
    assert "collegata agli obiettivi" in top.reason


def test_keywords_match_words_not_fragments(food) -> None:
    # "forecasting" must not match the "casting" keyword of foundry process optimisation
    from dih_ai.text import mentions

    assert not mentions("demand forecasting", "casting")
    assert mentions("Ridurre i fermi macchina", "fermi")
    assert not mentions("maintenance", "ai")


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "basic"),
        (25, "basic"),
        (25.5, "average"),
        (50, "average"),
        (51, "moderately_advanced"),
        (76, "advanced"),
        (100, "advanced"),
    ],
)
def test_dma_bands(score: float, band: str) -> None:
    assert dma_band(score) == band


def test_t0_t1_change_per_dimension(meccanica) -> None:
    scores = meccanica.dma.scores.model_copy(
        update={"automation_ai": 38.0, "data_management": 45.0}
    )
    t1 = meccanica.model_copy(
        update={"dma": meccanica.dma.model_copy(update={"stage": "T1", "scores": scores})}
    )
    change = dma_change(meccanica, t1)
    assert change["automation_ai"] == 20 and change["data_management"] == 15
    assert change["digital_readiness"] == 0
    assert change["overall"] == round(
        metrics(t1)["dma.overall"] - metrics(meccanica)["dma.overall"], 1
    )
