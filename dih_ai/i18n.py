"""One way to produce reader-facing words in Italian or English: `t(group, key, language)`
over `data/labels.yaml`, `phrase(key, language, **values)` for sentences with figures, and one
number, money and date formatter per language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dih_ai.resources import labels
from dih_ai.vocab import Language

MONTHS_IT = (
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
).split()
MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()


def localised(value: Any, language: Language | str) -> str:
    """A data-file text in `language` ({it: ..., en: ...}), or the value itself."""
    return str(value[language]) if isinstance(value, dict) else str(value)


def t(group: str, key: Any, language: Language | str) -> str:
    """The label of `key` in `group` (e.g. "sectors", "process_areas"); an unknown key is
    shown as readable words."""
    entry = labels().get(group, {}).get(key)
    if entry:
        return str(entry[language])
    return str(key).replace("_", " ")


def words(group: str, language: Language | str) -> dict[str, str]:
    """Every label of `group` in `language`, as a dict (document and notebook words)."""
    return {key: str(entry[language]) for key, entry in labels().get(group, {}).items()}


def join_words(items: list[str], language: Language | str) -> str:
    """A list in words: "a, b e c" / "a, b and c"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {phrase('and', language)} {items[-1]}"


def phrase(key: str, language: Language | str, **values: Any) -> str:
    """A sentence of `labels.yaml` `phrases`, with `{name}` fields filled in."""
    return str(labels()["phrases"][key][language]).format(**values)


def number(value: float, language: Language | str, sign: bool = False) -> str:
    """A number as readers of `language` write it: 37.7 in English, 37,7 in Italian."""
    text = f"{value:+g}" if sign else str(int(value)) if float(value).is_integer() else f"{value:g}"
    return text.replace(".", ",") if language == "it" else text


def quantity(value: float, unit: str | None, language: Language | str) -> str:
    """A figure with its unit as a reader writes it: "7,4%", "1 giorno", "5 giorni", "11"
    (a count, unit "n"), "14/mese" (unit "n/mese")."""
    unit = (unit or "").strip()
    if unit == "n" or unit.startswith("n/"):
        unit = unit[1:]
    if value == 1:
        unit = str(labels().get("unit_singular", {}).get(unit, unit))
    space = "" if unit in ("", "%") or unit.startswith("/") else " "
    if abs(value) >= 1000 and float(value).is_integer():  # 1.180 km / 1,180 km
        grouped = f"{int(value):,}"
        return f"{grouped.replace(',', '.') if language == 'it' else grouped}{space}{unit}"
    return f"{number(value, language)}{space}{unit}"


def money(value: int, language: Language | str) -> str:
    """Euros: 12.000 € in Italian, €12,000 in English."""
    text = f"{int(value):,}"
    return f"{text.replace(',', '.')} €" if language == "it" else f"€{text}"


def money_range(cost: tuple[int, int] | None, language: Language | str) -> str:
    """A euro range: 8.000-25.000 € / €8,000-25,000; one figure when both ends agree."""
    if not cost:
        return ""
    if cost[0] == cost[1]:
        return money(cost[0], language)
    low, high = (f"{c:,}".replace(",", "." if language == "it" else ",") for c in cost)
    return f"{low}-{high} €" if language == "it" else f"€{low}-{high}"


def date(value: dt.date, language: Language | str) -> str:
    """A date in words: 2 dicembre 2027 / 2 December 2027."""
    months = MONTHS_IT if language == "it" else MONTHS_EN
    return f"{value.day} {months[value.month - 1]} {value.year}"
