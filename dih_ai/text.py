"""Small text helpers shared by the analysis, the planner and retrieval."""

from __future__ import annotations

import functools
import re


@functools.cache
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Match at a word start; short keywords ("ai", "erp") must be whole words, longer ones may
    # take an inflection ("fermi" ~ "fermo" is listed separately, "guasti" matches "guasti").
    body = re.escape(keyword.lower())
    tail = r"\b" if len(keyword) <= 3 else ""
    return re.compile(rf"(?<![\w]){body}{tail}")


def mentions(text: str, keyword: str) -> bool:
    """True when `keyword` starts a word (or phrase) in `text`, case-insensitively."""
    return _keyword_pattern(keyword).search(text.lower()) is not None


def mentions_any(text: str, keywords: list[str]) -> bool:
    """True when any keyword is mentioned in `text`."""
    return any(mentions(text, k) for k in keywords)
