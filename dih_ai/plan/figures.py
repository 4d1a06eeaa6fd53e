"""The figures a company gives in its own words: a KPI's value today in the consultant's
notes (a percentage, a duration) and a time it asks for in a stated goal ("within two
days"). Notes and goals are data: a sentence that gives orders is not read."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dih_ai.i18n import phrase, quantity, t
from dih_ai.matching import INSTRUCTION_WORDS, note_sentences
from dih_ai.text import mentions_any, mentions_together

if TYPE_CHECKING:
    from dih_ai.assessment.models import Assessment

NUMBER_WORDS = {
    "un": 1, "uno": 1, "una": 1, "one": 1,
    "due": 2, "two": 2, "tre": 3, "three": 3, "quattro": 4, "four": 4,
    "cinque": 5, "five": 5, "sei": 6, "six": 6, "sette": 7, "seven": 7,
    "otto": 8, "eight": 8, "dieci": 10, "ten": 10, "dodici": 12, "twelve": 12,
    "quindici": 15, "fifteen": 15, "venti": 20, "twenty": 20, "trenta": 30, "thirty": 30,
    "ventiquattro": 24, "quarantotto": 48,
}  # fmt: skip
# The words of a duration, to the key of its label (labels.yaml `durations`)
DURATION_UNITS = {
    "giorni lavorativi": "working_days", "giorno lavorativo": "working_days",
    "working days": "working_days", "working day": "working_days",
    "ore": "hours", "ora": "hours", "hours": "hours", "hour": "hours", "h": "hours",
    "giorni": "days", "giorno": "days", "days": "days", "day": "days",
    "minuti": "minutes", "minuto": "minutes", "minutes": "minutes", "minute": "minutes",
    "settimane": "weeks", "settimana": "weeks", "weeks": "weeks", "week": "weeks",
}  # fmt: skip
_NUMBER = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = "(" + "|".join(re.escape(u) for u in sorted(DURATION_UNITS, key=len, reverse=True)) + ")"
_DURATION = re.compile(rf"(?<![\w.,\-–]){_NUMBER}\s+{_UNIT}(?!\w)", re.IGNORECASE)
_WITHIN = re.compile(
    rf"(?<!\w)(?:entro|in meno di|in|within|in under|under|less than)\s+{_NUMBER}\s+{_UNIT}(?!\w)",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?<![\d.,\-–])(\d{1,3}(?:[.,]\d+)?)\s?%")
_HOURS_A_MONTH = re.compile(
    rf"(?<![\w.,\-–]){_NUMBER}\s+(?:ore|hours|h)\s*"
    r"(?:al mese|ogni mese|per month|a month|/\s?mese|/\s?month)(?!\w)",
    re.IGNORECASE,
)


def _value(text: str) -> float:
    word = text.lower()
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word.replace(",", "."))


def _facts(words: list[str], assessment: Assessment) -> list[str]:
    """Note sentences that name a KPI (any of `words`; "a+b" needs both) and give no orders."""
    return [
        s
        for s in note_sentences(assessment)
        if mentions_together(s, words) and not mentions_any(s, INSTRUCTION_WORDS)
    ]


def _one_value(pattern: re.Pattern[str], words: list[str], assessment: Assessment) -> float | None:
    found: set[float] = set()
    for sentence in _facts(words, assessment):
        values = pattern.findall(sentence)
        if len(values) == 1:
            found.add(_value(values[0]))
    return found.pop() if len(found) == 1 else None


def percent_in_notes(words: list[str], assessment: Assessment) -> float | None:
    """The percentage the consultant's notes give for a KPI: a note sentence that names it
    and holds exactly one percentage. None when no sentence does, or two disagree."""
    return _one_value(_PERCENT, words, assessment)


def hours_a_month_in_notes(words: list[str], assessment: Assessment) -> float | None:
    """Hours a month the notes give for a KPI ("circa 52 ore al mese"), by the rules of
    `percent_in_notes`."""
    return _one_value(_HOURS_A_MONTH, words, assessment)


def duration_in_notes(words: list[str], assessment: Assessment) -> tuple[float, str] | None:
    """The duration the notes give for a time KPI ("ha richiesto due giorni": 2, "days"), by
    the rules of `percent_in_notes`."""
    found: set[tuple[float, str]] = set()
    for sentence in _facts(words, assessment):
        values = _DURATION.findall(sentence)
        if len(values) == 1:
            number, unit = values[0]
            found.add((_value(number), DURATION_UNITS[unit.lower()]))
    return found.pop() if len(found) == 1 else None


def time_asked(goals: list[str]) -> tuple[float, str] | None:
    """The time a stated goal asks for ("in meno di quattro ore": 4, "hours"); the first goal
    that names one."""
    for goal in goals:
        found = _WITHIN.search(goal)
        if found:
            return _value(found.group(1)), DURATION_UNITS[found.group(2).lower()]
    return None


def duration_text(value: float, unit: str, language: str) -> str:
    """A duration in words: "2 giorni", "1 working day"."""
    return quantity(value, t("durations", unit, language), language)


def with_time_asked(target: str, goals: list[str], language: str) -> str:
    """A time KPI's target led by the time the company's goal asks for, when it names one:
    "entro 4 ore (obiettivo dichiarato); …"."""
    asked = time_asked(goals)
    if asked is None:
        return target
    value = duration_text(*asked, language)
    return phrase("kpi_time_asked", language, value=value, rest=target)
