"""Load assessment files (YAML, JSON, JSON Lines, CSV; a file or a folder) into `Assessment`s.

Every problem becomes a `Problem` naming file, field path and what was expected; nothing
here lets a traceback through for bad input.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from dih_ai.assessment.models import Assessment
from dih_ai.assessment.scoring import (
    data_levels_from_answers,
    dma_scores_from_answers,
    hub_extra_problems,
)
from dih_ai.errors import InputError, Problem

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl", ".csv": "csv"}
MAX_FILE_BYTES = 2_000_000  # one assessment file
MAX_BATCH_FILE_BYTES = 200_000_000  # a JSON Lines or CSV batch
MAX_RECORD_BYTES = 2_000_000  # one line of a batch file

# CSV cells under these keys stay text (an ATECO code "25.62" is not a number).
_CSV_TEXT_KEYS = {
    "company.id",
    "company.name",
    "company.vat",
    "company.sector",
    "company.subsector",
    "company.ateco",
    "company.size_band",
    "company.region",
    "company.province",
    "language",
    "assessment_date",
    "notes",
    "dma.stage",
    "cybersecurity.framework",
}

_FIELD_HINTS = {
    "company.id": "a slug of lowercase letters, digits and single hyphens (e.g. meccanica-rossi)",
    "company.vat": "a VAT number such as IT01234567890",
    "company.ateco": "an ATECO code such as 25.62",
    "company.province": "a two-letter province code such as BS",
}


@dataclass(frozen=True)
class LoadedAssessment:
    """An assessment and where it came from (`file` or `file:line`)."""

    source: str
    assessment: Assessment


@dataclass
class LoadResult:
    """What a batch load gives: the good assessments and one problem per bad field."""

    assessments: list[LoadedAssessment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def baseline_for(self, assessment: Assessment) -> Assessment | None:
        """The same company's latest earlier-stage assessment in this batch (T0 for a T1)."""
        earlier = [
            loaded.assessment
            for loaded in self.assessments
            if loaded.assessment.company.id == assessment.company.id
            and loaded.assessment.dma.stage < assessment.dma.stage
        ]
        return max(earlier, key=lambda a: a.dma.stage) if earlier else None


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _describe(error: ErrorDetails, path: str) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "required, but missing"
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; see the assessment format)"
    if kind == "literal_error":
        return f"{value!r} is not one of {ctx.get('expected')}"
    if kind in ("less_than_equal", "less_than"):
        return f"{_num(value)} is above the maximum {_num(ctx.get('le', ctx.get('lt')))}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{_num(value)} is below the minimum {_num(ctx.get('ge', ctx.get('gt')))}"
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing", "int_from_float"):
        expected = "a whole number" if kind.startswith("int") else "a number"
        return f"expected {expected}, got {value!r}"
    if kind == "string_pattern_mismatch":
        hint = _FIELD_HINTS.get(path, f"text matching {ctx.get('pattern')}")
        return f"{value!r} is not {hint}" if path in _FIELD_HINTS else f"{value!r}: expected {hint}"
    if kind == "string_too_long":
        return f"text of {len(str(value))} characters; the maximum is {ctx.get('max_length')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_long":
        return f"{ctx.get('actual_length')} items; the maximum is {ctx.get('max_length')}"
    if kind == "string_type":
        return f"expected text, got {value!r}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping, got {type(value).__name__}"
    if kind == "list_type":
        return f"expected a list, got {type(value).__name__}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "enum":
        return f"{value!r} is not one of {ctx.get('expected')}"
    return str(error["msg"])


def problems_from_validation(source: str, exc: ValidationError) -> list[Problem]:
    """Turn a pydantic `ValidationError` into one `Problem` per field."""
    out: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        is_key = bool(loc) and loc[-1] == "[key]"
        path = _field_path(loc[:-1] if is_key else loc)
        message = _describe(error, path)
        if is_key:
            message = f"unknown key: {message}"
        problem = Problem(source, path, message)
        if problem not in out:
            out.append(problem)
    return out


def parse_assessment(data: Any, source: str) -> Assessment:
    """Validate already-parsed data; raise `InputError` with every problem found."""
    if not isinstance(data, dict):
        raise InputError(
            [Problem(source, "", f"expected a mapping at the top level, got {_kind(data)}")]
        )
    answer_problems = _answer_problems(data)
    if answer_problems:
        raise InputError([Problem(source, path, message) for path, message in answer_problems])
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(source, exc)) from None


