"""What a draft or a deep dive would cost with the configured model, counted before anything
is sent (`dih-ai draft --dry-run`, `dih-ai deep-dive --dry-run`): the calls it would make,
their prompt tokens (tiktoken), output limits, sources and list-price cost."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dih_ai.config import Settings, current
from dih_ai.vocab import Language

if TYPE_CHECKING:
    from dih_ai.assessment.models import Assessment
    from dih_ai.draft import RoadmapDraft
    from dih_ai.pipeline import Workspace
    from dih_ai.writers.llm import CallPlan, LLMWriter

OFFLINE = "offline writer: no model calls, no tokens, no cost"


@dataclass
class Estimate:
    """The model calls a document would make (none with the offline writer: `model` None)."""

    model: str | None = None
    method: str | None = None
    calls: list[CallPlan] = field(default_factory=list)

    @property
    def prompt_tokens(self) -> int:
        """Prompt tokens of every call."""
        return sum(c.prompt_tokens for c in self.calls)

    @property
    def cached_tokens(self) -> int:
        """The part of them expected from the provider's prompt cache."""
        return sum(c.cached_tokens for c in self.calls)

    @property
    def max_completion_tokens(self) -> int:
        """The most the answers may take."""
        return sum(c.max_completion_tokens for c in self.calls)

    @property
    def cost_usd(self) -> float:
        """The most it would cost at list prices, before any re-ask."""
        return sum(c.cost_usd for c in self.calls)

    def text(self) -> str:
        """The table `--dry-run` prints: one line per call, then the totals."""
        if self.model is None:
            return OFFLINE
        lines = [
            f"model {self.model} ({self.method}); nothing sent",
            f"{'section':<16} {'prompt':>7} {'max out':>8} {'sources':>7} {'cost $':>9}",
        ]
        lines += [
            f"{c.section_id:<16} {c.prompt_tokens:>7} {c.max_completion_tokens:>8} "
            f"{c.sources_used:>7} {c.cost_usd:>9.4f}"
            for c in self.calls
        ]
        lines.append(
            f"{len(self.calls)} calls, {self.prompt_tokens} prompt tokens ({self.cached_tokens} "
            f"expected from the provider's prompt cache), at most {self.max_completion_tokens} "
            f"completion tokens, at most ${self.cost_usd:.4f} "
            "(before any re-ask; list prices in data/prices.yaml)"
        )
        return "\n".join(lines)


def _model_writer(settings: Settings | None) -> LLMWriter | None:
    """The model writer of the settings, or None when they choose the offline writer."""
    settings = settings or current()
    if settings.resolved_backend() == "offline":
        return None
    from dih_ai.writers.llm import LLMWriter

    return LLMWriter(settings)


def estimate_draft(
    assessment: Assessment,
    workspace: Workspace,
    settings: Settings | None = None,
    *,
    k: int = 5,
    baseline: Assessment | None = None,
    as_of: dt.date | None = None,
) -> Estimate:
    """The calls `draft_roadmap` would make with these settings (same arguments); nothing
    is sent."""
    writer = _model_writer(settings)
    if writer is None:
        return Estimate()
    from dih_ai.pipeline import prepare

    data, _ = prepare(assessment, workspace, k=k, baseline=baseline, as_of=as_of)
    return Estimate(writer.model_name, writer.method, writer.estimate(data))


def estimate_deep_dive(
    draft: RoadmapDraft,
    initiative_id: str,
    workspace: Workspace,
    settings: Settings | None = None,
    *,
    assessment: Assessment | None = None,
    start: dt.date | None = None,
    k: int = 3,
    language: Language | None = None,
) -> Estimate:
    """The calls `deep_dive` would make with these settings (same arguments); nothing is
    sent."""
    writer = _model_writer(settings)
    if writer is None:
        return Estimate()
    from dih_ai.deep_dive import prepare_deep_dive

    data, _ = prepare_deep_dive(
        draft,
        initiative_id,
        workspace,
        assessment=assessment,
        start=start,
        k=k,
        language=language,
    )
    return Estimate(writer.model_name, writer.method, writer.estimate(data))
