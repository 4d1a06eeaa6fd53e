"""Find a hub's drafts and their assessments: batch output folders, folders of drafts, files.

Drafts are read as plain JSON, not through the strict draft model, so drafts of older or
newer versions are read as long as they carry a company id and their initiatives; what
cannot be read is skipped and named. Each draft is matched with its assessment (stage,
sector, size band, province, the scores) when one is found."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dih_ai.assessment.load import (
    MAX_FILE_BYTES,
    LoadedAssessment,
    load_assessments,
    parse_assessment,
)
from dih_ai.assessment.models import Assessment
from dih_ai.errors import InputError

ASSESSMENT_SUFFIXES = {".yaml", ".yml", ".jsonl", ".csv"}
BATCH_STATUS = "batch-status.jsonl"
BATCH_SUMMARY = "batch-summary.json"
MAX_DRAFT_BYTES = 5_000_000
_STAGE_SUFFIX = re.compile(r"-(t[12])$")


@dataclass
class DraftRecord:
    """One draft, read as JSON, with its assessment when it was found."""

    source: str
    company_id: str
    stage: str
    data: dict[str, Any]
    assessment: Assessment | None = None
    when: dt.date | None = None
    when_from: str = "unknown"  # as_of | assessment_date | file_time


@dataclass
class Skipped:
    """A file that was not used, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class Loaded:
    """What the inputs gave: drafts (matched with assessments where found) and skipped files."""

    drafts: list[DraftRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _draft_problem(data: Any) -> str | None:
    """Why a JSON object cannot be read as a draft (None when it can)."""
    if not isinstance(data, dict):
        return "not a JSON object; expected a draft (dih-ai draft --format json)"
    if data.get("kind") == "deep_dive":
        return "a deep dive, not a draft"
    if "company" in data and "dma" in data:
        return "assessment"  # the caller loads it as one
    if not isinstance(data.get("company_id"), str) or not data["company_id"]:
        return "company_id: missing; expected a draft (dih-ai draft --format json)"
    if not isinstance(data.get("initiatives"), list):
        return "initiatives: missing or not a list; expected a draft"
    if not all(isinstance(i, dict) for i in data["initiatives"]):
        return "initiatives: expected a list of objects"
    if "readiness" in data and not isinstance(data["readiness"], dict):
        return "readiness: expected an object"
    return None


def _read_json(path: Path) -> tuple[Any, str | None]:
    try:
        if path.stat().st_size > MAX_DRAFT_BYTES:
            return None, f"larger than {MAX_DRAFT_BYTES} bytes; expected a draft JSON"
        return json.loads(path.read_text(encoding="utf-8")), None
    except OSError as error:
        return None, f"cannot read: {error.strerror}"
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        return None, f"not valid JSON ({type(error).__name__}); expected a draft JSON"


def _files(paths: list[Path]) -> tuple[list[Path], list[Skipped]]:
    out: list[Path] = []
    missing: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            out += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.parts[-1:])
            )
        elif path.is_file():
            out.append(path)
        else:
            missing.append(Skipped(str(path), "no such file or folder"))
    return out, missing


def _status_sources(status_file: Path) -> list[Path]:
    """The assessment files a batch read, from its status log (`file` or `file:line`)."""
    sources: dict[str, Path] = {}
    try:
        lines = status_file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        source = entry.get("source") if isinstance(entry, dict) else None
        if not isinstance(source, str) or not source:
            continue
        name = re.sub(r":\d+$", "", source)
        if name in sources:
            continue
        for candidate in (Path(name), status_file.parent / name):
            if candidate.is_file():
                sources[name] = candidate
                break
    return list(sources.values())


def _stage_of(record_path: Path, data: dict[str, Any]) -> str:
    match = _STAGE_SUFFIX.search(record_path.stem)
    if match:
        return match.group(1).upper()
    readiness = data.get("readiness") or {}
    return "T1" if readiness.get("dma_change") else "T0"


def _scores(data: dict[str, Any]) -> dict[str, float]:
    scores = (data.get("readiness") or {}).get("dma_scores")
    return scores if isinstance(scores, dict) else {}


