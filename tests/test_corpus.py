"""The bundled corpus, and clear errors for bad case-study files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dih_ai.corpus import chunks, load_corpus, parse_case
from dih_ai.resources import default_corpus_dir, load_data
from dih_ai.vocab import UseCase, values

GOOD = """---
id: cs-prova
title: Caso di prova
illustrative: true
sector: manufacturing
size_band: small
employees: 20
technologies: [computer_vision]
process_areas: [quality]
ai_use_cases: [visual_inspection]
results:
  - {kpi: scarti, baseline: 4.1, value: 1.3, unit: "%"}
---
## Sfida
Troppi scarti.
## Risultati
Gli scarti sono scesi dal 4.1% all'1.3%.
"""


def test_bundled_corpus_is_complete_and_illustrative() -> None:
    corpus = load_corpus(default_corpus_dir())
    assert corpus.problems == []
    assert len(corpus.cases) >= 30
    cases = list(corpus.cases.values())
    assert all(c.illustrative for c in cases)
    assert {c.size_band for c in cases} >= {"micro", "small", "medium"}
    assert len({c.subsector for c in cases}) >= 10
    use_cases = {u for c in cases for u in c.ai_use_cases}
    assert use_cases == set(values(UseCase))  # every AI use-case tag has at least one case


SYMBOLS = {"min", "ppm", "kWh", "MWh", "Sm3"}  # units that read the same in English


def test_every_case_has_english_labels() -> None:
    for case in load_corpus(default_corpus_dir()).cases.values():
        assert case.title_en and case.title_in("en") == case.title_en, case.id
        for result in case.results:
            assert result.kpi_en, f"{case.id}: {result.kpi} has no kpi_en"
            words = [w for w in re.findall(r"[A-Za-z]{3,}", result.unit) if w not in SYMBOLS]
            if words:
                assert result.unit_en, f"{case.id}: unit '{result.unit}' has no unit_en"


def test_english_labels_fall_back_to_italian() -> None:
    labelled = GOOD.replace("title: Caso di prova", "title: Caso di prova\ntitle_en: Test case")
    labelled = labelled.replace(
        'unit: "%"}',
        'unit: "%"}\n  - {kpi: fermi, kpi_en: stops, value: 3.0, '
        "unit: giorni/anno, unit_en: days/year}",
    )
    case = parse_case(labelled, "corpus/cs-prova.md")
    assert (case.title_in("en"), case.title_in("it")) == ("Test case", "Caso di prova")
    plain, labelled_result = case.results
    assert (plain.kpi_in("en"), plain.unit_in("en")) == ("scarti", "%")
    assert labelled_result.kpi_in("en") == "stops" and labelled_result.kpi_in("it") == "fermi"
    assert labelled_result.unit_in("en") == "days/year"
    assert labelled_result.unit_in("it") == "giorni/anno"
    assert parse_case(GOOD, "corpus/cs-prova.md").title_in("en") == "Caso di prova"


def test_funding_used_is_consistent_with_the_calls() -> None:
    """A case names only funding it could have used: the call's regions and chamber areas."""
    funding = {f["id"]: f for f in load_data("funding.yaml")["funding"]}
    for case in load_corpus(default_corpus_dir()).cases.values():
        for funding_id in case.funding_used:
            assert funding_id in funding, f"{case.id}: unknown funding id {funding_id}"
            entry = funding[funding_id]
            territory = entry.get("territory") or {"regions": entry.get("regions") or []}
            regions, provinces = territory.get("regions") or [], territory.get("provinces") or []
            assert not regions or case.region in regions, f"{case.id}: {funding_id} region"
            assert not provinces or case.province in provinces, f"{case.id}: {funding_id} area"


def test_every_reported_figure_appears_in_its_case() -> None:
    for case in load_corpus(default_corpus_dir()).cases.values():
        for result in case.results:
            for number in (result.baseline, result.value):
                if number is None:
                    continue
                text = f"{number:g}"
                assert text in case.body, f"{case.id}: {result.kpi} {text} not in narrative"


def test_chunks_have_stable_ids_and_case_metadata(tmp_path: Path) -> None:
    case = parse_case(GOOD, "corpus/cs-prova.md")
    parts = chunks(case)
    assert [c.id for c in parts] == ["cs-prova#sfida", "cs-prova#risultati"]
    assert parts[0].metadata["ai_use_cases"] == "visual_inspection"
    assert parts[0].text.startswith("Caso di prova — Sfida")
    assert [c.id for c in chunks(parse_case(GOOD, "corpus/cs-prova.md"))] == [c.id for c in parts]


def test_bad_front_matter_names_file_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "cs-prova.md").write_text(GOOD.replace("visual_inspection]", "telepathy]"))
    (folder / "cs-due.md").write_text(
        GOOD.replace("id: cs-prova", "id: cs-due").replace("employees: 20", "employees: 2000")
    )
    (folder / "cs-tre.md").write_text("no front matter")
    (folder / "cs-quattro.md").write_text(GOOD)  # id does not match the file name
    problems = [str(p) for p in load_corpus(folder).problems]
    assert any(
        p.startswith("corpus/cs-prova.md: ai_use_cases.0: 'telepathy' is not one of")
        for p in problems
    ), problems
    assert "corpus/cs-due.md: employees: 2000 does not agree with size_band 'small'" in problems
    assert "corpus/cs-tre.md: missing YAML front matter between '---' lines" in problems
    assert "corpus/cs-quattro.md: id: 'cs-prova' must equal the file name 'cs-quattro'" in problems


def _validate_one(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "cs-prova.md").write_text(text)
    return subprocess.run(
        [sys.executable, "-m", "dih_ai.cli", "corpus", "validate", "--corpus", str(folder)],
        capture_output=True,
        text=True,
    )


def test_thin_cases_are_warned_about_not_refused(tmp_path: Path) -> None:
    done = _validate_one(tmp_path, GOOD.replace("all'1.3%", "a un valore più basso"))
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert "warning: corpus/cs-prova.md: narrative of 16 words; 300+ expected" in lines
    assert "warning: corpus/cs-prova.md: no '## Soluzione' section" in lines
    assert (
        "warning: corpus/cs-prova.md: results.0.value: 1.3 does not appear in the narrative"
        in lines
    )
    assert lines[-1] == "1 cases, 0 problems, 3 warnings"


def test_corpus_validate_exits_2_on_a_bad_case(tmp_path: Path) -> None:
    done = _validate_one(tmp_path, GOOD.replace("size_band: small", "size_band: huge"))
    assert done.returncode == 2
    assert done.stderr.startswith("corpus/cs-prova.md: size_band: 'huge' is not one of")
