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
