"""What a Batch API run keeps: its state on disk (`BatchState`, saved after every step so a
killed run resumes) and its summary (`BatchApiSummary`: answers, re-asks, cost, saving)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, Field

from dih_ai.batch import BatchSummary
from dih_ai.batch_api_requests import Tokens
from dih_ai.writers.llm import cost_usd

TERMINAL = ("completed", "expired", "failed", "cancelled")


class BatchCompany(BaseModel):
    """A company of the batch, as the state records it."""

    key: str  # opaque: the only company reference that is uploaded
    source: str
    company_id: str
    stem: str


class BatchState(BaseModel):
    """What a run has submitted, saved after every step (`<out>/.batch-api/state.json`)."""

    run: str
    model: str
    as_of: dt.date | None = None  # the drafting date the requests were built on
    companies: list[BatchCompany]
    requests: int
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    downloaded: bool = False


class BatchApiSummary(BatchSummary):
    """A batch run through the Batch API: its answers, re-asks and what it saved."""

    batch_id: str | None = None
    batch_status: str | None = None
    batch_answers: int = 0
    re_asked: int = 0
    batch_cost_usd: float = 0.0
    saved_usd: float = Field(default=0.0, description="against the same answers asked one by one")

    def text(self) -> str:
        """The summary for people, with the Batch API's share and saving."""
        return (
            f"{super().text()}; Batch API {self.batch_id} ({self.batch_status}): "
            f"{self.batch_answers} answers at half price (${self.batch_cost_usd:.4f}), "
            f"{self.re_asked} sections re-asked synchronously; saved ${self.saved_usd:.4f} "
            "against synchronous calls"
        )

    def add_answers(self, model: str, tokens: Iterable[Tokens], re_asked: int) -> None:
        """Count one company's batch answers (their tokens), its re-asks, their cost at the
        batch price and the saving against the listed price."""
        tokens = list(tokens)
        self.batch_answers += len(tokens)
        self.re_asked += re_asked
        batch_cost = sum(cost_usd(model, *t[:2], t[2], batch=True) for t in tokens)
        listed = sum(cost_usd(model, *t[:2], t[2]) for t in tokens)
        self.batch_cost_usd = round(self.batch_cost_usd + batch_cost, 6)
        self.saved_usd = round(self.saved_usd + listed - batch_cost, 6)
