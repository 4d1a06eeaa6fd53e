"""Shared fixtures, and the network guard: tests may only connect to loopback."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Every test session gets its own cache (tiktoken files, index) so nothing leaks from the
# user's machine into the tests or back. Set before dih_ai is imported anywhere.
_SESSION_CACHE = Path(tempfile.mkdtemp(prefix="dih-ai-test-cache-"))
os.environ["DIH_AI_CACHE_DIR"] = str(_SESSION_CACHE)
os.environ.pop("DIH_AI_INDEX_DIR", None)
os.environ.pop("DIH_AI_CHROMA_URL", None)
os.environ.pop("TIKTOKEN_CACHE_DIR", None)
os.environ["ANONYMIZED_TELEMETRY"] = "False"
# Tests pin the drafting date: no test may start failing because the calendar moved (which
# funding is open, which AI Act duties apply). Tests of the date itself pass --as-of.
TEST_AS_OF = "2026-12-03"
os.environ["DIH_AI_AS_OF"] = TEST_AS_OF
os.environ.pop("DIH_AI_DATA_DIR", None)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "assessments"
LOOPBACK = ["127.0.0.1", "::1", "localhost"]


@pytest.fixture(autouse=True)
def _loopback_only() -> Iterator[None]:
    """Any connect() to an address other than loopback fails the test."""
    import pytest_socket

    pytest_socket.socket_allow_hosts(LOOPBACK, allow_unix_socket=True)
    yield
    pytest_socket._remove_restrictions()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def examples() -> Path:
    """The sample assessments folder."""
    return EXAMPLES


@pytest.fixture(scope="session")
def workspace():
    """The bundled corpus indexed once per test session in an embedded Chroma."""
    from dih_ai.pipeline import Workspace

    return Workspace.open(index_dir=_SESSION_CACHE / "session-index")


@pytest.fixture()
def meccanica():
    """The Italian sample assessment."""
    from dih_ai.assessment.load import load_assessment

    return load_assessment(EXAMPLES / "officina-meccanica.yaml")


@pytest.fixture()
def food():
    """The English sample assessment."""
    from dih_ai.assessment.load import load_assessment

    return load_assessment(EXAMPLES / "food-en.json")
