"""The Fabbriche Vetrina corpus: Markdown case studies with YAML front matter.

`load_corpus` reads a folder into `CaseStudy` models; `chunks` splits a case into its
`## ` sections, each a retrieval chunk with a stable id (`<case id>#<section slug>`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StringConstraints,
    ValidationError,
)

from dih_ai.errors import InputError, Problem
from dih_ai.vocab import (
    SIZE_BAND_EMPLOYEES,
    Language,
    ProcessArea,
    Sector,
    SizeBand,
    TechnologyTag,
    UseCase,
)

CHUNKER_VERSION = "sections-v1"
MAX_CASE_BYTES = 500_000
CaseId = Annotated[str, StringConstraints(pattern=r"^cs-[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
FundingId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]


class Result(BaseModel):
    """A measured result: KPI, baseline, value after, unit (Italian), with optional English
    labels: `kpi_en`, and `unit_en` where the unit is a word ("giorni/anno")."""

    model_config = ConfigDict(extra="forbid")
    kpi: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    baseline: StrictFloat | None = None
    value: StrictFloat
    unit: Annotated[str, StringConstraints(max_length=30)] = ""
    kpi_en: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None
    unit_en: Annotated[str, StringConstraints(max_length=30)] | None = None

    def kpi_in(self, language: Language) -> str:
        """The KPI name in `language`; the Italian name when no English label is given."""
        return self.kpi_en if language == "en" and self.kpi_en else self.kpi

    def unit_in(self, language: Language) -> str:
        """The unit in `language`; the unit as written when no English label is given."""
        return self.unit_en if language == "en" and self.unit_en is not None else self.unit


class CaseStudy(BaseModel):
    """One case study: front matter (docs/formats.md) plus the Markdown narrative."""

    model_config = ConfigDict(extra="forbid")

    id: CaseId
    title: Annotated[str, StringConstraints(min_length=3, max_length=200)]
    title_en: Annotated[str, StringConstraints(min_length=3, max_length=200)] | None = None
    illustrative: StrictBool
    region: str | None = None
    province: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    sector: Sector
    subsector: str | None = None
    size_band: SizeBand
    employees: Annotated[int, Field(ge=1)] | None = None
    technologies: list[TechnologyTag] = Field(default_factory=list)
    process_areas: list[ProcessArea] = Field(default_factory=list)
    ai_use_cases: list[UseCase] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    duration_months: Annotated[int, Field(ge=1, le=120)] | None = None
    funding_used: list[FundingId] = Field(default_factory=list)
    visitable: StrictBool = False
    source: str | None = None
    body: str = Field(default="", exclude=True)
    path: str = Field(default="", exclude=True)
    content_hash: str = Field(default="", exclude=True)

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) for each `## ` section of the narrative, in order."""
        return split_sections(self.body)

    def title_in(self, language: Language) -> str:
        """The title in `language`; the Italian title when no `title_en` is given."""
        return self.title_en if language == "en" and self.title_en else self.title


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit: one section of one case, with the case's metadata."""

    id: str
    case_id: str
    section: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def split_sections(body: str) -> list[tuple[str, str]]:
    """Split Markdown into (heading, text) at each `## ` heading; text before it is 'intro'."""
    parts: list[tuple[str, str]] = []
    heading = "intro"
    lines: list[str] = []
    for line in body.splitlines():
        match = re.match(r"^##\s+(.+?)\s*$", line)
        if match:
            if "".join(lines).strip():
                parts.append((heading, "\n".join(lines).strip()))
            heading, lines = match.group(1), []
        else:
            lines.append(line)
    if "".join(lines).strip():
        parts.append((heading, "\n".join(lines).strip()))
    return parts


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def chunks(case: CaseStudy) -> list[Chunk]:
    """The retrieval chunks of a case: one per section, each prefixed by the case title."""
    meta: dict[str, Any] = {
        "case_id": case.id,
        "title": case.title,
        "sector": case.sector,
        "subsector": case.subsector or "",
        "size_band": case.size_band,
        "technologies": ",".join(case.technologies),
        "process_areas": ",".join(case.process_areas),
        "ai_use_cases": ",".join(case.ai_use_cases),
        "path": case.path,
        "content_hash": case.content_hash,
    }
    out: list[Chunk] = []
    seen: set[str] = set()
    for heading, text in case.sections():
        slug = _slug(heading)
        while slug in seen:
            slug += "-2"
        seen.add(slug)
        out.append(
            Chunk(
                id=f"{case.id}#{slug}",
                case_id=case.id,
                section=heading,
                text=f"{case.title} — {heading}\n{text}",
                metadata={**meta, "section": heading},
            )
        )
    return out


