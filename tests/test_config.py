"""Settings, the one reader of the environment: every variable reaches its reader through it,
a bad value is one line naming the variable, and nothing changes the environment."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from dih_ai.config import Settings, current, settings, variable
from dih_ai.errors import SettingError


def test_the_runtime_reads_its_variables_through_settings(tmp_path: Path, monkeypatch) -> None:
    from dih_ai.documents.branding import load_branding
    from dih_ai.embeddings import E5Embeddings
    from dih_ai.index import default_index_dir
    from dih_ai.knowledge import drafting_date
    from dih_ai.resources import DATA_DIR, cache_dir, data_path, template_folders

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "funding.yaml").write_text("funding: []\n")
    (tmp_path / "brand.yaml").write_text("name: Hub\n")
    monkeypatch.setenv("DIH_AI_AS_OF", "2027-02-01")
    monkeypatch.setenv("DIH_AI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DIH_AI_TEMPLATES_DIR", str(tmp_path / "templates"))
    monkeypatch.setenv("DIH_AI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DIH_AI_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DIH_AI_EMBED_THREADS", "1")
    monkeypatch.setenv("DIH_AI_BRANDING", str(tmp_path / "brand.yaml"))
    assert drafting_date() == dt.date(2027, 2, 1)
    assert data_path("funding.yaml") == tmp_path / "data" / "funding.yaml"
    assert data_path("ai_act.yaml") == DATA_DIR / "ai_act.yaml"  # not in the hub's folder
    assert template_folders("html")[0] == str(tmp_path / "templates" / "html")
    assert cache_dir() == tmp_path / "cache" and (tmp_path / "cache").is_dir()
    assert default_index_dir() == tmp_path / "index"
    assert E5Embeddings().num_threads == 1
    assert load_branding().name == "Hub"
    monkeypatch.setenv("DIH_AI_AS_OF", "")  # empty counts as unset
    assert drafting_date() == dt.date.today()


def test_only_settings_read_the_environment() -> None:
    import dih_ai

    root = Path(dih_ai.__file__).parent
    pattern = re.compile(r"os\.environ|getenv|envvar=")
    touching = {
        p.relative_to(root).as_posix() for p in root.rglob("*.py") if pattern.search(p.read_text())
    }
    # tokens.py only points tiktoken's own variable at the folder it seeded
    assert touching == {"config.py", "tokens.py"}


def test_current_follows_the_environment_and_values_win(monkeypatch) -> None:
    monkeypatch.setenv("DIH_AI_MODEL", "first")
    assert current().model == "first" and current() is current()
    monkeypatch.setenv("DIH_AI_MODEL", "second")
    assert current().model == "second"
    assert settings(model="given").model == "given"


def test_a_bad_value_is_one_line_naming_its_variable(monkeypatch) -> None:
    monkeypatch.setenv("DIH_AI_INDEX_LEASE_S", "soon")
    monkeypatch.setenv("DIH_AI_AS_OF", "2026-13-01")
    monkeypatch.setenv("OPENAI_API_KEY", "")
    with pytest.raises(SettingError) as caught:
        current()
    assert [str(p) for p in caught.value.problems] == [
        "DIH_AI_INDEX_LEASE_S: expected a number, got 'soon'",
        "DIH_AI_AS_OF: expected a date YYYY-MM-DD, got '2026-13-01'",
    ]
    monkeypatch.delenv("DIH_AI_INDEX_LEASE_S")
    monkeypatch.delenv("DIH_AI_AS_OF")
    with pytest.raises(SettingError, match=r"^backend: expected one of 'auto', 'offline'"):
        settings(backend="cloud")


def test_a_variable_is_named_as_it_was_set(monkeypatch) -> None:
    monkeypatch.delenv("DIH_AI_MODEL", raising=False)
    monkeypatch.setenv("OPENAI_MODEL", "m")
    assert variable("model") == "OPENAI_MODEL" and variable("seed") == "DIH_AI_SEED"
    assert variable("tiktoken_cache_dir") == "TIKTOKEN_CACHE_DIR"


def test_the_model_writer_leaves_the_environment_alone(monkeypatch) -> None:
    from langsmith.utils import tracing_is_enabled

    from dih_ai.writers.llm import LLMWriter, tracing

    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    before = dict(os.environ)
    writer = LLMWriter(Settings(backend="openai", api_key="k", cache=False))
    assert dict(os.environ) == before
    assert tracing_is_enabled()  # the environment asks for tracing...
    with tracing(writer.settings):
        assert not tracing_is_enabled()  # ...and the model calls are not traced
    with tracing(Settings(allow_tracing=True)):
        assert tracing_is_enabled()


def test_the_command_maps_a_bad_setting_and_bad_input_to_exit_2(
    tmp_path: Path, monkeypatch
) -> None:
    from typer.testing import CliRunner

    from dih_ai.cli import app

    monkeypatch.setenv("DIH_AI_AS_OF", "2026-13-01")
    done = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert done.exit_code == 2 and isinstance(done.exception, SystemExit)  # not a traceback
    assert "DIH_AI_AS_OF: expected a date YYYY-MM-DD, got '2026-13-01'" in done.output
    monkeypatch.delenv("DIH_AI_AS_OF")
    missing = tmp_path / "missing.yaml"
    done = CliRunner().invoke(app, ["draft", str(missing)])
    assert done.exit_code == 2 and f"{missing}: " in done.output and "Traceback" not in done.output
