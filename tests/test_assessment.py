"""Loading assessment files: models, formats, and one clear line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dih_ai.assessment.load import load_assessment, load_assessments
from dih_ai.errors import InputError


def _sample(examples: Path) -> dict:
    return json.loads(
        json.dumps(yaml.safe_load((examples / "officina-meccanica.yaml").read_text()), default=str)
    )


def _write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(
        json.dumps(data, default=str)
        if name.endswith(".json")
        else yaml.safe_dump(data, allow_unicode=True)
    )
    return path


def _problems(path: Path) -> list[str]:
    return [str(p) for p in load_assessments([path]).problems]


def test_samples_load(examples: Path) -> None:
    mec = load_assessment(examples / "officina-meccanica.yaml")
    assert mec.company.id == "officina-meccanica-esempio"
    assert mec.dma.scores.automation_ai == 18
    assert mec.dma.technologies["cad_cam"] == 4
    assert mec.data_for_ai is not None and mec.data_for_ai.levels.metadata_lineage == 1
    assert str(mec.assessment_date) == "2025-03-10"
    assert load_assessment(examples / "food-en.json").language == "en"


def test_the_documented_error_line(tmp_path: Path, examples: Path) -> None:
    data = _sample(examples)
    data["dma"]["scores"]["automation_ai"] = 130
    path = _write(tmp_path, "meccanica.yaml", data)
    assert _problems(path) == [f"{path}: dma.scores.automation_ai: 130 is above the maximum 100"]


@pytest.mark.parametrize(
    ("mutate", "field", "expected"),
    [
        (lambda d: d["company"].update(emplyees=3), "company.emplyees", "unknown key"),
        (
            lambda d: d["company"].update(employees=420),
            "company.employees",
            "does not agree with size_band 'small'",
        ),
        (lambda d: d.update(assessment_date="2025-02-30"), "assessment_date", "not a real date"),
        (lambda d: d.update(assessment_date=1741564800), "assessment_date", "expected a date"),
        (lambda d: d.update(language="de"), "language", "'de' is not one of"),
        (lambda d: d["dma"].update(stage="T3"), "dma.stage", "'T3' is not one of"),
        (
            lambda d: d["dma"]["scores"].pop("green_digitalisation"),
            "dma.scores.green_digitalisation",
            "required, but missing",
        ),
        (
            lambda d: d["dma"]["scores"].update(data_management="alto"),
            "dma.scores.data_management",
            "expected a number",
        ),
        (
            lambda d: d["dma"]["scores"].update(data_management=True),
            "dma.scores.data_management",
            "expected a number",
        ),
        (
            lambda d: d["dma"]["technologies"].update(quantum=2),
            "dma.technologies.quantum",
            "is not one of",
        ),
        (
            lambda d: d["dma"]["technologies"].update(mes=6),
            "dma.technologies.mes",
            "above the maximum 5",
        ),
        (lambda d: d["company"].update(id="Meccanica Rossi"), "company.id", "is not a slug"),
        (lambda d: d["company"].update(sector="banking"), "company.sector", "is not one of"),
        (
            lambda d: d["data_for_ai"]["levels"].update(data_quality=0),
            "data_for_ai.levels.data_quality",
            "below the minimum 1",
        ),
        (lambda d: d.update(notes="x" * 30_000), "notes", "the maximum is 20000"),
        (lambda d: d.update(goals=["g"] * 10_000), "goals", "10000 items; the maximum is 50"),
    ],
)
def test_bad_fields_name_file_field_and_expectation(tmp_path, examples, mutate, field, expected):
    data = _sample(examples)
    mutate(data)
    path = _write(tmp_path, "bad.yaml", data)
    problems = _problems(path)
    assert any(p.startswith(f"{path}: {field}: ") and expected in p for p in problems), problems
    assert all("\n" not in p and "Traceback" not in p for p in problems)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.yaml", b"", "empty file"),
        ("blank.json", b"  \n", "empty file"),
        ("binary.yaml", bytes(range(256)), "not a text file"),
        ("latin1.yaml", "città: sì".encode("latin-1"), "not UTF-8"),
        ("truncated.json", b'{"company": {"id": "x"', "invalid JSON at line 1"),
        ("list.yaml", b"- a\n- b\n", "expected a mapping at the top level, got a list"),
        ("scalar.yaml", b"just text\n", "expected a mapping at the top level, got text"),
        ("tabs.yaml", b"a:\n\t- b\n", "invalid YAML"),
        ("two.yaml", b"a: 1\n---\nb: 2\n", "expected one YAML document, found 2"),
        ("alias.yaml", b"a: &x [1]\nb: *x\n", "aliases are not allowed"),
        ("notes.txt", b"hello", "unknown file type"),
    ],
)
def test_unreadable_files_give_one_line(tmp_path, name, content, expected) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    problems = _problems(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}: ")
    assert expected in problems[0]


def test_oversized_file_is_refused_before_parsing(tmp_path: Path, examples: Path) -> None:
    data = _sample(examples)
    data["notes"] = "x" * 5_000_000  # a 5 MB notes field
    path = _write(tmp_path, "huge.json", data)
    problems = _problems(path)
    assert len(problems) == 1 and "the limit is 2,000,000 bytes" in problems[0]


def test_missing_path(tmp_path: Path) -> None:
    assert _problems(tmp_path / "nope.yaml") == [
        f"{tmp_path / 'nope.yaml'}: no such file or folder"
    ]


def test_batch_reports_bad_files_and_keeps_good_ones(tmp_path: Path, examples: Path) -> None:
    good = _sample(examples)
    _write(tmp_path, "a.yaml", good)
    second = json.loads(json.dumps(good))
    second["company"]["id"] = "second-company"
    _write(tmp_path, "b.json", second)
    (tmp_path / "c.yaml").write_text("- broken\n")
    duplicate = tmp_path / "d.yaml"
    _write(tmp_path, "d.yaml", good)
    result = load_assessments([tmp_path])
    assert [a.assessment.company.id for a in result.assessments] == [
        "officina-meccanica-esempio",
        "second-company",
    ]
    assert len(result.problems) == 2
    assert any(str(duplicate) in str(p) and "already used" in str(p) for p in result.problems)


def test_json_lines_batch_with_line_numbers(tmp_path: Path, examples: Path) -> None:
    good = _sample(examples)
    other = json.loads(json.dumps(good))
    other["company"]["id"] = "other"
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([json.dumps(good), "{not json", "", json.dumps(other)]) + "\n")
    result = load_assessments([path])
    assert [a.source for a in result.assessments] == [f"{path}:1", f"{path}:4"]
    assert str(result.problems[0]).startswith(f"{path}:2: invalid JSON")


def test_csv_batch_with_flattened_keys(tmp_path: Path) -> None:
    header = (
        "schema_version,company.id,company.name,company.sector,company.size_band,"
        "company.ateco,company.employees,assessment_date,dma.stage,"
        "dma.scores.digital_business_strategy,dma.scores.digital_readiness,"
        "dma.scores.human_centric_digitalisation,dma.scores.data_management,"
        "dma.scores.automation_ai,dma.scores.green_digitalisation,dma.technologies.mes,goals"
    )
    rows = [
        "1,alfa,Alfa S.r.l.,manufacturing,small,25.62,20,2025-05-02,T0,50,40,30,20,10,5,2,"
        "qualità; fermi macchina",
        "1,beta,Beta S.p.A.,agrifood,medium,,,2025-05-03,T1,50,40,30,20,10,500,,",
    ]
    path = tmp_path / "batch.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    result = load_assessments([path])
    alfa = result.assessments[0].assessment
    assert alfa.company.ateco == "25.62"
    assert alfa.company.employees == 20
    assert alfa.goals == ["qualità", "fermi macchina"]
    assert alfa.dma.technologies == {"mes": 2}
    assert [str(p) for p in result.problems] == [
        f"{path}:3: dma.scores.green_digitalisation: 500 is above the maximum 100"
    ]


def test_load_assessment_raises_with_every_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.json", {"company": {"id": "x"}})
    with pytest.raises(InputError) as info:
        load_assessment(path)
    assert len(info.value.problems) >= 3


def test_malformed_csv_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text("company.id,notes\nalfa," + "x" * 200_000 + "\n")  # over csv's field limit
    problems = _problems(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:")
    assert "invalid CSV: field larger than field limit" in problems[0]


def _module_2_answers() -> dict:
    """Module-2 answers as a version-1 file would have them: `done` for already invested and
    the former second Automation & AI question (`aai_practices`) among the answers."""
    from dih_ai.resources import load_data

    answers: dict = {}
    for questions in load_data("dma_questions.yaml")["dimensions"].values():
        for q in questions:
            answers[q["id"]] = dict.fromkeys(q["items"], 3 if q["kind"] == "scale" else "no")
    answers["dbs_investments"]["operations"] = "done"
    answers["aai_practices"] = {"use_cases_identified": "yes", "pilot_run": "partially"}
    return answers


def test_version_1_answers_still_load(tmp_path: Path, examples: Path) -> None:
    data = _sample(examples)
    del data["dma"]["scores"]
    data["dma"]["answers"] = _module_2_answers()
    loaded = load_assessment(_write(tmp_path, "t0.yaml", data))
    assert loaded.dma.hub_extra == {
        "aai_practices": {"use_cases_identified": "yes", "pilot_run": "partially"}
    }
    assert "aai_practices" not in loaded.dma.answers
    assert loaded.dma.scores.automation_ai == 60.0  # 3/5 on the five families, nothing else
    assert loaded.dma.scores.digital_business_strategy == round(1 / 30 * 100, 1)


def test_version_1_items_that_no_longer_exist_give_one_line_each(
    tmp_path: Path, examples: Path
) -> None:
    data = _sample(examples)
    data["dma"]["answers"] = _module_2_answers()
    data["dma"]["answers"]["dm_management"]["central_storage"] = "yes"
    path = _write(tmp_path, "t0.yaml", data)
    problems = _problems(path)
    assert problems == [
        f"{path}: dma.answers.dm_management.central_storage: unknown item; expected one of "
        "data_policy, not_collected_digitally, stored_digitally, integration, accessibility, "
        "analytics_use, external_sources, self_service_analytics"
    ]
