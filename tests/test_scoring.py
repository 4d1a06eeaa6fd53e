"""Scores from raw questionnaire answers (DMA module 2, data management for AI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dih_ai.analysis import analyse
from dih_ai.assessment.load import load_assessments
from dih_ai.assessment.models import DMA
from dih_ai.assessment.scoring import (
    data_levels_from_answers,
    dma_scores_from_answers,
    hub_extra_problems,
)
from dih_ai.resources import load_data


def all_answers(top: bool) -> dict:
    """Every module-2 question answered at its top (or bottom) value."""
    out = {}
    for questions in load_data("dma_questions.yaml")["dimensions"].values():
        for q in questions:
            if q["kind"] == "scale":
                out[q["id"]] = dict.fromkeys(q["items"], 5 if top else 0)
            else:
                pick = max if top else min
                out[q["id"]] = dict.fromkeys(q["items"], pick(q["values"], key=q["values"].get))
    return out


def test_module_2_has_the_official_shape() -> None:
    """SME module 2: eleven questions M2.1.1-M2.6.11; Automation & AI is ONE question (five
    technology families on 0-5); the hub's practices question is outside the DMA."""
    spec = load_data("dma_questions.yaml")
    refs = [q["ref"] for qs in spec["dimensions"].values() for q in qs]
    assert refs == [
        f"M2.{d}.{n}"
        for d, n in [
            (1, 1),
            (1, 2),
            (2, 3),
            (2, 4),
            (3, 5),
            (3, 6),
            (4, 7),
            (4, 8),
            (5, 9),
            (6, 10),
            (6, 11),
        ]
    ]
    (aai,) = spec["dimensions"]["automation_ai"]
    assert aai["kind"] == "scale" and aai["items"] == [
        "nlp",
        "computer_vision",
        "audio_speech",
        "robotics_autonomous",
        "bi_analytics_decision",
    ]
    sizes = {q["id"]: len(q["items"]) for qs in spec["dimensions"].values() for q in qs}
    assert sizes == {
        "dbs_investments": 10,
        "dbs_readiness": 10,
        "dr_basic_technologies": 10,
        "dr_advanced_technologies": 7,
        "hcd_upskilling": 7,
        "hcd_engagement": 8,
        "dm_management": 8,
        "dm_security": 6,
        "aai_technologies": 5,
        "gd_uses": 10,
        "gd_practices": 5,
    }
    assert [q["id"] for q in spec["hub_extra"]] == ["aai_practices"]
    for key in ("source", "checked_on", "review_by"):
        assert spec[key]


def test_dma_scoring_rule() -> None:
    top, problems = dma_scores_from_answers(all_answers(top=True))
    assert problems == [] and set(top.values()) == {100.0}
    bottom, _ = dma_scores_from_answers(all_answers(top=False))
    assert set(bottom.values()) == {0.0}
    # Digital business strategy: every tick counts 1/30 (20 area ticks + 10 readiness).
    answers = all_answers(top=False)
    areas = load_data("dma_questions.yaml")["dimensions"]["digital_business_strategy"][0]["items"]
    answers["dbs_investments"] = dict.fromkeys(areas[:4], "invested")
    ready = load_data("dma_questions.yaml")["dimensions"]["digital_business_strategy"][1]["items"]
    answers["dbs_readiness"] = dict.fromkeys(ready[:5], True)  # YAML's yes reads as True
    scores, problems = dma_scores_from_answers(answers)
    assert problems == []
    assert scores["digital_business_strategy"] == round((4 + 5) / 30 * 100, 1)
    # Version-1 files said `done` for "already invested": same score.
    answers["dbs_investments"] = dict.fromkeys(areas[:4], "done")
    assert dma_scores_from_answers(answers)[0]["digital_business_strategy"] == 30.0


