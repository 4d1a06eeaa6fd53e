"""The scale-out path: the same index code against a real `chroma run` server on loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dih_ai.corpus import load_corpus
from dih_ai.index import CaseIndex
from dih_ai.resources import default_corpus_dir
from tests.servers import free_port, wait_until_up

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chroma = str(Path(sys.executable).parent / "chroma")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/api/v2/heartbeat", process, 60)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture()
def small_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("cs-torneria-cnc-predittiva", "cs-agri-caseificio-previsione"):
        shutil.copy(default_corpus_dir() / f"{name}.md", folder)
    return folder


def test_server_index_is_incremental_and_searchable(
    chroma_url: str, small_corpus: Path, tmp_path: Path
) -> None:
    index = CaseIndex(url=chroma_url, collection="server-test")
    first = index.sync(load_corpus(small_corpus))
    assert len(first.added) == 2 and index.count() == first.chunks_embedded
    again = CaseIndex(url=chroma_url, collection="server-test").sync(load_corpus(small_corpus))
    assert again.unchanged == 2 and again.chunks_embedded == 0

    embedded = CaseIndex(tmp_path / "ix", collection="server-test")
    embedded.sync(load_corpus(small_corpus))
    query = "sensori di vibrazione per anticipare i guasti dei torni"
    server_hits = [(c.id, round(s, 4)) for c, s in index.dense_search(query, 5)]
    local_hits = [(c.id, round(s, 4)) for c, s in embedded.dense_search(query, 5)]
    assert server_hits == local_hits  # same code, same vectors, same ranking
    assert server_hits[0][0].startswith("cs-torneria-cnc-predittiva#")


def test_the_server_lease_admits_one_writer_and_takes_over_an_expired_one(
    chroma_url: str,
) -> None:
    import threading
    import time

    from dih_ai.index_lock import LockTimeout, ServerLease

    client = CaseIndex(url=chroma_url, collection="lease-test").client()
    inside, most = [0], [0]

    def writer() -> None:
        with ServerLease(client, "lease-test").hold(60):
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            time.sleep(0.3)
            inside[0] -= 1

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1

    held, second = ServerLease(client, "lease-test"), ServerLease(client, "lease-test")
    with held.hold(5), pytest.raises(LockTimeout), second.hold(0.5):
        pass
    # a holder that died: never renewed, never released; taken over once it expires
    dead = {"owner": "dead-host:1", "expires": time.time() + 1}
    client.create_collection("lease-test.lock", metadata=dead)
    with ServerLease(client, "lease-test").hold(30) as lease:
        assert not lease.lost
    assert not [c.name for c in client.list_collections() if c.name.startswith("lease-test.")]
