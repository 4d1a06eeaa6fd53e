"""The library's errors: one base class, and the kinds a caller handles differently.

The `dih-ai` command maps them to its exit status: an `InputError`
(and so a `SettingError`) exits 2 with one `file: field: expected` line per problem, any
other `DihAiError` exits 1 with `error: ...`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dih_ai.draft import Usage


class DihAiError(Exception):
    """Base class of every error dih_ai raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in one input file: `file: field: what was expected`."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        line = f"{where}: {self.message}"
        # one problem, one line: control characters from the input are shown escaped
        return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line)


class InputError(DihAiError):
    """Bad input: carries one or more `Problem`s, each printable on one line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(DihAiError):
    """The configuration is incomplete or contradictory."""


class SettingError(InputError, ConfigError):
    """A setting has a value it cannot take (an environment variable, a `Settings` argument):
    bad input, one `Problem` per setting, named by its variable."""


class ArgumentError(DihAiError, ValueError):
    """A function was called with an argument it does not accept (an unknown format)."""


class CaseIndexError(DihAiError):
    """The case-study index cannot be built or read."""


class WriterError(DihAiError):
    """The writer (model or offline) failed after its retries: in which section, after how
    many attempts, and what the document had spent until then."""

    def __init__(
        self,
        message: str,
        *,
        section: str | None = None,
        attempts: int = 0,
        usage: Usage | None = None,
    ) -> None:
        super().__init__(message)
        self.section = section
        self.attempts = attempts
        self.usage = usage


class BudgetError(DihAiError):
    """A prompt or a draft does not fit its token budget (the section that would not)."""

    def __init__(self, message: str, *, section: str | None = None) -> None:
        super().__init__(message)
        self.section = section


_DEPRECATED = {"IndexError_": ("CaseIndexError", CaseIndexError)}


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        new_name, value = _DEPRECATED[name]
        warnings.warn(
            f"dih_ai.errors.{name} is deprecated; use {new_name}", DeprecationWarning, stacklevel=2
        )
        return value
    raise AttributeError(f"module 'dih_ai.errors' has no attribute {name!r}")
