"""Scores from raw questionnaire answers (DMA module 2, data management for AI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dih_ai.analysis import analyse
from dih_ai.assessment.load import load_assessments
from dih_ai.assessment.models import DMA
from dih_ai.assessment.scoring import data_levels_from_answers, dma_scores_from_answers
from dih_ai.resources import load_data


def all_answers(scale: int, choice_index: int) -> dict:
    out = {}
    for questions in load_data("dma_questions.yaml")["dimensions"].values():
        for q in questions:
            if q["kind"] == "scale":
                out[q["id"]] = dict.fromkeys(q["items"], scale)
            else:
                values = list(q["values"])
                out[q["id"]] = dict.fromkeys(q["items"], values[choice_index])
    return out


def test_dma_scoring_rule() -> None:
    top, problems = dma_scores_from_answers(all_answers(5, 0))
    assert problems == [] and set(top.values()) == {100.0}
    bottom, _ = dma_scores_from_answers(all_answers(0, -1))
    assert set(bottom.values()) == {0.0}
    answers = all_answers(0, -1)
    # digital business strategy: 4 of 9 areas done (4/9*10) + 5 of 10 readiness items (5)
    areas = load_data("dma_questions.yaml")["dimensions"]["digital_business_strategy"][0]["items"]
    answers["dbs_investments"] = dict.fromkeys(areas[:4], "done")
    ready = load_data("dma_questions.yaml")["dimensions"]["digital_business_strategy"][1]["items"]
    answers["dbs_readiness"] = dict.fromkeys(ready[:5], True)  # YAML's yes reads as True
    scores, problems = dma_scores_from_answers(answers)
    assert problems == []
    assert scores["digital_business_strategy"] == round((4 / 9 * 10 + 5) * 5, 1)


def test_dma_answer_problems_have_paths() -> None:
    answers = all_answers(2, 0)
    answers["dr_advanced_technologies"]["mes"] = 7
    answers["dbs_investments"]["sales_x"] = "done"
    answers["hcd_upskilling"]["training_plan"] = "maybe"
    del answers["gd_uses"]
    _, problems = dma_scores_from_answers(answers)
    paths = {p for p, _ in problems}
    assert paths == {
        "dma.answers.dr_advanced_technologies.mes",
        "dma.answers.dbs_investments.sales_x",
        "dma.answers.hcd_upskilling.training_plan",
        "dma.answers.gd_uses",
    }


def test_answers_or_scores_in_the_model() -> None:
    dma = DMA.model_validate({"stage": "T0", "answers": all_answers(5, 0)})
    assert dma.scores.automation_ai == 100
    with pytest.raises(ValueError, match="disagrees with 100"):
        DMA.model_validate(
            {
                "stage": "T0",
                "answers": all_answers(5, 0),
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
    data["dma"]["answers"] = all_answers(2, 0)
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

    data["dma"]["answers"]["aai_practices"]["pilot_run"] = "someday"
    path.write_text(yaml.safe_dump(data))
    problems = [str(p) for p in load_assessments([path]).problems]
    assert problems == [
        f"{path}: dma.answers.aai_practices.pilot_run: 'someday' is not one of yes, partially, no"
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
    assert "automazione e intelligenza artificiale +20" in draft.section("kpis").markdown
