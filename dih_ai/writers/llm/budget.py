"""A document's token budget and usage: the calls planned before anything is sent
(`CallPlan`, `--dry-run`), the prompt prefix a provider's cache can serve, and the tally its
concurrent section calls share (reservations against the per-draft budget, usage added up)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from dih_ai.draft import Usage
from dih_ai.errors import BudgetError
from dih_ai.writers.llm.pricing import call_usage

CACHE_MIN_TOKENS = 1024  # OpenAI caches prompt prefixes from 1,024 tokens,
CACHE_STEP_TOKENS = 128  # in steps of 128


@dataclass
class CallPlan:
    """One planned model call (for --dry-run and budgets)."""

    section_id: str
    prompt_tokens: int
    max_completion_tokens: int
    sources_used: int
    cost_usd: float
    cached_tokens: int = 0  # the shared prefix, expected from the provider's cache


def cacheable(prefix_tokens: int) -> int:
    """The prompt tokens a provider's automatic cache can serve for this shared prefix."""
    if prefix_tokens < CACHE_MIN_TOKENS:
        return 0
    return prefix_tokens // CACHE_STEP_TOKENS * CACHE_STEP_TOKENS


@dataclass
class Tally:
    """Usage of one document, shared by its concurrent section calls."""

    model: str
    budget: int
    usage: Usage = field(default_factory=Usage)
    cached_calls: int = 0
    reserved: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self, tokens: int, section_id: str) -> None:
        with self.lock:
            spent = self.usage.prompt_tokens + self.usage.completion_tokens
            if spent + self.reserved + tokens > self.budget:
                raise BudgetError(
                    f"section {section_id}: the draft would exceed its budget of "
                    f"{self.budget} tokens (DIH_AI_MAX_TOKENS_PER_DRAFT)",
                    section=section_id,
                )
            self.reserved += tokens

    def count(
        self,
        prompt: int,
        completion: int,
        cached: int = 0,
        *,
        reserved: int = 0,
        batch: bool = False,
    ) -> None:
        with self.lock:
            self.reserved -= reserved
            self.usage += call_usage(self.model, prompt, completion, cached, batch=batch)

    def release(self, reserved: int) -> None:
        with self.lock:
            self.reserved -= reserved
