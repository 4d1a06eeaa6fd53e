"""Pseudonymisation: company name, VAT number and company id never reach a model.

`Pseudonymiser.scrub` replaces them with an alias in any text sent out; `restore` puts the
real name back into what comes back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from dih_ai.assessment.models import Assessment, Company

ModelT = TypeVar("ModelT", bound=BaseModel)

ALIAS = {"it": "l'Azienda", "en": "the Company"}
TOKEN = "AZIENDA_CLIENTE"
_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(s\.?\s?r\.?\s?l\.?s?|s\.?\s?p\.?\s?a\.?|s\.?\s?n\.?\s?c\.?|s\.?\s?a\.?\s?s\.?|"
    r"srls?|spa|snc|sas|ltd|gmbh|inc|soc\.?\s?coop\.?(?:\s?a\s?r\.?\s?l\.?)?)\.?\s*$",
    re.I,
)
_PARTNERS = re.compile(r"\s+(?:di\s+[^,&]+?\s*)?&\s*C\.?$", re.I)  # "di Bianchi & C."


def short_name(name: str) -> str:
    """The name as a text repeats it: without the legal form ("S.r.l.") and the partners
    ("di Bianchi & C."); the name itself when nothing is left."""
    short = _PARTNERS.sub("", _LEGAL_SUFFIX.sub("", name).strip()).strip()
    return short or name


def restore_name(text: str, name: str) -> str:
    """`text` with the token replaced by the company's name: in full where the text first
    names the company, shortened (`short_name`) after that."""
    first, *rest = text.split(TOKEN)
    if not rest:
        return text
    short = short_name(name)
    return first + name + rest[0] + "".join(short + part for part in rest[1:])


class Pseudonymiser:
    """Replaces a company's identifying strings with a neutral token, and back."""

    def __init__(self, company: Company) -> None:
        self.name = company.name
        needles = {
            company.name,
            _LEGAL_SUFFIX.sub("", company.name).strip(),
            short_name(company.name),
            company.id,
        }
        if company.vat:
            needles |= {company.vat, re.sub(r"^[A-Z]{2}", "", company.vat)}
        needles = {n for n in needles if len(n) >= 3}
        # longest first, so "Meccanica Rossi S.r.l." goes before "Meccanica Rossi"
        alternatives = "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)

    def scrub(self, text: str) -> str:
        """Text with the company's name, VAT number and id replaced by the token."""
        return self._pattern.sub(TOKEN, text)

    def restore(self, text: str) -> str:
        """Text with the token replaced by the real company name (`restore_name`)."""
        return restore_name(text, self.name)

    def leaks(self, text: str) -> bool:
        """True when `text` still contains an identifying string."""
        return self._pattern.search(text) is not None

    def scrub_assessment(self, assessment: Assessment) -> Assessment:
        """A copy safe to derive model input from: no name, VAT or id; notes and goals scrubbed."""
        company = assessment.company.model_copy(
            update={"name": TOKEN, "vat": None, "id": "azienda-cliente"}
        )
        return assessment.model_copy(
            update={
                "company": company,
                "goals": [self.scrub(g) for g in assessment.goals],
                "notes": self.scrub(assessment.notes) if assessment.notes else None,
            }
        )


def map_strings(model: ModelT, change: Callable[[str], str]) -> ModelT:
    """A copy of `model` with `change` applied to every string in it, however deep."""

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return change(value)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(walk(v) for v in value)
        return value

    return type(model).model_validate(walk(model.model_dump()))
