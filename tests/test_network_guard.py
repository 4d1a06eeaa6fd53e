"""The guard in conftest.py: tests reach loopback only."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_non_loopback_connect_is_blocked_before_any_packet() -> None:
    # A hostname in the reserved .invalid domain: the guard refuses it without a DNS look-up.
    with socket.socket() as sock, pytest.raises(SocketConnectBlockedError):
        sock.connect(("dih-ai-test.invalid", 80))


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            conn, _ = server.accept()
            conn.close()