# A worked example, computed by hand from the method the sources give:
#   EDIH network, "Interpretation of DMA scores for SMEs and PSOs"
#     https://european-digital-innovation-hubs.ec.europa.eu/mk/node/9616
#     (overall = average of the six dimensions; bands 0-25/26-50/51-75/76-100)
#   per-question scoring as in the public SME implementation
#     https://github.com/MarkusFrBoden/masterproject
#     (src/components/functions/EuResultsCalulation.ts; see dma_questions.yaml: not an
#     official JRC text)
# Each question is normalised to 0-1; a dimension is the weighted mean x 100 (weights 1,
# except the business areas M2.1.1: 2, i.e. every tick of the 30 counts the same).
WORKED_ANSWERS = {
    # M2.1.1 ticks: planned 5 (product_design, project_planning, inbound_logistics,
    # marketing_sales, security_compliance) + invested 5 (product_design, operations,
    # marketing_sales, delivery, admin_hr) = 10 of 20
    "dbs_investments": {
        "product_design": "both",
        "project_planning": "planned",
        "operations": "invested",
        "value_chain_collaboration": "no",
        "inbound_logistics": "planned",
        "marketing_sales": "both",
        "delivery": "invested",
        "admin_hr": "invested",
        "security_compliance": "planned",
    },
    # M2.1.2: 6 of 10
    "dbs_readiness": {
        "needs_identified": "yes",
        "financial_resources": "yes",
        "it_infrastructure": "yes",
        "management_commitment": "yes",
        "staff_adaptability": "yes",
        "risk_aware": "yes",
        "ict_staff": "no",
    },
    # M2.2.3: 7 of 10
    "dr_basic_technologies": {
        "connectivity": "yes",
        "website": "yes",
        "web_forms": "yes",
        "ecommerce": "yes",
        "emarketing": "yes",
        "remote_collaboration": "yes",
        "crm_erp": "yes",
    },
    # M2.2.4: 0+0+5+3+4+0+2 = 14 of 35
    "dr_advanced_technologies": {
        "digital_twin": 0,
        "vr_ar": 0,
        "cad_cam": 5,
        "mes": 3,
        "iot_iiot": 4,
        "blockchain": 0,
        "additive": 2,
    },
    # M2.3.5: 3 of 7
    "hcd_upskilling": {"training_plan": "yes", "short_courses": "yes", "external_training": "yes"},
    # M2.3.6: 4 of 8
    "hcd_engagement": {
        "awareness": "yes",
        "transparent_communication": "yes",
        "flexible_work": "yes",
        "support_team": "yes",
    },
    # M2.4.7: 5 of 8
    "dm_management": {
        "stored_digitally": "yes",
        "integration": "yes",
        "accessibility": "yes",
        "analytics_use": "yes",
        "self_service_analytics": "yes",
    },
    # M2.4.8: 4 of 6
    "dm_security": {
        "security_policy": "yes",
        "client_data_protection": "yes",
        "backup": "yes",
        "continuity_plan": "yes",
    },
    # M2.5.9: 2+4+0+1+5 = 12 of 25
    "aai_technologies": {
        "nlp": 2,
        "computer_vision": 4,
        "audio_speech": 0,
        "robotics_autonomous": 1,
        "bi_analytics_decision": 5,
    },
    # M2.6.10: 3 of 10
    "gd_uses": {"paperless": "yes", "resource_efficiency": "yes", "transport_optimisation": "yes"},
    # M2.6.11: partially 0.5 + yes 1 + no 0 + partially 0.5 + partially 0.5 = 2.5 of 5
    "gd_practices": {
        "digital_strategy": "partially",
        "environmental_management": "yes",
        "green_procurement": "no",
        "energy_aware_ict": "partially",
        "ict_end_of_life": "partially",
    },
}
# By hand:
#   digital business strategy  (2 x 10/20 + 1 x 6/10) / 3 x 100 = (1.0 + 0.6) / 3 x 100
#                              = 53.33 -> 53.3   (the same as 16 ticks / 30 x 100)
#   digital readiness          (7/10 + 14/35) / 2 x 100 = (0.7 + 0.4) / 2 x 100 = 55.0
#   human-centric              (3/7 + 4/8) / 2 x 100 = (0.4286 + 0.5) / 2 x 100 = 46.43 -> 46.4
#   data management            (5/8 + 4/6) / 2 x 100 = (0.625 + 0.6667) / 2 x 100 = 64.58 -> 64.6
#   automation & AI            12/25 x 100 = 48.0   (one question only)
#   green digitalisation       (3/10 + 2.5/5) / 2 x 100 = (0.3 + 0.5) / 2 x 100 = 40.0
#   overall                    (53.3 + 55.0 + 46.4 + 64.6 + 48.0 + 40.0) / 6 = 307.3 / 6
#                              = 51.22 -> 51.2: band "moderately advanced" (51-75)
WORKED_SCORES = {
    "digital_business_strategy": 53.3,
    "digital_readiness": 55.0,
    "human_centric_digitalisation": 46.4,
    "data_management": 64.6,
    "automation_ai": 48.0,
    "green_digitalisation": 40.0,
}


