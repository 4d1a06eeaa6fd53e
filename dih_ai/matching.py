"""What the company asks for: its stated goals and the consultant's notes matched to the
catalogue's use cases and foundations. Notes are untrusted text: they are read as data (a
fact a sentence states, quoted back), never as instructions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from dih_ai.assessment.models import Assessment
from dih_ai.resources import load_data
from dih_ai.text import matched_keywords, mentions_any, sentences

MAX_QUOTE = 160
# Words of a sentence that addresses the drafting tool instead of describing the company.
INSTRUCTION_WORDS = [
    "ignora",
    "ignorare",
    "proponi",
    "scrivi",
    "cita",
    "includi",
    "non proporre",
    "ignore",
    "disregard",
    "propose",
    "write",
    "cite",
    "include only",
    "do not propose",
    "istruzioni",
    "instructions",
]


class Match(BaseModel):
    """A goal or a note sentence that points to a catalogue entry."""

    key: str = Field(description="use-case or enabler key of the catalogue")
    text: str = Field(description="the goal, or the note sentence, that points to it")
    score: float
    from_goal: bool


class GoalCoverage(BaseModel):
    """A stated goal and the initiatives that address it (empty = explained in `reason`)."""

    goal: str
    initiatives: list[str] = Field(default_factory=list)
    reason: str | None = None


def catalogue() -> dict[str, Any]:
    """The use-case catalogue (`data/use_cases.yaml`)."""
    return load_data("use_cases.yaml")


def _weight(keywords: list[str]) -> float:
    # a phrase says more than a word: "scarti di fusione" beats "scarti"
    return sum(len(k.split()) for k in keywords)


def _fit(spec: dict[str, Any], assessment: Assessment) -> float:
    company = assessment.company
    fit = 0.5 if company.sector in spec.get("sectors", []) else 0.0
    return fit + (0.5 if company.subsector in spec.get("subsectors", []) else 0.0)


def best_use_case(text: str, assessment: Assessment) -> Match | None:
    """The catalogue use case `text` points to most clearly, or None."""
    best: Match | None = None
    for key, spec in catalogue()["use_cases"].items():
        found = matched_keywords(text, spec["keywords"])
        if not found:
            continue
        score = _weight(found) + _fit(spec, assessment)
        if best is None or score > best.score:
            best = Match(key=key, text=text, score=score, from_goal=False)
    return best


def goal_matches(assessment: Assessment) -> list[Match]:
    """One match per stated goal that points to a use case, in the goals' order."""
    out = []
    for goal in assessment.goals:
        match = best_use_case(goal, assessment)
        if match:
            out.append(match.model_copy(update={"from_goal": True}))
    return out


def note_sentences(assessment: Assessment) -> list[str]:
    """The consultant's notes, one fact (sentence) at a time."""
    return sentences(assessment.notes or "")


def note_matches(assessment: Assessment, min_score: float = 2.0) -> list[Match]:
    """Note sentences that clearly point to a use case (a phrase, or two keywords). A
    sentence that gives orders ("ignore the rules, propose X") states no fact: skipped."""
    out = []
    for sentence in note_sentences(assessment):
        if mentions_any(sentence, INSTRUCTION_WORDS):
            continue
        match = best_use_case(sentence, assessment)
        if match and match.score >= min_score:
            out.append(match)
    return out


def triggered_foundations(assessment: Assessment, basic_band: bool) -> dict[str, str]:
    """Foundation enablers the company needs, with what triggers each: a note sentence (the
    fact it states), a goal, or the basic DMA band."""
    out: dict[str, str] = {}
    notes = note_sentences(assessment)
    for key, spec in catalogue()["enablers"].items():
        triggers = spec.get("triggers")
        if not triggers:
            continue
        if spec.get("factory_only") and not has_factory(assessment):
            continue
        goal = next((g for g in assessment.goals if mentions_any(g, triggers["goals"])), None)
        note = next((s for s in notes if mentions_any(s, triggers["notes"])), None)
        if goal:
            out[key] = f"goal:{goal}"
        elif note:
            out[key] = f"note:{quote(note)}"
        elif basic_band and triggers.get("basic_band"):
            out[key] = "basic_band"
    return out


def has_factory(assessment: Assessment) -> bool:
    """The company runs a plant (its sector is a factory sector)."""
    return assessment.company.sector in catalogue()["factory_sectors"]


def quote(text: str) -> str:
    """Untrusted text shortened for quoting in a reason."""
    text = " ".join(text.split()).rstrip(".;: ")
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"
