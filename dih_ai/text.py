"""Small text helpers shared by the analysis, the planner and retrieval: keyword matching on
whole words and phrases, with the usual Italian and English endings."""

from __future__ import annotations

import functools
import re

_VOWEL_ENDING = "aeio"
# A word never continues across a hyphen: "after-sales" is one word, and "sales" does not
# match inside it.
_WORD_CHAR = r"[\w-]"


def _word_pattern(word: str) -> str:
    body = re.escape(word)
    if len(word) >= 4 and word[-1] in _VOWEL_ENDING:
        # Italian number and gender: fermo ~ fermi, difetto ~ difetti, consegna ~ consegne
        return re.escape(word[:-1]) + f"[{_VOWEL_ENDING}]"
    if len(word) >= 4 and word[-1].isalpha():
        # English plurals: defect ~ defects, process ~ processes
        return body + "(?:s|es)?"
    return body


@functools.cache
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    words = [w for w in re.split(r"[\s-]+", keyword.lower().strip()) if w]
    body = r"[\s-]+".join(_word_pattern(w) for w in words)
    return re.compile(rf"(?<!{_WORD_CHAR}){body}(?!{_WORD_CHAR})")


def mentions(text: str, keyword: str) -> bool:
    """True when `keyword` (a word or phrase) stands as whole words in `text`, allowing the
    singular/plural endings; case-insensitive."""
    return _keyword_pattern(keyword).search(text.lower()) is not None


def mentions_any(text: str, keywords: list[str]) -> bool:
    """True when any keyword is mentioned in `text`."""
    return any(mentions(text, k) for k in keywords)


def mentions_together(text: str, alternatives: list[str]) -> bool:
    """True when every word of any alternative is mentioned in `text` ("a+b": both)."""
    return any(all(mentions(text, w) for w in alt.split("+")) for alt in alternatives)


def matched_keywords(text: str, keywords: list[str]) -> list[str]:
    """The keywords mentioned in `text`, in their order."""
    return [k for k in keywords if mentions(text, k)]


def sentences(text: str) -> list[str]:
    """`text` split into sentences and lines (for quoting notes one fact at a time)."""
    parts = re.split(r"(?<=[.!?;])\s+|\n+", text)
    return [p.strip() for p in parts if p.strip()]


def lower_first(text: str) -> str:
    """A sentence continued after a colon: "Da rafforzare…" -> "da rafforzare…" (an acronym
    such as "ERP" or "AI" stays as written)."""
    first = text.split(" ", 1)[0]
    if not first[:1].isupper() or (len(first) > 1 and not first[1].islower()):
        return text
    return text[0].lower() + text[1:]