def test_worked_example_by_hand() -> None:
    scores, problems = dma_scores_from_answers(WORKED_ANSWERS)
    assert problems == []
    assert scores == WORKED_SCORES
    dma = DMA.model_validate({"stage": "T0", "answers": WORKED_ANSWERS})
    assert dma.scores.model_dump() == WORKED_SCORES


def test_worked_example_overall_and_band(examples: Path) -> None:
    data = json.loads(
        json.dumps(yaml.safe_load((examples / "officina-meccanica.yaml").read_text()), default=str)
    )
    data["dma"] = {"stage": "T0", "answers": WORKED_ANSWERS}
    data.pop("data_for_ai", None)
    from dih_ai.assessment.models import Assessment

    readiness = analyse(Assessment.model_validate(data))
    assert readiness.dma_overall == 51.2 and readiness.dma_band == "moderately_advanced"


def test_hub_extra_answers_never_change_the_dma_score() -> None:
    base = DMA.model_validate({"stage": "T0", "answers": WORKED_ANSWERS}).scores
    items = load_data("dma_questions.yaml")["hub_extra"][0]["items"]
    for value in ("yes", "no"):
        extra = {"aai_practices": dict.fromkeys(items, value)}
        with_extra = DMA.model_validate(
            {"stage": "T0", "answers": WORKED_ANSWERS, "hub_extra": extra}
        )
        assert with_extra.scores == base and with_extra.hub_extra == extra
        # a version-1 file with the question among the module-2 answers: moved, not scored
        legacy = DMA.model_validate({"stage": "T0", "answers": {**WORKED_ANSWERS, **extra}})
        assert legacy.scores == base and legacy.hub_extra == extra
        assert "aai_practices" not in (legacy.answers or {})
        assert dma_scores_from_answers({**WORKED_ANSWERS, **extra}) == (WORKED_SCORES, [])


def test_hub_extra_problems_have_paths() -> None:
    assert hub_extra_problems({"aai_practices": {"pilot_run": "someday"}, "x": {}}) == [
        ("dma.hub_extra.aai_practices.pilot_run", "'someday' is not one of yes, partially, no"),
        ("dma.hub_extra.x", "unknown hub extra question; see dma_questions.yaml"),
    ]
    with pytest.raises(ValueError, match="given twice"):
        DMA.model_validate(
            {
                "stage": "T0",
                "answers": {**WORKED_ANSWERS, "aai_practices": {}},
                "hub_extra": {"aai_practices": {}},
            }
        )


def test_dma_answer_problems_have_paths() -> None:
    answers = all_answers(top=False)
    answers["dr_advanced_technologies"]["mes"] = 7
    answers["dbs_investments"]["sales_x"] = "invested"
    answers["hcd_upskilling"]["training_plan"] = "maybe"
    answers["dbs_investments"]["operations"] = ["planned"]
    del answers["gd_uses"]
    _, problems = dma_scores_from_answers(answers)
    paths = {p for p, _ in problems}
    assert paths == {
        "dma.answers.dr_advanced_technologies.mes",
        "dma.answers.dbs_investments.sales_x",
        "dma.answers.dbs_investments.operations",
        "dma.answers.hcd_upskilling.training_plan",
        "dma.answers.gd_uses",
    }


