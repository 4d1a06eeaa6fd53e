"""List prices of model calls: input, cached input, output, and the Batch API discount.

Prices per million tokens come from `data/prices.yaml`. A model entry may give
`cached_input`; otherwise the provider's published discount on cached prompt tokens for the
model's family applies (OpenAI: half price for the gpt-4o family, a quarter for gpt-4.1).
The Batch API halves input and output prices.
"""

from __future__ import annotations

from dataclasses import dataclass

from dih_ai.draft import Usage
from dih_ai.resources import load_data

BATCH_DISCOUNT = 0.5  # OpenAI Batch API: 50% of the synchronous price, input and output
# the share of the input price a cached prompt token costs, by model family (longest match)
CACHED_INPUT_SHARE = {"gpt-4o": 0.5, "gpt-4.1": 0.25, "o": 0.5}


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float
    cached_input: float


def _family_share(name: str) -> float:
    for family in sorted(CACHED_INPUT_SHARE, key=len, reverse=True):
        if name.startswith(family):
            return CACHED_INPUT_SHARE[family]
    return 1.0


def model_price(model: str) -> Price | None:
    """The list price of `model` (None when `data/prices.yaml` does not list it)."""
    models = load_data("prices.yaml")["models"]
    name = model.split("/")[-1]
    for candidate in sorted(models, key=len, reverse=True):
        if name == candidate or name.startswith(candidate + "-"):
            entry = models[candidate]
            input_price = float(entry["input"])
            cached = entry.get("cached_input")
            return Price(
                input=input_price,
                output=float(entry["output"]),
                cached_input=float(cached)
                if cached is not None
                else input_price * _family_share(candidate),
            )
    return None


def price_of(model: str) -> tuple[float, float] | None:
    """USD per million input and output tokens for `model`, from `data/prices.yaml`."""
    price = model_price(model)
    return None if price is None else (price.input, price.output)


def cost_usd(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    cached_tokens: int = 0,
    *,
    batch: bool = False,
) -> float:
    """The list-price cost of a call (0 when the model has no listed price).

    `cached_tokens` of the prompt tokens are priced as cached input; `batch` applies the
    Batch API discount."""
    price = model_price(model)
    if price is None:
        return 0.0
    cached = min(cached_tokens, prompt_tokens)
    total = (
        (prompt_tokens - cached) * price.input
        + cached * price.cached_input
        + completion_tokens * price.output
    ) / 1_000_000
    return round(total * (BATCH_DISCOUNT if batch else 1.0), 6)


def call_usage(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    cached_tokens: int = 0,
    *,
    batch: bool = False,
) -> Usage:
    """One model call as `Usage`, priced as `cost_usd` prices it; add them up with `+`."""
    return Usage(
        prompt_tokens=prompt_tokens,
        cached_tokens=cached_tokens,
        completion_tokens=completion_tokens,
        llm_calls=1,
        cost_usd=cost_usd(model, prompt_tokens, completion_tokens, cached_tokens, batch=batch),
    )