def _answer_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Problems in raw questionnaire answers, with full field paths (checked before the model,
    which would report them under the parent field only)."""
    problems: list[tuple[str, str]] = []
    dma = data.get("dma")
    if isinstance(dma, dict) and dma.get("answers") is not None:
        problems += dma_scores_from_answers(dma["answers"])[1]
    if isinstance(dma, dict) and dma.get("hub_extra") is not None:
        problems += hub_extra_problems(dma["hub_extra"])
    dfa = data.get("data_for_ai")
    if isinstance(dfa, dict) and dfa.get("answers") is not None:
        problems += data_levels_from_answers(dfa["answers"])[2]
    return problems


def _kind(data: Any) -> str:
    if data is None:
        return "nothing (empty document)"
    return {list: "a list", str: "text", int: "a number", float: "a number"}.get(
        type(data), type(data).__name__
    )


def read_text(path: Path, limit: int, what: str = "one assessment") -> str:
    """A UTF-8 input file's text, or an `InputError` (too big, binary, not UTF-8, empty)."""
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            [Problem(str(path), "", f"file is {size:,} bytes; the limit is {limit:,} bytes")]
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise InputError([Problem(str(path), "", "not a text file (expected UTF-8 YAML/JSON)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(str(path), "", f"not UTF-8 text (byte {exc.start}); expected UTF-8")]
        ) from None
    if not text.strip():
        raise InputError([Problem(str(path), "", f"empty file; expected {what}")])
    return text


def parse_json(text: str, source: str) -> Any:
    """JSON, or an `InputError` naming line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                Problem(
                    source, "", f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
                )
            ]
        ) from None
    except RecursionError:
        raise InputError([Problem(source, "", "JSON nested too deeply")]) from None


def _parse_yaml(text: str, source: str) -> Any:
    try:
        documents = list(yaml.load_all(text, Loader=_NoAliasLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise InputError([Problem(source, "", f"invalid YAML{where}: {exc.problem}")]) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise InputError([Problem(source, "", f"invalid YAML: {exc}".splitlines()[0])]) from None
    if len(documents) != 1:
        raise InputError(
            [Problem(source, "", f"expected one YAML document, found {len(documents)}")]
        )
    return documents[0]


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without aliases: an assessment never needs them, and they can explode."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
            raise yaml.MarkedYAMLError(None, None, "YAML aliases are not allowed", event.start_mark)
        return super().compose_node(parent, index)


# Dates stay text until the model checks them, so a bad date is reported at its field.
_NoAliasLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _unflatten(row: dict[str, str], source: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, cell in row.items():
        if key is None:
            raise InputError([Problem(source, "", "row has more cells than the header")])
        if cell is None or cell.strip() == "":
            continue
        value: Any = cell.strip()
        if key == "goals":
            value = [g.strip() for g in cell.split(";") if g.strip()]
        elif key not in _CSV_TEXT_KEYS:
            try:
                value = yaml.safe_load(cell)
            except yaml.YAMLError:
                value = cell
        target = out
        parts = key.split(".")
        for part in parts[:-1]:
            existing = target.setdefault(part, {})
            if not isinstance(existing, dict):
                raise InputError([Problem(source, key, "column clashes with another column")])
            target = existing
        target[parts[-1]] = value
    return out


def _records(path: Path) -> Iterator[tuple[str, Any]]:
    """Yield (source, parsed data) for each record in a file; raise InputError when unreadable."""
    kind = SUFFIXES.get(path.suffix.lower())
    source = str(path)
    if kind in ("yaml", "json"):
        text = read_text(path, MAX_FILE_BYTES)
        yield source, parse_json(text, source) if kind == "json" else _parse_yaml(text, source)
    elif kind == "jsonl":
        text = read_text(path, MAX_BATCH_FILE_BYTES)
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{source}:{number}"
            if len(line) > MAX_RECORD_BYTES:
                yield where, InputError([Problem(where, "", "record over the 2 MB limit")])
                continue
            try:
                yield where, parse_json(line, where)
            except InputError as exc:
                yield where, exc
    elif kind == "csv":
        text = read_text(path, MAX_BATCH_FILE_BYTES)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            for row in reader:
                where = f"{source}:{reader.line_num}"
                try:
                    yield where, _unflatten(row, where)
                except InputError as exc:
                    yield where, exc
        except csv.Error as exc:  # malformed CSV: stop at the bad line, keep what was read
            where = f"{source}:{reader.line_num}"
            yield where, InputError([Problem(where, "", f"invalid CSV: {exc}")])
    else:
        raise InputError(
            [Problem(source, "", "unknown file type; expected .yaml, .yml, .json, .jsonl or .csv")]
        )


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand folders into their assessment files (sorted); keep files as given."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
        else:
            yield path


def load_assessments(paths: Iterable[str | Path]) -> LoadResult:
    """Load every assessment in the given files and folders, collecting every problem."""
    result = LoadResult()
    seen: dict[str, str] = {}
    for path in iter_files(paths):
        if not path.exists():
            result.problems.append(Problem(str(path), "", "no such file or folder"))
            continue
        try:
            records = 0
            for source, data in _records(path):
                records += 1
                if isinstance(data, InputError):
                    result.problems.extend(data.problems)
                    continue
                try:
                    assessment = parse_assessment(data, source)
                except InputError as exc:
                    result.problems.extend(exc.problems)
                    continue
                key = f"{assessment.company.id} at {assessment.dma.stage}"
                if key in seen:
                    result.problems.append(
                        Problem(source, "company.id", f"'{key}' is already used by {seen[key]}")
                    )
                    continue
                seen[key] = source
                result.assessments.append(LoadedAssessment(source, assessment))
            if records == 0:
                result.problems.append(
                    Problem(str(path), "", "no assessment found (a header or blank lines only)")
                )
        except InputError as exc:
            result.problems.extend(exc.problems)
        except OSError as exc:
            result.problems.append(Problem(str(path), "", f"cannot read: {exc.strerror}"))
    return result


def load_assessment(path: str | Path) -> Assessment:
    """Load one assessment; raise `InputError` listing every problem."""
    result = load_assessments([path])
    if result.problems:
        raise InputError(result.problems)
    if len(result.assessments) != 1:
        raise InputError(
            [Problem(str(path), "", f"expected one assessment, found {len(result.assessments)}")]
        )
    return result.assessments[0].assessment
