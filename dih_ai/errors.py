"""The library's errors: one base class, and the kinds a caller handles differently."""

from __future__ import annotations

from dataclasses import dataclass


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


class IndexError_(DihAiError):
    """The case-study index cannot be built or read."""


class WriterError(DihAiError):
    """The writer (model or offline) failed after its retries."""


class ConfigError(DihAiError):
    """The configuration is incomplete or contradictory."""
