"""Same network guard, isolated cache and shared index as the main suite."""

from tests.conftest import (  # noqa: F401 - fixtures and the hook that removes the cache
    _loopback_only,
    pytest_sessionfinish,
    workspace,
)
