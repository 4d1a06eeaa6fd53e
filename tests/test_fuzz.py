"""Property tests: random or mutated assessment files never produce a traceback."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dih_ai.assessment.load import load_assessments
from dih_ai.corpus import parse_case
from dih_ai.errors import InputError

SAMPLE = json.loads(
    json.dumps(
        yaml.safe_load(
            (
                Path(__file__).parent.parent / "examples/assessments/officina-meccanica.yaml"
            ).read_text()
        ),
        default=str,
    )
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


PATHS = [p for p in _paths(SAMPLE) if p]


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def _check(path: Path) -> None:
    result = load_assessments([path])
    assert len(result.assessments) + len(result.problems) >= 1
    for problem in result.problems:
        line = str(problem)
        assert line.startswith(str(path)) and "\n" not in line and "Traceback" not in line


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values, suffix=st.sampled_from([".json", ".yaml"]))
def test_mutated_assessment_never_crashes(path: tuple, value: Any, suffix: str) -> None:
    data = _set(json.loads(json.dumps(SAMPLE)), path, value)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"a{suffix}"
        text = json.dumps(data) if suffix == ".json" else yaml.safe_dump(data, allow_unicode=True)
        target.write_text(text)
        _check(target)


@settings(max_examples=150, deadline=None)
@example(content=b"\r\x01", suffix=".csv")  # once crashed the CSV reader
@given(
    content=st.binary(max_size=400), suffix=st.sampled_from([".json", ".yaml", ".jsonl", ".csv"])
)
def test_random_bytes_never_crash(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"a{suffix}"
        target.write_bytes(content)
        _check(target)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300))
def test_random_yaml_text_never_crashes(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "a.yaml"
        target.write_text(text)
        _check(target)


@settings(max_examples=100, deadline=None)
@given(
    front=st.dictionaries(
        st.sampled_from(
            ["id", "title", "illustrative", "sector", "size_band", "results", "technologies", "x"]
        ),
        json_values,
        max_size=8,
    ),
    body=st.text(max_size=200),
)
def test_random_case_study_never_crashes(front: dict, body: str) -> None:
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    try:
        parse_case(text, "corpus/cs-x.md")
    except InputError as error:
        assert all("\n" not in str(p) for p in error.problems)


@settings(max_examples=100, deadline=None)
@given(dma_answers=json_values, dfa_answers=json_values)
def test_random_questionnaire_answers_never_crash(dma_answers: Any, dfa_answers: Any) -> None:
    data = json.loads(json.dumps(SAMPLE))
    data["dma"]["answers"] = dma_answers
    data["data_for_ai"] = {"answers": dfa_answers}
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "a.json"
        target.write_text(json.dumps(data))
        _check(target)
