"""The one figure rule: a figure in a sentence citing a source must be in that source or in
the plan/company context; the writer enforces it on numbered sources, the evaluation
measures it on case ids."""

from __future__ import annotations

from dih_ai.grounding import CASE_CITATION, cited_figures, unsupported_figures

SOURCE = "Scrap fell from 12% to 7%; 40 hours saved a month."
TEXT = "Scrap fell by 12% [1]; downtime fell by 35% [1]. Three pilots [1] by 2027. Cut 35%."


def test_numbers_and_case_ids_get_the_same_verdicts() -> None:
    by_number = cited_figures(TEXT, {1: SOURCE}, "horizon: 2027")
    by_id = cited_figures(
        TEXT.replace("[1]", "[cs-a]"), {"cs-a": SOURCE}, "horizon: 2027", citation=CASE_CITATION
    )
    verdicts = [(f.figure, f.supported) for f in by_number]
    # a clause ends at ";": 35% is checked in its own clause; the uncited last one is not
    assert verdicts == [("12", True), ("35", False), ("2027", True)]
    assert [(f.figure, f.supported) for f in by_id] == verdicts
    assert by_id[0].source == "cs-a" and by_number[0].source == 1


def test_small_counts_and_unknown_sources_are_not_checked() -> None:
    assert cited_figures("Over 3 phases and 10 weeks [1].", {1: ""}, "") == []
    assert cited_figures("Saved 55% [2].", {1: SOURCE}, "") == []


def test_unsupported_figures_are_the_rule_s_failures() -> None:
    assert unsupported_figures(TEXT, {1: SOURCE}, "horizon: 2027") == [
        ("downtime fell by 35% [1].", 1, "35")
    ]
