"""Figures as a reader writes them, in each language."""

from __future__ import annotations

import pytest

from dih_ai.i18n import money_range, quantity


@pytest.mark.parametrize(
    ("value", "unit", "language", "expected"),
    [
        (1, "giorni", "it", "1 giorno"),
        (5, "giorni", "it", "5 giorni"),
        (1, "days", "en", "1 day"),
        (7.4, "%", "it", "7,4%"),
        (0.5, "h", "en", "0.5 h"),
        (11, "n", "it", "11"),  # a count: no unit
        (14, "n/mese", "it", "14/mese"),
        (3, None, "en", "3"),
        (1180, "km", "it", "1.180 km"),
        (1180, "km", "en", "1,180 km"),
    ],
)
def test_a_figure_with_its_unit(
    value: float, unit: str | None, language: str, expected: str
) -> None:
    assert quantity(value, unit, language) == expected


def test_a_range_whose_ends_agree_is_one_figure() -> None:
    assert money_range((0, 0), "it") == "0 €"
    assert money_range((8000, 25000), "it") == "8.000-25.000 €"
    assert money_range((8000, 25000), "en") == "€8,000-25,000"


def _cut_texts(node: object, path: str) -> list[str]:
    """Translated texts ({it: …, en: …}) with a key that has no value: what an unquoted
    comma in a YAML flow mapping leaves ({it: a, b, en: c} is it: a, "b": None, en: c)."""
    found = []
    if isinstance(node, dict):
        if "it" in node and "en" in node:
            found += [
                f"{path}: {k!r}" for k, v in node.items() if k not in ("it", "en") and v is None
            ]
        for key, value in node.items():
            found += _cut_texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            found += _cut_texts(value, f"{path}[{number}]")
    return found


def test_no_translated_text_is_cut_at_a_comma() -> None:

    import yaml

    from dih_ai.resources import PACKAGE_DIR, bundled_dir

    files = [*(PACKAGE_DIR / "data").glob("*.yaml"), *bundled_dir("prompts").rglob("*.yaml")]
    assert len(files) > 10
    cut = [c for f in files for c in _cut_texts(yaml.safe_load(f.read_text()), f.name)]
    assert cut == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Da rafforzare prima dell'AI", "da rafforzare prima dell'AI"),
        ("A short AI course", "a short AI course"),
        ("AI literacy first", "AI literacy first"),  # an acronym stays
        ("ERP per ordini", "ERP per ordini"),
    ],
)
def test_a_sentence_continued_after_a_colon(text: str, expected: str) -> None:
    from dih_ai.text import lower_first

    assert lower_first(text) == expected
