"""The library's error family: typed errors a caller can tell apart, the renamed index error."""

from __future__ import annotations

from pathlib import Path

import pytest

from dih_ai import errors
from dih_ai.errors import (
    ArgumentError,
    CaseIndexError,
    ConfigError,
    DihAiError,
    InputError,
    Problem,
    SettingError,
)


def test_the_old_index_error_name_still_works_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="use CaseIndexError"):
        old = errors.IndexError_
    assert old is CaseIndexError
    with pytest.raises(AttributeError):
        _ = errors.NoSuchError


def test_a_bad_setting_is_bad_input_and_a_configuration_error() -> None:
    error = SettingError([Problem("DIH_AI_AS_OF", "", "expected a date YYYY-MM-DD, got 'x'")])
    assert isinstance(error, InputError) and isinstance(error, ConfigError)
    assert str(error) == "DIH_AI_AS_OF: expected a date YYYY-MM-DD, got 'x'"


def test_an_unknown_format_is_a_typed_value_error(tmp_path: Path) -> None:
    from dih_ai.batch import check_formats, run_batch

    with pytest.raises(ArgumentError, match="unknown formats") as caught:
        run_batch([], None, tmp_path, formats=("json", "odt"))  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, DihAiError)
    assert check_formats(iter(["json", "md"])) == ("json", "md")  # the Batch API mode's check too
