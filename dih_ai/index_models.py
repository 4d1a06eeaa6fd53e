"""What the case index reports: a sync (`SyncReport`), how stale it is against a corpus
(`Staleness`), and a chunk read back (`StoredChunk`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dih_ai.corpus import Corpus


@dataclass
class SyncReport:
    """What a sync did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    chunks_embedded: int = 0
    chunks_copied: int = 0
    rebuilt_because: str | None = None
    dropped_unfinished: list[str] = field(default_factory=list)
    build: str | None = None  # the collection published by this sync, if any
    corpus: Corpus | None = field(default=None, repr=False)  # the corpus it indexed

    def summary(self) -> str:
        """One line for people."""
        text = (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged; "
            f"{self.chunks_embedded} chunks embedded"
        )
        if self.dropped_unfinished:
            text += f"; dropped {len(self.dropped_unfinished)} unfinished earlier build(s)"
        if self.rebuilt_because:
            text = f"index rebuilt ({self.rebuilt_because}); " + text
        return text


@dataclass
class Staleness:
    """How the published index differs from a corpus (cases by id)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    unusable: str | None = None  # why the index cannot be read for this corpus at all
    built_at: str | None = None

    @property
    def fresh(self) -> bool:
        """The index holds exactly this corpus."""
        return not (self.added or self.updated or self.removed or self.unusable)

    def describe(self) -> str:
        """How stale, in words."""
        if self.unusable:
            return self.unusable
        text = (
            f"{len(self.added)} case(s) added, {len(self.updated)} changed, "
            f"{len(self.removed)} removed since it was built"
        )
        return text + (f" ({self.built_at})" if self.built_at else "")


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the index."""

    id: str
    text: str
    metadata: dict[str, Any]


def _case_of(chunk_id: str) -> str:
    return chunk_id.split("#", 1)[0]


def compare(corpus: Corpus, indexed: dict[str, str], into: SyncReport | Staleness) -> None:
    """Count into `into` the cases added, updated, removed and unchanged, by content hash
    (`indexed`: chunk id -> content hash; enough: a build is only ever published complete)."""
    by_case: dict[str, set[str]] = {}
    for chunk_id, digest in indexed.items():
        by_case.setdefault(_case_of(chunk_id), set()).add(digest)
    for case_id, case in corpus.cases.items():
        have = by_case.get(case_id)
        if not have:
            into.added.append(case_id)
        elif have != {case.content_hash}:
            into.updated.append(case_id)
        else:
            into.unchanged += 1
    into.removed.extend(c for c in by_case if c not in corpus.cases)
