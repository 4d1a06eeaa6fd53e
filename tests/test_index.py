"""The Chroma index: incremental sync, stable ids, rebuild on another embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dih_ai.corpus import load_corpus
from dih_ai.embeddings import E5Embeddings
from dih_ai.index import CaseIndex
from dih_ai.resources import default_corpus_dir


@pytest.fixture()
def small_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in (
        "cs-torneria-cnc-predittiva",
        "cs-agri-caseificio-previsione",
        "cs-lamiera-ispezione-visiva",
    ):
        shutil.copy(default_corpus_dir() / f"{name}.md", folder)
    return folder


class CountingEmbeddings(E5Embeddings):
    """The real embedder, counting the passages it embeds."""

    calls: int = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += len(texts)
        return super().embed_documents(texts)


def test_sync_is_incremental(tmp_path: Path, small_corpus: Path) -> None:
    embedder = CountingEmbeddings()
    index = CaseIndex(tmp_path / "ix", embedder=embedder)
    first = index.sync(load_corpus(small_corpus))
    assert sorted(first.added) == sorted(p.stem for p in small_corpus.iterdir())
    total = index.count()
    assert embedder.calls == total == first.chunks_embedded

    again = CaseIndex(tmp_path / "ix", embedder=embedder).sync(load_corpus(small_corpus))
    assert (again.unchanged, again.chunks_embedded, again.rebuilt_because) == (3, 0, None)
    assert embedder.calls == total

    path = small_corpus / "cs-agri-caseificio-previsione.md"
    path.write_text(path.read_text() + "\n## Nota\nAggiornamento del caso.\n")
    (small_corpus / "cs-lamiera-ispezione-visiva.md").unlink()
    index = CaseIndex(tmp_path / "ix", embedder=embedder)
    changed = index.sync(load_corpus(small_corpus))
    assert changed.updated == ["cs-agri-caseificio-previsione"]
    assert changed.removed == ["cs-lamiera-ispezione-visiva"]
    assert changed.unchanged == 1
    ids = {c.id for c in index.all_chunks()}
    assert "cs-agri-caseificio-previsione#nota" in ids
    assert not any(i.startswith("cs-lamiera") for i in ids)
    assert len(ids) == index.count()


def test_another_embedder_forces_a_rebuild(tmp_path: Path, small_corpus: Path) -> None:
    CaseIndex(tmp_path / "ix").sync(load_corpus(small_corpus))
    other = CaseIndex(tmp_path / "ix", embedder=E5Embeddings(variant="enpt"))
    report = other.sync(load_corpus(small_corpus))
    assert report.rebuilt_because and "embedder" in report.rebuilt_because
    assert len(report.added) == 3


def test_a_build_left_by_a_dead_writer_is_dropped_not_served(
    tmp_path: Path, small_corpus: Path
) -> None:
    index = CaseIndex(tmp_path / "ix")
    first = index.sync(load_corpus(small_corpus))
    # a writer that died after writing its build, before publishing it
    orphan = index._write_build(load_corpus(small_corpus), [], 7, type(first)())
    assert index.count() == first.chunks_embedded  # readers still see the published build
    report = CaseIndex(tmp_path / "ix").sync(load_corpus(small_corpus))
    assert report.dropped_unfinished == [orphan]
    assert (report.chunks_embedded, report.rebuilt_because, report.build) == (0, None, None)
    names = {c.name for c in index.client().list_collections()}
    assert names == {first.build, "fabbriche-vetrina.pointer"}


def test_a_stale_index_is_read_with_a_warning_while_another_writes(
    tmp_path: Path, small_corpus: Path
) -> None:
    from dih_ai.index_lock import folder_lock

    index = CaseIndex(tmp_path / "ix")
    index.sync(load_corpus(small_corpus))
    (small_corpus / "cs-lamiera-ispezione-visiva.md").unlink()
    with folder_lock(tmp_path / "ix", 1):  # another process is writing
        _, warnings = index.ensure_current(load_corpus(small_corpus), wait_s=0.2)
    assert len(warnings) == 1 and "0 case(s) added, 0 changed, 1 removed" in warnings[0]
    assert "another process is writing it" in warnings[0]
    assert index.staleness(load_corpus(small_corpus)).removed == ["cs-lamiera-ispezione-visiva"]
    assert index.ensure_current(load_corpus(small_corpus))[1] == []  # lock free: in step
    assert index.staleness(load_corpus(small_corpus)).fresh


def test_cosine_similarity_and_telemetry_off(tmp_path: Path, small_corpus: Path) -> None:
    index = CaseIndex(tmp_path / "ix")
    index.sync(load_corpus(small_corpus))
    hits = index.dense_search("manutenzione predittiva dei torni", 3)
    assert hits[0][0].metadata["case_id"] == "cs-torneria-cnc-predittiva"
    assert all(-1.0 <= score <= 1.0 for _, score in hits)
    assert index.client().get_settings().anonymized_telemetry is False


def test_an_index_of_the_earlier_layout_is_reused_without_embedding(
    tmp_path: Path, small_corpus: Path
) -> None:
    for extra in ("cs-agri-caseificio-previsione", "cs-lamiera-ispezione-visiva"):
        (small_corpus / f"{extra}.md").unlink()
    index = CaseIndex(tmp_path / "ix")
    first = index.sync(load_corpus(small_corpus))
    client = index.client()
    build = client.get_collection(first.build)
    data = build.get(include=["embeddings", "documents", "metadatas"])
    # the layout before versioned builds: one collection named after the index, format 1
    meta = {**index._expected_metadata(), "dih_ai_index": 1, "state": "complete"}
    legacy = client.create_collection("fabbriche-vetrina", metadata=meta)
    legacy.add(**{k: data[k] for k in ("ids", "embeddings", "documents", "metadatas")})
    client.delete_collection(first.build)
    client.delete_collection("fabbriche-vetrina.pointer")

    embedder = CountingEmbeddings()
    again = CaseIndex(tmp_path / "ix", embedder=embedder)
    _, warnings = again.ensure_current(load_corpus(small_corpus))
    assert warnings == [] and embedder.calls == 0
    assert again.count() == first.chunks_embedded
    assert again._pointer_meta()["previous"] == "fabbriche-vetrina"  # kept for its readers
