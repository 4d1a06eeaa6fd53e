"""The closed vocabularies of the formats (docs/formats.md). Thresholds and dates are data
files; these keys are part of the file formats other tools depend on."""

from __future__ import annotations

from typing import Literal, get_args

Sector = Literal[
    "manufacturing",
    "agrifood",
    "mobility_automotive",
    "construction",
    "energy",
    "health",
    "logistics",
    "retail",
    "textile_fashion",
    "ict",
    "services",
    "other",
]
SizeBand = Literal["micro", "small", "medium", "large"]
Language = Literal["it", "en"]
LANGUAGES: tuple[Language, ...] = ("it", "en")
Stage = Literal["T0", "T1", "T2"]

DMA_DIMENSIONS: tuple[str, ...] = (
    "digital_business_strategy",
    "digital_readiness",
    "human_centric_digitalisation",
    "data_management",
    "automation_ai",
    "green_digitalisation",
)

TechnologyKey = Literal[
    "nlp",
    "computer_vision",
    "audio_speech",
    "robotics_autonomous",
    "bi_analytics_decision",
    "digital_twin",
    "vr_ar",
    "cad_cam",
    "mes",
    "iot_iiot",
    "blockchain",
    "additive",
]
TechnologyTag = Literal[
    TechnologyKey,
    "ai_ml",
    "genai_llm",
    "predictive_maintenance",
    "cloud_edge",
    "erp_integration",
    "cybersecurity",
    "energy_monitoring",
    "cobot",
]
ProcessArea = Literal[
    "design_engineering",
    "production",
    "quality",
    "maintenance",
    "logistics",
    "sales_service",
    "admin",
]
UseCase = Literal[
    "predictive_maintenance",
    "visual_inspection",
    "demand_forecasting",
    "production_scheduling",
    "energy_optimisation",
    "process_optimisation",
    "genai_documents",
    "genai_customer_service",
    "supply_chain",
    "design_generative",
    "quality_prediction",
    "quoting",
    "order_processing",
    "traceability",
    "route_optimisation",
    "knowledge_assistant",
    "worker_safety",
    "robotics_vision",
    "recruiting_hr",
]
Horizon = Literal["0-6m", "6-18m", "18-36m"]
AIActRisk = Literal["minimal", "limited", "high", "prohibited"]
Effort = Literal["low", "medium", "high"]
CyberFramework = Literal["nist_csf_2", "fncdp_2_1"]
CYBER_FUNCTIONS: tuple[str, ...] = ("govern", "identify", "protect", "detect", "respond", "recover")
DATA_FOR_AI_DIMENSIONS: tuple[str, ...] = (
    "data_strategy_governance",
    "data_collection",
    "integration",
    "data_quality",
    "metadata_lineage",
    "security_privacy",
    "analytics_ml",
    "ai_governance",
    "skills_culture",
)

SECTION_IDS: tuple[str, ...] = (
    "ai_summary",
    "ai_baseline",
    "readiness_gates",
    "use_cases",
    "initiatives",
    "enablers",
    "compliance",
    "kpis",
    "funding",
    "case_studies",
    "next_steps",
)

SIZE_BAND_EMPLOYEES: dict[str, tuple[int, int | None]] = {
    "micro": (1, 9),
    "small": (10, 49),
    "medium": (50, 249),
    "large": (250, None),
}


def values(literal: object) -> tuple[str, ...]:
    """The allowed strings of a `Literal` vocabulary."""
    return tuple(get_args(literal))
