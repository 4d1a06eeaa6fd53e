"""Which use cases: the company's stated goals first, then the consultant's notes (read as
data), then its subsector and technologies, each with the reasons that put it there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dih_ai.analysis import Readiness
from dih_ai.assessment.models import Assessment
from dih_ai.i18n import localised, phrase, t
from dih_ai.matching import catalogue, goal_matches, note_matches, note_sentences, quote
from dih_ai.plan.models import UseCaseChoice
from dih_ai.text import mentions_any

MAX_USE_CASES = 3
NOT_ASKED = 100  # priority of a use case no goal asked for (notes, then profile)
SENSOR_NOTES = [
    "sensori già installati",
    "sensori installati",
    "già connesse",
    "già connessi",
    "connessi dal",
    "connesse dal",
    "sensors already installed",
    "already connected",
    "connected since",
]


def sensor_notes(assessment: Assessment) -> list[str]:
    """Note sentences saying that machines already have sensors or connections."""
    return [s for s in note_sentences(assessment) if mentions_any(s, SENSOR_NOTES)]


def _tech_reason(spec: dict[str, Any], assessment: Assessment) -> str | None:
    """The technologies the use case builds on that the company has at least considered,
    each with its level in words ("IoT/IIoT 3/5, in test")."""
    techs = assessment.dma.technologies
    language = assessment.language
    started = sorted(
        (k for k in spec["technologies"] if techs.get(k, 0) >= 1), key=lambda k: -techs[k]
    )
    if not started:
        return None
    names = ", ".join(
        f"{t('technologies', k, language)} {techs[k]}/5 ({t('tech_levels', techs[k], language)})"
        for k in started
    )
    return phrase("tech_reason", language, names=names)


def _fill_score(spec: dict[str, Any], assessment: Assessment) -> float:
    """How well a use case nobody asked for fits: subsector first, then technologies in use,
    only within the sectors where it is common."""
    company = assessment.company
    if company.sector not in spec["sectors"]:
        return 0.0
    techs = assessment.dma.technologies
    score = 2.0 if company.subsector in spec.get("subsectors", []) else 0.0
    score += sum(0.5 + 0.5 * (techs[k] >= 3) for k in spec["technologies"] if techs.get(k, 0))
    return score if score >= 2.0 else 0.0


@dataclass
class _Asked:
    """The use cases the goals and notes ask for: reasons, scores, priorities, notes used."""

    reasons: dict[str, list[str]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    priority: dict[str, int] = field(default_factory=dict)
    from_goal: set[str] = field(default_factory=set)
    used_notes: list[str] = field(default_factory=list)


def _asked(assessment: Assessment) -> _Asked:
    language = assessment.language
    out = _Asked()
    goals: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}
    for m in goal_matches(assessment):
        goals.setdefault(m.key, []).append(quote(m.text))
        out.scores[m.key] = out.scores.get(m.key, 0.0) + 10 + m.score
        out.priority.setdefault(m.key, m.rank)
        out.from_goal.add(m.key)
    for m in note_matches(assessment):
        notes.setdefault(m.key, []).append(quote(m.text))
        out.scores[m.key] = out.scores.get(m.key, 0.0) + 5 + m.score
        out.priority.setdefault(m.key, NOT_ASKED)
        out.used_notes.append(m.text)
    for key in out.scores:  # one reason per kind: "stated goals: «a», «b»"
        for kind, quoted in (("goal_reason", goals.get(key)), ("note_reason", notes.get(key))):
            if quoted:
                many = f"{kind}s" if len(quoted) > 1 else kind
                texts = ", ".join(f"«{q}»" for q in dict.fromkeys(quoted))
                out.reasons.setdefault(key, []).append(phrase(many, language, quoted=texts))
    return out


def _choice(key: str, asked: _Asked, assessment: Assessment, failed: set[str]) -> UseCaseChoice:
    language = assessment.language
    spec = catalogue()["use_cases"][key]
    why = list(asked.reasons.get(key, []))
    if key not in asked.scores and assessment.company.subsector in spec.get("subsectors", []):
        subsector = t("subsectors", assessment.company.subsector, language)
        why.append(phrase("subsector_reason", language, subsector=subsector))
    tech = _tech_reason(spec, assessment)
    if tech:
        why.append(tech)
    return UseCaseChoice(
        use_case=key,
        title=localised(spec["title"], language),
        score=round(asked.scores.get(key, _fill_score(spec, assessment)), 3),
        reasons=why,
        blocked_by=[g for g in spec["requires"] if g in failed],
        from_goal=key in asked.from_goal,
        priority=asked.priority.get(key, 2 * NOT_ASKED),
        query=localised(spec["query"], language),
    )


def choose_use_cases(
    assessment: Assessment, readiness: Readiness, limit: int
) -> tuple[list[UseCaseChoice], list[str]]:
    """Use cases from the goals, then the notes, then the company's profile; and the note
    sentences that were used."""
    specs = catalogue()["use_cases"]
    failed = {g.id for g in readiness.gates if not g.passed}
    asked = _asked(assessment)
    scores = asked.scores
    ranked = sorted(scores, key=lambda k: -scores[k])
    fill = sorted(
        (k for k in specs if k not in scores and _fill_score(specs[k], assessment) > 0),
        key=lambda k: -_fill_score(specs[k], assessment),
    )
    # the profile fills in only when the company asked for fewer than two use cases
    room = max(0, limit - len(ranked)) if len(ranked) < 2 else 0
    chosen = ranked + fill[:room]
    return [_choice(key, asked, assessment, failed) for key in chosen], asked.used_notes
