"""Scores from raw questionnaire answers, by the rules in two data files.

- DMA module 2 for SMEs (`dma_questions.yaml`): each question normalised to 0-1, a dimension
  is the weighted mean of its questions x 100, the overall the mean of the six dimensions.
  The hub's extra questions (`hub_extra`) are checked but never scored.
- Data management for AI (`data_for_ai.yaml`): answers 1-5, weighted into a 0-100 score and a
  level 1-5 per dimension, and an overall score and level.

All return their result and a list of (field path, message) problems; nothing raises.
"""

from __future__ import annotations

from typing import Any

from dih_ai.resources import load_data

Problems = list[tuple[str, str]]


def _choice(value: Any) -> Any:
    # YAML 1.1 reads yes/no as booleans; the questionnaires mean the words.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def _question_score(question: dict[str, Any], answer: Any, path: str, problems: Problems) -> float:
    """One question's answers normalised to 0-1."""
    if not isinstance(answer, dict):
        problems.append((path, f"expected a mapping of item: answer, got {type(answer).__name__}"))
        return 0.0
    items: list[str] = question["items"]
    for key in answer:
        if key not in items:
            problems.append((f"{path}.{key}", f"unknown item; expected one of {', '.join(items)}"))
    if question["kind"] == "scale":
        total = 0.0
        for item in items:
            value = answer.get(item, 0)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
                problems.append((f"{path}.{item}", f"{value!r}: expected a whole number 0-5"))
                continue
            total += value
        return total / (len(items) * 5)
    values: dict[str, float] = {_choice(k): v for k, v in question["values"].items()}
    aliases: dict[str, str] = question.get("aliases", {})
    lowest = min(values, key=values.__getitem__)
    top = max(values.values())
    total = 0.0
    for item in items:
        value = _choice(answer.get(item, lowest))
        value = aliases.get(value, value) if isinstance(value, str) else value
        if not isinstance(value, str | int | float) or value not in values:
            problems.append((f"{path}.{item}", f"{value!r} is not one of {', '.join(values)}"))
            continue
        total += values[value]
    return total / (len(items) * top)


def hub_extra_ids() -> set[str]:
    """The ids of the hub's extra questions (never part of a DMA score)."""
    return {q["id"] for q in load_data("dma_questions.yaml").get("hub_extra", [])}


def hub_extra_problems(answers: Any, path: str = "dma.hub_extra") -> Problems:
    """Problems in answers to the hub's extra questions (checked like module-2 answers)."""
    if not isinstance(answers, dict):
        return [(path, f"expected a mapping of question id: answers, got {type(answers).__name__}")]
    spec = {q["id"]: q for q in load_data("dma_questions.yaml").get("hub_extra", [])}
    problems: Problems = []
    for key, answer in answers.items():
        if key not in spec:
            problems.append((f"{path}.{key}", "unknown hub extra question; see dma_questions.yaml"))
            continue
        _question_score(spec[key], answer, f"{path}.{key}", problems)
    return problems


def dma_scores_from_answers(
    answers: Any, path: str = "dma.answers"
) -> tuple[dict[str, float], Problems]:
    """The six DMA dimension scores (0-100) from module-2 answers keyed by question id.

    Answers to the hub's extra questions found here (version-1 files) are checked, never
    scored."""
    problems: Problems = []
    if not isinstance(answers, dict):
        return {}, [
            (path, f"expected a mapping of question id: answers, got {type(answers).__name__}")
        ]
    spec = load_data("dma_questions.yaml")["dimensions"]
    known = {q["id"] for questions in spec.values() for q in questions}
    extras = hub_extra_ids()
    for key in answers:
        if key not in known and key not in extras:
            problems.append((f"{path}.{key}", "unknown question id; see dma_questions.yaml"))
    problems += hub_extra_problems({k: v for k, v in answers.items() if k in extras}, path)
    scores: dict[str, float] = {}
    for dimension, questions in spec.items():
        total, weights = 0.0, 0.0
        for question in questions:
            qpath = f"{path}.{question['id']}"
            weight = float(question.get("weight", 1))
            weights += weight
            if question["id"] not in answers:
                problems.append((qpath, "required, but missing"))
                continue
            total += weight * _question_score(question, answers[question["id"]], qpath, problems)
        scores[dimension] = round(total / weights * 100, 1)
    return scores, problems


def _level(score: float) -> int:
    for entry in load_data("data_for_ai.yaml")["levels"]:
        if score >= entry["min_score"]:
            return int(entry["level"])
    return 1


def data_levels_from_answers(
    answers: Any, path: str = "data_for_ai.answers"
) -> tuple[dict[str, int], dict[str, float], Problems]:
    """Levels 1-5 and scores 0-100 per data-for-AI dimension, plus `overall`, from answers."""
    problems: Problems = []
    if not isinstance(answers, dict):
        return (
            {},
            {},
            [(path, f"expected a mapping of question id: 1-5, got {type(answers).__name__}")],
        )
    spec = load_data("data_for_ai.yaml")["dimensions"]
    known = {q["id"] for d in spec.values() for q in d["questions"]}
    for key in answers:
        if key not in known:
            problems.append((f"{path}.{key}", "unknown question id; see data_for_ai.yaml"))
    levels: dict[str, int] = {}
    scores: dict[str, float] = {}
    weighted, weights = 0.0, 0.0
    for dimension, body in spec.items():
        total, total_weight = 0.0, 0.0
        for question in body["questions"]:
            qpath = f"{path}.{question['id']}"
            value = answers.get(question["id"])
            if value is None:
                problems.append((qpath, "required, but missing"))
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                problems.append((qpath, f"{value!r}: expected a whole number 1-5"))
                continue
            total += (value - 1) / 4 * 100 * question["weight"]
            total_weight += question["weight"]
        score = round(total / total_weight, 1) if total_weight else 0.0
        scores[dimension] = score
        levels[dimension] = _level(score)
        weighted += score * body["weight"]
        weights += body["weight"]
    overall = round(weighted / weights, 1) if weights else 0.0
    scores["overall"] = overall
    return levels, scores, problems


def overall_level(score: float) -> int:
    """The data-for-AI level (1-5) of an overall score (0-100)."""
    return _level(score)
