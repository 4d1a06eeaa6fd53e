"""Knowledge that stays true: dated, sourced facts; the drafting date; what drafts say about
the AI Act, funding and cases on that date."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from dih_ai.assessment.load import load_assessment
from dih_ai.cli import app
from dih_ai.evaluation.drafts import draft_sentences, identical_sentences
from dih_ai.knowledge import knowledge_as_of, list_facts
from dih_ai.plan import make_plan
from dih_ai.resources import DATA_DIR, load_data

AS_OF = dt.date(2026, 12, 3)
DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize(
    ("file", "key"), [("ai_act.yaml", "milestones"), ("funding.yaml", "funding")]
)
def test_every_dated_fact_has_source_and_dates(file: str, key: str) -> None:
    for entry in load_data(file)[key]:
        assert entry.get("source"), entry["id"]
        assert isinstance(entry.get("checked_on"), dt.date), entry["id"]
        assert entry["review_by"] > entry["checked_on"], entry["id"]


def test_facts_are_due_for_review_only_after_their_date() -> None:
    assert all(f.status == "ok" for f in list_facts(AS_OF))
    later = list_facts(dt.date(2031, 1, 1))
    assert all(f.status == "review_due" for f in later if f.review_by)


def test_facts_command_lists_and_warns_without_failing() -> None:
    result = CliRunner().invoke(app, ["facts", "--as-of", "2031-01-01"])
    assert result.exit_code == 0
    assert "annex_iii" in result.stdout and "iperammortamento" in result.stdout
    assert "review was due" in result.stderr


def test_a_hub_updates_a_call_by_editing_one_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, meccanica
) -> None:
    funding = yaml.safe_load((DATA_DIR / "funding.yaml").read_text(encoding="utf-8"))
    sabatini = next(e for e in funding["funding"] if e["id"] == "nuova_sabatini")
    sabatini["funds_exhausted"] = dt.date(2026, 11, 30)  # the hub hears the funds ran out
    (tmp_path / "funding.yaml").write_text(yaml.safe_dump(funding), encoding="utf-8")
    before = {f.id for f in make_plan(meccanica, as_of=AS_OF).funding}
    monkeypatch.setenv("DIH_AI_DATA_DIR", str(tmp_path))
    after = {f.id for f in make_plan(meccanica, as_of=AS_OF).funding}
    assert "nuova_sabatini" in before and "nuova_sabatini" not in after
    shutil.rmtree(tmp_path)


def test_draft_records_its_dates(workspace, meccanica) -> None:
    from dih_ai.pipeline import draft_roadmap

    draft = draft_roadmap(meccanica, workspace, as_of=AS_OF)
    assert draft.generated_by.as_of == AS_OF
    assert draft.generated_by.knowledge_as_of == knowledge_as_of()
    summary = draft.section("ai_summary").markdown
    assert "3 dicembre 2026" in summary and "norme e bandi verificati" in summary


def test_future_assessment_exits_2_with_one_line(tmp_path: Path) -> None:
    source = (
        DATA.parent.parent / "examples" / "assessments" / "officina-meccanica.yaml"
    ).read_text(encoding="utf-8")
    future = tmp_path / "future.yaml"
    future.write_text(source.replace("assessment_date: 2025-03-10", "assessment_date: 2031-03-10"))
    result = CliRunner().invoke(app, ["validate", str(future), "--as-of", "2026-12-03"])
    assert result.exit_code == 2
    assert f"{future}: assessment_date: 2031-03-10 is after the drafting date" in result.stderr
    assert "Traceback" not in result.output


def test_drafts_of_two_companies_say_what_is_true_on_as_of(workspace) -> None:
    from dih_ai.pipeline import draft_roadmap

    drafts = [
        draft_roadmap(
            load_assessment(
                DATA / name
                if name.startswith("pastificio")
                else DATA.parent.parent / "examples" / "assessments" / name
            ),
            workspace,
            as_of=AS_OF,
        )
        for name in ("officina-meccanica.yaml", "pastificio-it.yaml")
    ]
    for draft in drafts:
        compliance = draft.section("compliance").markdown
        for date in ("2 agosto 2026", "2 dicembre 2027", "2 agosto 2028"):
            assert date in compliance
        text = "\n".join(s.markdown for s in draft.sections)
        assert "visitabil" not in text.lower()
        assert "Caso illustrativo" in draft.section("case_studies").markdown
        funding = draft.section("funding").markdown
        assert "Transizione 5.0" not in funding
        assert all(len(i.funding) <= 2 for i in draft.initiatives)
        offered = {f for i in draft.initiatives for f in i.funding}
        assert not offered & {"transizione_5_0", "voucher_digitali_4_0", "bando_si4_0"}
        goods = [i for i in draft.initiatives if i.use_case]
        assert all("iperammortamento" in i.funding for i in goods)
    assert len(draft_sentences(drafts[0])) > 50
    assert identical_sentences(drafts) <= 0.25