def _match(path: Path, data: dict[str, Any], candidates: list[Assessment]) -> Assessment | None:
    """The assessment a draft was made from, among those of the same company."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    stem = path.stem
    for a in candidates:
        expected = a.company.id if a.dma.stage == "T0" else f"{a.company.id}-{a.dma.stage.lower()}"
        if expected == stem:
            return a
    scores = _scores(data)
    for a in candidates:
        if scores and all(
            abs(float(scores.get(k, -1)) - float(v)) < 0.05
            for k, v in a.dma.scores.model_dump().items()
        ):
            return a
    stage = _stage_of(path, data)
    return next((a for a in candidates if a.dma.stage == stage), None)


def _as_of(data: dict[str, Any]) -> dt.date | None:
    by = data.get("generated_by")
    value = (by.get("as_of") if isinstance(by, dict) else None) or data.get("as_of")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def load_portfolio(paths: list[str | Path], assessments: list[str | Path] | None = None) -> Loaded:
    """Read every draft under `paths` (batch output folders, folders of drafts, draft files)
    and the assessments they were made from: those in the same folders, those a batch's
    status log names, and those in `assessments`."""
    files, skipped = _files([Path(p) for p in paths])
    extra, extra_missing = _files([Path(p) for p in assessments or []])
    skipped += extra_missing
    assessment_files: list[Path] = [p for p in extra]
    drafts: list[tuple[Path, dict[str, Any]]] = []
    for path in files:
        if path.name == BATCH_STATUS:
            assessment_files += _status_sources(path)
            continue
        if path.name == BATCH_SUMMARY or path.name.endswith(
            (".tmp", ".md", ".html", ".docx", ".pdf")
        ):
            continue
        if path.suffix.lower() in ASSESSMENT_SUFFIXES:
            assessment_files.append(path)
            continue
        if path.suffix.lower() != ".json":
            skipped.append(Skipped(str(path), "not a draft JSON or an assessment file"))
            continue
        data, problem = _read_json(path)
        problem = problem or _draft_problem(data)
        if problem == "assessment":
            assessment_files.append(path)
        elif problem:
            skipped.append(Skipped(str(path), problem))
        else:
            drafts.append((path, data))
    loaded = _load_assessments(assessment_files, skipped)
    by_company: dict[str, list[Assessment]] = {}
    for item in loaded:
        by_company.setdefault(item.assessment.company.id, []).append(item.assessment)
    out = Loaded(skipped=skipped)
    seen: dict[tuple[str, str], str] = {}
    for path, data in drafts:
        company_id = data["company_id"]
        assessment = _match(path, data, by_company.get(company_id, []))
        stage = assessment.dma.stage if assessment else _stage_of(path, data)
        key = (company_id, stage)
        if key in seen:
            out.skipped.append(
                Skipped(str(path), f"a second draft of {company_id} at {stage}; used {seen[key]}")
            )
            continue
        seen[key] = str(path)
        record = DraftRecord(str(path), company_id, stage, data, assessment)
        as_of = _as_of(data)
        if as_of:
            record.when, record.when_from = as_of, "as_of"
        elif assessment:
            record.when, record.when_from = assessment.assessment_date, "assessment_date"
        else:
            mtime = path.stat().st_mtime
            record.when, record.when_from = dt.date.fromtimestamp(mtime), "file_time"
        out.drafts.append(record)
    return out


class _FastYAML(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser, dates kept as text as the assessment loader keeps them."""


_FastYAML.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _fast(path: Path) -> LoadedAssessment | None:
    """A plain YAML assessment read with libyaml (a thousand files in a second, not ten);
    None for anything else, which the assessment loader then reads and reports as usual."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
        if "&" in text or "*" in text or "\n---" in text:  # aliases, several documents
            return None
        return LoadedAssessment(
            str(path), parse_assessment(yaml.load(text, Loader=_FastYAML), str(path))
        )
    except (OSError, UnicodeDecodeError, yaml.YAMLError, InputError, RecursionError, ValueError):
        return None


def _load_assessments(files: list[Path], skipped: list[Skipped]) -> list[LoadedAssessment]:
    unique = list(dict.fromkeys(p.resolve() for p in files))
    out: list[LoadedAssessment] = []
    slow: list[Path] = []
    for path in unique:
        item = _fast(path)
        if item is None:
            slow.append(path)
        else:
            out.append(item)
    if slow:
        result = load_assessments(slow)
        out += result.assessments
        for problem in result.problems:
            where = f"{problem.field}: " if problem.field else ""
            skipped.append(Skipped(problem.file, f"assessment not used: {where}{problem.message}"))
    seen: dict[tuple[str, str], str] = {}
    kept: list[LoadedAssessment] = []
    for item in out:
        key = (item.assessment.company.id, item.assessment.dma.stage)
        if key in seen:
            skipped.append(
                Skipped(
                    item.source, f"assessment not used: {key[0]} at {key[1]} is also in {seen[key]}"
                )
            )
            continue
        seen[key] = item.source
        kept.append(item)
    return kept