def test_answers_or_scores_in_the_model() -> None:
    dma = DMA.model_validate({"stage": "T0", "answers": all_answers(top=True)})
    assert dma.scores.automation_ai == 100
    with pytest.raises(ValueError, match="disagrees with 100"):
        DMA.model_validate(
            {
                "stage": "T0",
                "answers": all_answers(top=True),
                "scores": {**dma.scores.model_dump(), "automation_ai": 40},
            }
        )


def test_data_for_ai_levels_from_answers() -> None:
    questions = [
        q for d in load_data("data_for_ai.yaml")["dimensions"].values() for q in d["questions"]
    ]
    answers = {q["id"]: 3 for q in questions}
    levels, scores, problems = data_levels_from_answers(answers)
    assert problems == [] and set(levels.values()) == {3} and scores["overall"] == 50.0
    answers["dc_machines"], answers["dc_systems"] = 5, 2  # weights 2 and 1: (100*2+25)/3 = 75
    levels, scores, _ = data_levels_from_answers(answers)
    assert scores["data_collection"] == 75.0 and levels["data_collection"] == 4
    answers["dq_rules"] = 9
    assert data_levels_from_answers(answers)[2] == [
        ("data_for_ai.answers.dq_rules", "9: expected a whole number 1-5")
    ]


def test_assessment_file_with_answers_only(tmp_path: Path, examples: Path) -> None:
    data = json.loads(
        json.dumps(yaml.safe_load((examples / "officina-meccanica.yaml").read_text()), default=str)
    )
    del data["dma"]["scores"]
    data["dma"]["answers"] = all_answers(top=True)
    questions = [
        q for d in load_data("data_for_ai.yaml")["dimensions"].values() for q in d["questions"]
    ]
    data["data_for_ai"] = {"answers": {q["id"]: 2 for q in questions}}
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data))
    result = load_assessments([path])
    assert result.problems == []
    assessment = result.assessments[0].assessment
    assert assessment.data_for_ai.levels.data_quality == 2
    assert analyse(assessment).components  # analysis runs on computed values

    data["dma"]["hub_extra"] = {"aai_practices": {"pilot_run": "someday"}}
    path.write_text(yaml.safe_dump(data))
    problems = [str(p) for p in load_assessments([path]).problems]
    assert problems == [
        f"{path}: dma.hub_extra.aai_practices.pilot_run: 'someday' is not one of yes, partially, no"
    ]


def test_t0_and_t1_of_one_company_pair_up(tmp_path: Path, examples: Path, workspace) -> None:
    t0 = yaml.safe_load((examples / "officina-meccanica.yaml").read_text())
    t1 = json.loads(json.dumps(t0, default=str))
    t1["dma"]["stage"] = "T1"
    t1["assessment_date"] = "2026-03-10"
    t1["dma"]["scores"]["automation_ai"] = 38
    (tmp_path / "t0.yaml").write_text(yaml.safe_dump(t0))
    (tmp_path / "t1.yaml").write_text(yaml.safe_dump(t1))
    result = load_assessments([tmp_path])
    assert result.problems == [] and len(result.assessments) == 2
    later = next(a.assessment for a in result.assessments if a.assessment.dma.stage == "T1")
    baseline = result.baseline_for(later)
    assert baseline is not None and baseline.dma.stage == "T0"
    readiness = analyse(later, baseline)
    assert readiness.dma_change["automation_ai"] == 20 and readiness.baseline_stage == "T0"
    from dih_ai.pipeline import draft_roadmap

    draft = draft_roadmap(later, workspace, baseline=baseline)
    assert "Variazione rispetto al T0" in draft.section("kpis").markdown
    table = draft.section("ai_baseline").markdown
    assert "Variazione dal T0" in table  # the change per dimension sits in the baseline table
    row = next(r for r in table.splitlines() if r.startswith("|") and "artificiale" in r.lower())
    assert row.rstrip(" |").endswith("+20")