def _split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n?(.*)$", text, flags=re.S)
    if not match:
        raise InputError([Problem(source, "", "missing YAML front matter between '---' lines")])
    try:
        front = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        message = f"invalid YAML front matter: {exc}".splitlines()[0]
        raise InputError([Problem(source, "", message)]) from None
    if not isinstance(front, dict):
        raise InputError([Problem(source, "", "front matter must be a mapping")])
    return front, match.group(2)


def parse_case(text: str, source: str) -> CaseStudy:
    """Parse one case-study file's text; raise `InputError` naming each bad field."""
    from dih_ai.assessment.load import problems_from_validation

    front, body = _split_front_matter(text, source)
    try:
        case = CaseStudy.model_validate(front)
    except ValidationError as exc:
        raise InputError(problems_from_validation(source, exc)) from None
    problems: list[Problem] = []
    if case.employees is not None:
        low, high = SIZE_BAND_EMPLOYEES[case.size_band]
        if case.employees < low or (high is not None and case.employees > high):
            problems.append(
                Problem(
                    source,
                    "employees",
                    f"{case.employees} does not agree with size_band '{case.size_band}'",
                )
            )
    stem = Path(source).stem
    if Path(source).suffix == ".md" and stem != case.id:
        problems.append(Problem(source, "id", f"'{case.id}' must equal the file name '{stem}'"))
    if problems:
        raise InputError(problems)
    case.body = body.strip()
    case.path = source
    case.content_hash = hashlib.sha256(text.encode()).hexdigest()[:16]
    return case


@dataclass
class Corpus:
    """A loaded corpus: the cases by id, and the problems of the files that did not load."""

    cases: dict[str, CaseStudy] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    root: Path | None = None

    def get(self, case_id: str) -> CaseStudy | None:
        """The case with this id, or None."""
        return self.cases.get(case_id)


def load_corpus(folder: str | Path) -> Corpus:
    """Load every `*.md` case study in `folder` (recursively), collecting problems per file."""
    root = Path(folder)
    corpus = Corpus(root=root)
    if not root.is_dir():
        corpus.problems.append(Problem(str(root), "", "corpus folder not found"))
        return corpus
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if rel.lower() in ("readme.md",):
            continue
        source = f"corpus/{rel}"
        try:
            raw = path.read_bytes()
            if len(raw) > MAX_CASE_BYTES:
                raise InputError([Problem(source, "", "case study over 500 KB")])
            case = parse_case(raw.decode("utf-8"), source)
        except UnicodeDecodeError:
            corpus.problems.append(Problem(source, "", "not UTF-8 text"))
            continue
        except InputError as exc:
            corpus.problems.extend(exc.problems)
            continue
        if case.id in corpus.cases:
            corpus.problems.append(
                Problem(
                    source, "id", f"'{case.id}' is already used by {corpus.cases[case.id].path}"
                )
            )
            continue
        corpus.cases[case.id] = case
    return corpus


THIN_WORDS = 300
EXPECTED_SECTIONS = (("sfida", "challenge"), ("soluzione", "solution"), ("risultati", "results"))


def case_warnings(case: CaseStudy) -> list[str]:
    """What makes a case thin for retrieval and citation (not errors: the case still loads)."""
    warnings: list[str] = []
    words = len(re.findall(r"\w+", case.body))
    if words < THIN_WORDS:
        warnings.append(f"{case.path}: narrative of {words} words; {THIN_WORDS}+ expected")
    headings = {h.lower() for h, _ in case.sections()}
    for names in EXPECTED_SECTIONS:
        if not headings & set(names):
            warnings.append(f"{case.path}: no '## {names[0].capitalize()}' section")
    if not case.results:
        warnings.append(f"{case.path}: results: no measured result")
    for n, result in enumerate(case.results):
        for name in ("baseline", "value"):
            number = getattr(result, name)
            if number is not None and f"{number:g}" not in case.body:
                warnings.append(
                    f"{case.path}: results.{n}.{name}: {number:g} does not appear in the narrative"
                )
    return warnings


def corpus_hash(corpus: Corpus) -> str:
    """A digest of the whole corpus (ids and contents), recorded with drafts and eval runs."""
    digest = hashlib.sha256()
    for case_id in sorted(corpus.cases):
        digest.update(f"{case_id}:{corpus.cases[case_id].content_hash}\n".encode())
    return digest.hexdigest()[:16]
