"""The AI Act on the drafting date: its milestones, when the Annex III duties apply, the
duties of each risk class and the conditions for processing workers' data."""

from __future__ import annotations

import datetime as dt

from dih_ai.assessment.models import Assessment
from dih_ai.draft import Initiative
from dih_ai.i18n import date, localised, phrase
from dih_ai.knowledge import as_date
from dih_ai.matching import INSTRUCTION_WORDS, catalogue, note_sentences, quote
from dih_ai.plan.models import AIActMilestone
from dih_ai.resources import load_data
from dih_ai.text import mentions_any, mentions_together


def ai_act_milestones(language: str, as_of: dt.date) -> list[AIActMilestone]:
    """AI Act milestones, marked as applying or not yet on `as_of`."""
    return [
        AIActMilestone(
            id=m["id"],
            date=as_date(m["date"]) or as_of,
            text=localised(m["text"], language),
            applies=(as_date(m["date"]) or as_of) <= as_of,
            topic=m.get("topic", ""),
        )
        for m in load_data("ai_act.yaml")["milestones"]
    ]


def annex_iii_date(language: str) -> str:
    """When the Annex III high-risk duties apply (from `ai_act.yaml`), in words."""
    entry = next(m for m in load_data("ai_act.yaml")["milestones"] if m["id"] == "annex_iii")
    return date(as_date(entry["date"]) or dt.date.today(), language)


def class_duties(language: str) -> dict[str, str]:
    """The duties of each AI Act risk class, in `language`."""
    duties = load_data("ai_act.yaml")["class_duties"]
    return {k: localised(v, language) for k, v in duties.items()}


def staff_note(assessment: Assessment) -> str | None:
    """The first note sentence that asks to rank, reward or evaluate staff (a fact, not an
    order), or None."""
    data = load_data("ai_act.yaml")["worker_conditions"]
    words = [w for ws in data["evaluation_words"].values() for w in ws]
    return next(
        (
            s
            for s in note_sentences(assessment)
            if mentions_together(s, words) and not mentions_any(s, INSTRUCTION_WORDS)
        ),
        None,
    )


def worker_conditions(
    initiatives: list[Initiative], language: str, note: str | None = None
) -> list[str]:
    """The conditions for AI that processes workers' data, when an initiative does; first,
    where the consultant's notes ask to rank, reward or evaluate staff (`note`, see
    `staff_note`), that wish quoted with what it takes."""
    specs = catalogue()["use_cases"]
    if not any(i.use_case and specs[i.use_case].get("touches_staff") for i in initiatives):
        return []
    out = [str(x) for x in load_data("ai_act.yaml")["worker_conditions"]["text"][language]]
    if note:
        quoted = f"«{quote(note)}»"
        out.insert(0, phrase("worker_note", language, note=quoted, date=annex_iii_date(language)))
    return out
