"""Same network guard and isolated cache as the main suite."""

from tests.conftest import _loopback_only  # noqa: F401 - autouse fixture
