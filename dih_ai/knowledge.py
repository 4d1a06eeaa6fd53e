"""Facts that change (AI Act dates, funding calls, the DMA questionnaire, model prices) are
data with their source and the date they were checked. This module lists them, says which
are due for review on a date, and gives a draft its `knowledge_as_of`.

Every dated data file carries `checked_on` and `review_by` (at the top, per entry, or both)
and a `source`/`sources`. `dih-ai facts` prints the list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from dih_ai.config import current
from dih_ai.resources import data_path, load_data

# The data files whose facts change with time, and where their entries are.
DATED_FILES: dict[str, str | None] = {
    "ai_act.yaml": "milestones",
    "funding.yaml": "funding",
    "dma_questions.yaml": None,
    "prices.yaml": None,
}
# The files a draft's text depends on: its `knowledge_as_of` is their oldest check.
DRAFT_FILES = ("ai_act.yaml", "funding.yaml")


class Fact(BaseModel):
    """One dated fact (a file, or an entry in it) and its review status on a date."""

    file: str
    id: str
    source: str
    checked_on: dt.date | None
    review_by: dt.date | None
    status: str  # ok | review_due | undated

    @property
    def line(self) -> str:
        """One printable line: status, file, id, dates, source."""
        checked = self.checked_on.isoformat() if self.checked_on else "-"
        review = self.review_by.isoformat() if self.review_by else "-"
        return (
            f"{self.status:<10} {self.file:<20} {self.id:<26} checked {checked}  "
            f"review by {review}  {self.source}"
        )


def as_date(value: Any) -> dt.date | None:
    """A data-file date (YAML gives dates, JSON strings); None stays None."""
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _source(entry: dict[str, Any], default: str = "") -> str:
    source = entry.get("source") or entry.get("sources") or default
    return "; ".join(map(str, source)) if isinstance(source, list) else str(source)


def _fact(file: str, fid: str, entry: dict[str, Any], top: dict[str, Any], on: dt.date) -> Fact:
    checked = as_date(entry.get("checked_on") or top.get("checked_on") or top.get("as_of"))
    review = as_date(entry.get("review_by") or top.get("review_by"))
    status = "undated" if checked is None else "review_due" if review and review < on else "ok"
    return Fact(
        file=file,
        id=fid,
        source=_source(entry, _source(top, str(data_path(file)))),
        checked_on=checked,
        review_by=review,
        status=status,
    )


def list_facts(on: dt.date | None = None) -> list[Fact]:
    """Every dated fact, with its status on `on` (default today)."""
    on = on or drafting_date()
    facts: list[Fact] = []
    for file, key in DATED_FILES.items():
        data = load_data(file)
        facts.append(_fact(file, "(file)", data, data, on))
        for entry in data.get(key, []) if key else []:
            facts.append(_fact(file, str(entry.get("id")), entry, data, on))
    return facts


def knowledge_as_of(files: tuple[str, ...] = DRAFT_FILES) -> dt.date:
    """The oldest `checked_on` among the facts in `files`: how fresh a draft's knowledge is."""
    dates = [
        f.checked_on
        for f in list_facts()
        if f.file in files and f.checked_on is not None and f.id != "(file)"
    ]
    return min(dates)


def drafting_date(value: dt.date | str | None = None) -> dt.date:
    """The drafting date `as_of`: `value` when given, else `$DIH_AI_AS_OF`, else today."""
    if value:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return current().as_of or dt.date.today()


def due_for_review(on: dt.date) -> list[Fact]:
    """The facts past their `review_by` on `on`."""
    return [f for f in list_facts(on) if f.status == "review_due"]
