"""The assessment file as pydantic models (docs/formats.md, "Assessment file")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dih_ai.assessment.scoring import (
    data_levels_from_answers,
    dma_scores_from_answers,
    hub_extra_ids,
    hub_extra_problems,
)
from dih_ai.vocab import (
    SIZE_BAND_EMPLOYEES,
    CyberFramework,
    Language,
    Sector,
    SizeBand,
    Stage,
    TechnologyKey,
)


def _real_date(value: object) -> object:
    """Accept a date or an ISO `YYYY-MM-DD` string; refuse timestamps and datetimes."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date YYYY-MM-DD, got a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a real date") from None
    raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")


Score = Annotated[StrictFloat, Field(ge=0, le=100)]
Level = Annotated[StrictInt, Field(ge=1, le=5)]
TechLevel = Annotated[StrictInt, Field(ge=0, le=5)]
RealDate = Annotated[dt.date, BeforeValidator(_real_date)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300)]

# Oversized free text is refused: a roadmap note is a paragraph, not a document.
MAX_NOTES_CHARS = 20_000
MAX_GOALS = 50


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


class Company(_Strict):
    """Who was assessed. `name` and `vat` are confidential: pseudonymised before any model."""

    id: Slug
    name: ShortText
    vat: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[0-9A-Z]{2,13}$")] | None = None
    sector: Sector
    subsector: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]+$", max_length=60)] | None = (
        None
    )
    ateco: Annotated[str, StringConstraints(pattern=r"^\d{2}(\.\d{1,2}){0,2}$")] | None = None
    size_band: SizeBand
    employees: Annotated[StrictInt, Field(ge=1, le=1_000_000)] | None = None
    region: ShortText | None = None
    province: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None

    @field_validator("employees")
    @classmethod
    def _employees_match_band(cls, employees: int | None, info: ValidationInfo) -> int | None:
        band = info.data.get("size_band")
        if employees is not None and band in SIZE_BAND_EMPLOYEES:
            low, high = SIZE_BAND_EMPLOYEES[band]
            if employees < low or (high is not None and employees > high):
                span = f"{low}-{high}" if high else f"{low} or more"
                raise ValueError(
                    f"{employees} does not agree with size_band '{band}' ({span} employees)"
                )
        return employees


class DMAScores(_Strict):
    """The six DMA dimension scores, 0-100."""

    digital_business_strategy: Score
    digital_readiness: Score
    human_centric_digitalisation: Score
    data_management: Score
    automation_ai: Score
    green_digitalisation: Score


class DMA(_Strict):
    """EU EDIH Digital Maturity Assessment: stage, scores, technology profile (0-5).

    Give the six `scores`, or the raw module-2 `answers` they are computed from
    (docs/input.md), or both (then they must agree). `hub_extra` holds answers to the hub's
    own questions (`hub_extra` in dma_questions.yaml): checked, kept, never scored.
    """

    stage: Stage
    scores: DMAScores
    technologies: dict[TechnologyKey, TechLevel] = Field(default_factory=dict)
    answers: dict[str, Any] | None = None
    hub_extra: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _scores_from_answers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("hub_extra") is not None:
            problems = hub_extra_problems(data["hub_extra"], "hub_extra")
            if problems:
                raise ValueError("; ".join(f"{path}: {message}" for path, message in problems))
        if data.get("answers") is not None:
            computed, problems = dma_scores_from_answers(data["answers"], "answers")
            if problems:
                raise ValueError("; ".join(f"{path}: {message}" for path, message in problems))
            data["answers"], data["hub_extra"] = _split_hub_extra(
                data["answers"], data.get("hub_extra")
            )
            given = data.get("scores")
            if given is None:
                data["scores"] = computed
            elif isinstance(given, dict):
                for key, value in computed.items():
                    other = given.get(key)
                    if isinstance(other, int | float) and abs(other - value) > 0.5:
                        raise ValueError(
                            f"scores.{key}: {other} disagrees with {value} computed from answers"
                        )
        return data


def _split_hub_extra(
    answers: dict[str, Any], hub_extra: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Move hub extra answers left in `answers` by version-1 files into `hub_extra`."""
    extras = hub_extra_ids() & set(answers)
    if not extras:
        return answers, hub_extra
    merged = dict(hub_extra or {})
    for key in sorted(extras):
        if key in merged:
            raise ValueError(f"answers.{key}: given twice, here and in hub_extra.{key}")
        merged[key] = answers[key]
    return {k: v for k, v in answers.items() if k not in extras}, merged


class CyberFunctions(_Strict):
    """NIST CSF 2.0 / FNCDP 2.1 functions, 0-100."""

    govern: Score
    identify: Score
    protect: Score
    detect: Score
    respond: Score
    recover: Score


class Cybersecurity(_Strict):
    """The cybersecurity assessment."""

    framework: CyberFramework
    functions: CyberFunctions


class DataForAILevels(_Strict):
    """Data-management maturity for AI: a level 1-5 per dimension."""

    data_strategy_governance: Level
    data_collection: Level
    integration: Level
    data_quality: Level
    metadata_lineage: Level
    security_privacy: Level
    analytics_ml: Level
    ai_governance: Level
    skills_culture: Level


class DataForAI(_Strict):
    """The hub's data-management-for-AI assessment: `levels` per dimension, or the
    questionnaire `answers` (1-5 per question id) they are computed from."""

    levels: DataForAILevels
    answers: dict[str, Any] | None = None
    scores: dict[str, float] | None = Field(
        default=None, description="0-100 per dimension and overall, when computed from answers"
    )

    @model_validator(mode="before")
    @classmethod
    def _levels_from_answers(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("answers") is not None:
            data = dict(data)
            levels, scores, problems = data_levels_from_answers(data["answers"], "answers")
            if problems:
                raise ValueError("; ".join(f"{path}: {message}" for path, message in problems))
            if data.get("levels") is None:
                data["levels"] = levels
            data["scores"] = scores
        return data


class Assessment(_Strict):
    """One company's assessment results: the input of every draft."""

    schema_version: StrictInt = Field(default=1, ge=1, le=1)
    company: Company
    language: Language = "it"
    assessment_date: RealDate
    dma: DMA
    cybersecurity: Cybersecurity | None = None
    data_for_ai: DataForAI | None = None
    goals: Annotated[list[ShortText], Field(max_length=MAX_GOALS)] = Field(default_factory=list)
    notes: Annotated[str, StringConstraints(max_length=MAX_NOTES_CHARS)] | None = None

    def _repr_markdown_(self) -> str:
        from dih_ai.notebook import assessment_markdown

        return assessment_markdown(self)

    def _repr_html_(self) -> str:
        from dih_ai.notebook import assessment_html

        return assessment_html(self)
