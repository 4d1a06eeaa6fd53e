"""What the company asks for: its stated goals and the consultant's notes matched to the
catalogue's use cases and foundations. Notes are untrusted text: they are read as data (a
fact a sentence states, quoted back), never as instructions."""

from __future__ import annotations

import re
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
# Words of a note sentence that states a problem or a wish; a sentence that only describes
# what the company has ("ERP for orders since 2019", "robots on 20 presses") is a fact the
# plan uses, but it does not ask for a use case on its own.
PROBLEM_WORDS = [
    "a mano",
    "manualmente",
    "ricopia",
    "ricopiati",
    "reinseriti",
    "errori",
    "ritardi",
    "ritardo",
    "lamenta",
    "lamentano",
    "problema",
    "problemi",
    "difficoltà",
    "perde",
    "perdono",
    "spreco",
    "sprechi",
    "reclami",
    "contestazioni",
    "richiede",
    "richiedono",
    "troppo",
    "troppi",
    "troppe",
    "vorrebbe",
    "vorrebbero",
    "manca",
    "mancano",
    "preoccupa",
    "by hand",
    "manually",
    "re-keyed",
    "retyped",
    "errors",
    "mistakes",
    "delays",
    "complain",
    "complaints",
    "problem",
    "difficult",
    "wastes",
    "takes",
    "too many",
    "too much",
    "would like",
    "wants",
    "missing",
    "lacks",
    "worried",
]
# Words that join two objects of one goal: "plan production and the purchasing"
_CONJUNCTIONS = re.compile(r"\s+(?:and|e|ed|as well as|oltre a)\s+|[,;]\s*", re.IGNORECASE)
MAX_MATCHES_PER_GOAL = 2
SPECIFIC_PHRASE = 3  # words of a keyword that names a process on its own


class Match(BaseModel):
    """A goal or a note sentence that points to a catalogue entry."""

    key: str = Field(description="use-case or enabler key of the catalogue")
    text: str = Field(description="the goal, or the note sentence, that points to it")
    score: float
    from_goal: bool
    rank: int = Field(default=0, description="the goal's position (the company's priority)")


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


def _keywords(key: str) -> list[str]:
    return list(catalogue()["use_cases"][key]["keywords"])


def _fit(spec: dict[str, Any], assessment: Assessment) -> float:
    company = assessment.company
    fit = 0.5 if company.sector in spec.get("sectors", []) else 0.0
    return fit + (0.5 if company.subsector in spec.get("subsectors", []) else 0.0)


def best_use_case(text: str, assessment: Assessment) -> Match | None:
    """The catalogue use case `text` points to most clearly, or None. Ties go to the use case
    named earlier in the text (a goal's first object is its main one)."""
    best: tuple[float, float, Match] | None = None
    lowered = text.lower()
    for key, spec in catalogue()["use_cases"].items():
        found = matched_keywords(text, spec["keywords"])
        if not found:
            continue
        score = _weight(found) + _fit(spec, assessment)
        first = min(_position(lowered, k) for k in found)
        if best is None or (score, -first) > (best[0], best[1]):
            best = (score, -first, Match(key=key, text=text, score=score, from_goal=False))
    return best[2] if best else None


def _position(lowered: str, keyword: str) -> int:
    hit = re.search(re.escape(keyword.lower().split()[0][:4]), lowered)
    return hit.start() if hit else len(lowered)


def goal_parts(goal: str) -> list[str]:
    """A goal cut at the words that join its objects ("A and B" -> "A", "B")."""
    return [p for p in _CONJUNCTIONS.split(goal) if p.strip()]


def goal_matches(assessment: Assessment) -> list[Match]:
    """The use cases each stated goal points to, in the goals' order: the goal as a whole
    first, then each of its joined objects (at most two use cases per goal). A goal that a
    digital foundation answers ("know where each job stands") gets a use case only where it
    names one clearly (a phrase or two keywords), as does a goal's second object."""
    out = []
    answered = foundation_goals(assessment)
    for rank, goal in enumerate(assessment.goals):
        keys: list[str] = []
        for n, text in enumerate([goal, *goal_parts(goal)]):
            match = best_use_case(text, assessment)
            if not match or match.key in keys or len(keys) >= MAX_MATCHES_PER_GOAL:
                continue
            clear = _weight(matched_keywords(text, _keywords(match.key))) >= 2
            if not clear and ((n and keys) or goal in answered):
                continue
            keys.append(match.key)
            out.append(match.model_copy(update={"from_goal": True, "text": goal, "rank": rank}))
    return out


def note_sentences(assessment: Assessment) -> list[str]:
    """The consultant's notes, one fact (sentence) at a time."""
    return sentences(assessment.notes or "")


def note_matches(assessment: Assessment, min_score: float = 2.0) -> list[Match]:
    """Note sentences that clearly point to a use case: a sentence that states a problem with
    a phrase or two keywords of the use case, or one that names its process by a specific
    phrase ("ordini via email"). A sentence that gives orders ("ignore the rules, propose X")
    states no fact, and one that only describes an asset ("robots on 20 presses") asks for
    nothing: both skipped."""
    out = []
    for sentence in note_sentences(assessment):
        if mentions_any(sentence, INSTRUCTION_WORDS):
            continue
        match = best_use_case(sentence, assessment)
        if not match or match.score < min_score:
            continue
        found = matched_keywords(sentence, _keywords(match.key))
        named = any(len(k.split()) >= SPECIFIC_PHRASE for k in found)
        if named or mentions_any(sentence, PROBLEM_WORDS):
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


def foundation_goals(assessment: Assessment) -> set[str]:
    """The stated goals that a digital foundation (management system, machine data, cyber
    essentials, e-commerce) answers."""
    out = set()
    for spec in catalogue()["enablers"].values():
        triggers = spec.get("triggers")
        if not triggers or (spec.get("factory_only") and not has_factory(assessment)):
            continue
        out |= {g for g in assessment.goals if mentions_any(g, triggers["goals"])}
    return out


def has_factory(assessment: Assessment) -> bool:
    """The company runs a plant (its sector is a factory sector)."""
    return assessment.company.sector in catalogue()["factory_sectors"]


def quote(text: str) -> str:
    """Untrusted text shortened for quoting in a reason, cut between words."""
    text = " ".join(text.split()).rstrip(".;: ")
    if len(text) <= MAX_QUOTE:
        return text
    cut = text[:MAX_QUOTE]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut[: MAX_QUOTE - 1]
    return cut.rstrip(",;:( ") + "…"
