"""What a draft and its assessment say, read tolerantly: fields of any draft version (a
missing or malformed field reads as absent), and the English labels of the data files."""

from __future__ import annotations

from typing import Any

from dih_ai.portfolio.load import DraftRecord
from dih_ai.vocab import DMA_DIMENSIONS

HORIZONS = ("0-6m", "6-18m", "18-36m")
# the draft field of this version first (grants and tax/loan benefits), then other spellings
GRANT_KEYS = ("funding_estimate_eur", "grant_eur", "estimated_grant_eur", "grant_estimate_eur")


def data_file(name: str) -> dict[str, Any]:
    """A data file of dih_ai/data as a mapping ({} when it is missing)."""
    from dih_ai.resources import load_data

    try:
        data = load_data(name)
    except OSError:
        return {}
    return data if isinstance(data, dict) else {}


def english(value: Any, default: str) -> str:
    """The English text of a data-file entry ({it:, en:}), else `default`."""
    if isinstance(value, dict):
        return str(value.get("en") or value.get("it") or default)
    return str(value) if value else default


def metric_label(metric: str) -> str:
    """The English name of a metric (dma.x, data.x, cyber.x)."""
    entry = data_file("readiness.yaml").get("labels", {}).get(metric)
    return english(entry, metric.split(".", 1)[-1].replace("_", " "))


def use_case_label(use_case: str) -> str:
    """The English title of a catalogue use case."""
    spec = data_file("use_cases.yaml").get("use_cases", {}).get(use_case) or {}
    return english(spec.get("title"), use_case.replace("_", " "))


def label(group: str, key: str) -> str:
    """The English label of `key` in labels.yaml's `group`."""
    return english(data_file("labels.yaml").get(group, {}).get(key), key.replace("_", " "))


def funding_names() -> dict[str, str]:
    """Funding measure id -> English name."""
    entries = data_file("funding.yaml").get("funding") or []
    return {e["id"]: english(e.get("name"), e["id"]) for e in entries if isinstance(e, dict)}


def dma_scores(record: DraftRecord) -> dict[str, float]:
    """The six DMA scores of a draft: from its assessment, else from the draft's readiness."""
    if record.assessment is not None:
        return {k: float(v) for k, v in record.assessment.dma.scores.model_dump().items()}
    scores = (record.data.get("readiness") or {}).get("dma_scores") or {}
    return {k: float(scores[k]) for k in DMA_DIMENSIONS if isinstance(scores.get(k), int | float)}


def dma_overall(record: DraftRecord) -> float | None:
    """The overall DMA score (mean of the six dimensions)."""
    scores = dma_scores(record)
    if len(scores) == len(DMA_DIMENSIONS):
        return round(sum(scores.values()) / len(scores), 1)
    value = (record.data.get("readiness") or {}).get("dma_overall")
    return float(value) if isinstance(value, int | float) else None


def dma_band(record: DraftRecord) -> str | None:
    """The DMA band id (from the draft, else computed from the overall score)."""
    band = (record.data.get("readiness") or {}).get("dma_band")
    if isinstance(band, str):
        return band
    overall = dma_overall(record)
    if overall is None:
        return None
    from dih_ai.analysis import dma_band as band_of

    return band_of(overall)


def gates(record: DraftRecord) -> dict[str, bool]:
    """Gate id -> passed, from the draft's readiness."""
    out: dict[str, bool] = {}
    for gate in (record.data.get("readiness") or {}).get("gates") or []:
        if isinstance(gate, dict) and isinstance(gate.get("id"), str):
            out[gate["id"]] = bool(gate.get("passed"))
    return out


def initiatives(record: DraftRecord) -> list[dict[str, Any]]:
    """The draft's initiatives (objects)."""
    return [i for i in record.data.get("initiatives") or [] if isinstance(i, dict)]


def range_eur(value: Any) -> tuple[float, float] | None:
    """A euro figure as (low, high): a number, [low, high] or {low/min, high/max}."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value), float(value)
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        return float(value[0]), float(value[1])
    if isinstance(value, dict):
        low = value.get("low", value.get("min"))
        high = value.get("high", value.get("max"))
        if isinstance(low, int | float) and isinstance(high, int | float):
            return float(low), float(high)
    return None


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> tuple[float, float] | None:
    for key in keys:
        if key in item:
            found = range_eur(item[key])
            if found:
                return found
    return None


def funding_items(initiative: dict[str, Any]) -> list[dict[str, Any]]:
    """An initiative's funding as objects with an `id` (plain ids become {"id": ...})."""
    out = []
    for item in initiative.get("funding") or []:
        if isinstance(item, str):
            out.append({"id": item})
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            out.append(item)
    return out


def grant(initiative: dict[str, Any]) -> tuple[float, float] | None:
    """The initiative's estimated funding (grants, tax and loan benefits) when the draft
    carries it: `funding_estimate_eur`, or estimates on its funding entries added up."""
    total = _first(initiative, GRANT_KEYS)
    if total:
        return total
    parts = [g for g in (_first(f, GRANT_KEYS) for f in funding_items(initiative)) if g]
    if not parts:
        return None
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def touches_staff(initiative: dict[str, Any]) -> bool:
    """Whether the worker-monitoring conditions apply: the initiative says so, else its
    catalogue use case is marked `touches_staff` (or its AI Act condition names workers)."""
    if isinstance(initiative.get("touches_staff"), bool):
        return bool(initiative["touches_staff"])
    use_case = initiative.get("use_case")
    if not use_case:
        return False
    spec = data_file("use_cases.yaml").get("use_cases", {}).get(use_case) or {}
    if isinstance(spec.get("touches_staff"), bool):
        return bool(spec["touches_staff"])
    raised = english((spec.get("ai_act") or {}).get("raised_when"), "")
    return "worker" in raised.lower()


def names(group: str) -> dict[str, str]:
    """Every key of labels.yaml's `group` -> its English label."""
    return {k: english(v, k) for k, v in (data_file("labels.yaml").get(group) or {}).items()}
