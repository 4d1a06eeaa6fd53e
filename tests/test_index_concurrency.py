"""Many processes, one index (issue 18): drafts while the corpus changes and is indexed, a
writer killed by SIGKILL half-way, a server restarted during a batch; on an embedded folder
and on a real `chroma run` server on loopback. No draft may fail, no chunk may be lost, and
the index must hold exactly the corpus afterwards, with no build more than the corpus needed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dih_ai.batch import run_batch
from dih_ai.corpus import chunks, load_corpus
from dih_ai.index import CaseIndex
from dih_ai.pipeline import Workspace
from dih_ai.resources import default_corpus_dir
from dih_ai.writers.offline import OfflineWriter
from tests.companies import write_companies
from tests.conftest import EXAMPLES
from tests.servers import free_port, wait_until_up

BIN = Path(sys.executable).parent
FIRST = [
    "cs-torneria-cnc-predittiva",
    "cs-agri-caseificio-previsione",
    "cs-lamiera-ispezione-visiva",
]
MORE = sorted(p.stem for p in default_corpus_dir().glob("cs-*.md") if p.stem not in FIRST)


class ChromaServer:
    """A `chroma run` process on loopback that can be stopped and started on the same data."""

    def __init__(self, data: Path) -> None:
        self.data, self.port = data, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def _address(self) -> list[str]:
        return ["--host", "127.0.0.1", "--port", str(self.port)]

    def start(self, wait: bool = True) -> None:
        self.process = subprocess.Popen(
            [str(BIN / "chroma"), "run", "--path", str(self.data), *self._address()],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        if wait:
            wait_until_up(f"{self.url}/api/v2/heartbeat", self.process, 60)

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(params=["folder", pytest.param("server", marks=pytest.mark.server)])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    """The CLI options of an empty index: an embedded folder, or a fresh Chroma server."""
    if request.param == "folder":
        yield ["--index-dir", str(tmp_path / "ix")]
        return
    server = ChromaServer(tmp_path / "server-data")
    server.start()
    yield ["--chroma-url", server.url]
    server.stop()


def _index_of(where: list[str]) -> CaseIndex:
    return CaseIndex(where[1]) if where[0] == "--index-dir" else CaseIndex(url=where[1])


def _corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(default_corpus_dir() / f"{name}.md", folder)
    return folder


def _edit(folder: Path, name: str) -> None:
    path = folder / f"{name}.md"
    path.write_text(path.read_text() + "\n## Aggiornamento\nNuovi risultati del caso.\n")


def _start(*args: str) -> subprocess.Popen:
    env = {**os.environ, "DIH_AI_BACKEND": "offline", "DIH_AI_INDEX_LEASE_S": "4"}
    return subprocess.Popen(
        [str(BIN / "dih-ai"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _draft(corpus: Path, where: list[str], out: Path) -> subprocess.Popen:
    assessment = str(EXAMPLES / "officina-meccanica.yaml")
    options = ["--corpus", str(corpus), *where, "--format", "json", "--out", str(out)]
    return _start("draft", assessment, *options)


def _index(corpus: Path, where: list[str]) -> subprocess.Popen:
    return _start("index", "--corpus", str(corpus), *where)


def _all_succeed(processes: list[subprocess.Popen]) -> list[str]:
    """Wait for every process; each must exit 0. Their stderr, for the warnings."""
    errors = []
    for process in processes:
        _, err = process.communicate(timeout=900)
        assert process.returncode == 0, f"{process.args[1]} failed: {err[-2000:]}"
        errors.append(err)
    return errors


def _assert_holds_exactly(index: CaseIndex, folder: Path) -> int:
    """The published build holds the corpus chunk for chunk (ids and content hashes), no
    unfinished build or lease is left behind; returns the number of builds published."""
    corpus = load_corpus(folder)
    index.refresh()
    build = index._current()
    expected = {c.id: case.content_hash for case in corpus.cases.values() for c in chunks(case)}
    assert index._hashes(build) == expected
    assert index.count() == len(expected)
    assert index.staleness(corpus).fresh
    pointer = index._pointer_meta()
    names = {c.name for c in index.client().list_collections()}
    assert names <= {build.name, pointer.get("previous"), f"{index.collection_name}.pointer"}
    return int(pointer["generation"])


def test_drafts_while_the_corpus_changes_and_is_indexed(tmp_path: Path, where: list[str]) -> None:
    corpus = _corpus(tmp_path / "corpus", FIRST)
    out = tmp_path / "out"
    # a fresh machine: three drafts and an index update start together on an empty index
    started = [_draft(corpus, where, out / f"first-{n}.json") for n in range(3)]
    _all_succeed([*started, _index(corpus, where)])
    assert _assert_holds_exactly(_index_of(where), corpus) == 1  # built once, not per process

    # drafts running while the corpus changes twice and `dih-ai index` follows each change
    drafts = [_draft(corpus, where, out / f"during-{n}.json") for n in range(3)]
    _corpus(corpus, MORE[:1])
    _all_succeed([_index(corpus, where)])
    _edit(corpus, FIRST[0])
    (corpus / f"{FIRST[2]}.md").unlink()
    _all_succeed([_index(corpus, where)])
    for err in _all_succeed(drafts):
        assert "Traceback" not in err
    for path in out.glob("*.json"):
        cited = {c["id"] for c in json.loads(path.read_text())["citations"]}
        assert cited and cited <= {*FIRST, *MORE[:1]}
    assert _assert_holds_exactly(_index_of(where), corpus) <= 3  # one build per corpus version


def _killed_half_way(where: list[str], corpus: Path) -> None:
    """Run a writer that embeds in small batches and SIGKILL it after two of them."""
    code = (
        "import sys, time\n"
        "from dih_ai.corpus import load_corpus\nfrom dih_ai.index import CaseIndex\n"
        "flag, place, folder = sys.argv[1:]\n"
        "index = CaseIndex(place) if flag == '--index-dir' else CaseIndex(url=place)\n"
        "index.batch_size = 4\n"
        "def progress(done, total):\n"
        "    print(done, total, flush=True)\n"
        "    if done >= 8:\n"
        "        time.sleep(600)\n"
        "index.sync(load_corpus(folder), on_progress=progress)\n"
    )
    env = {**os.environ, "DIH_AI_INDEX_LEASE_S": "4"}
    writer = subprocess.Popen(
        [sys.executable, "-c", code, *where, str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert writer.stdout is not None
    for line in writer.stdout:
        if int(line.split()[0]) >= 8:
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL


def test_a_writer_killed_half_way(tmp_path: Path, where: list[str]) -> None:
    corpus = _corpus(tmp_path / "corpus", FIRST)
    _all_succeed([_index(corpus, where)])
    before = _index_of(where).count()
    _corpus(corpus, MORE[:3])  # 3 more cases: ~20 chunks to embed, killed after 8
    _killed_half_way(where, corpus)

    reader = _index_of(where)  # readers still get the whole published build
    assert reader.count() == before
    assert reader.dense_search("manutenzione predittiva dei torni", 3)
    names = {c.name for c in reader.client().list_collections()}
    assert len([n for n in names if ".build-" in n]) == 2  # published + the killed one

    out = tmp_path / "out"
    drafts = [_draft(corpus, where, out / f"after-{n}.json") for n in range(2)]
    _all_succeed([*drafts, _index(corpus, where)])
    assert _assert_holds_exactly(_index_of(where), corpus) == 2  # the killed one never counted


@pytest.mark.server
def test_a_server_restarted_during_a_batch(tmp_path: Path) -> None:
    server = ChromaServer(tmp_path / "server-data")
    server.start()
    corpus = _corpus(tmp_path / "corpus", FIRST)
    try:
        workspace = Workspace.open(corpus, chroma_url=server.url)
        restarted = []

        def restart_once(result: object) -> None:
            if not restarted:  # after the first draft: the server goes away and comes back
                restarted.append(result)
                server.stop()
                server.start(wait=False)

        summary = run_batch(
            [write_companies(tmp_path / "companies", 6)],
            workspace,
            tmp_path / "out",
            writer=OfflineWriter(),
            concurrency=2,
            on_result=restart_once,
        )
        assert restarted
        assert [r.status for r in summary.results] == ["drafted"] * 6, [
            r.message for r in summary.results
        ]
        assert _assert_holds_exactly(CaseIndex(url=server.url), corpus) == 1
    finally:
        server.stop()
