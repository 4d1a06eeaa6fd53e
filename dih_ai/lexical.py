"""Lexical search: the tokenizer and Okapi BM25 over the index's chunks (sparse layout)."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dih_ai.index import StoredChunk

_STOPWORDS = frozenset(
    (
        "a ad al alla alle allo ai agli da dal dalla dei degli delle del della di e ed il in la "
        "le lo gli i un una uno per con su sul sulla tra fra che non più come anche sono è o "
        "the of and to in for on with by an is are at from as or be this that its"
    ).split()
)


def tokenize(text: str) -> list[str]:
    """Lowercase, strip accents, drop stopwords, and trim a final vowel (a light Italian stem)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    out = []
    for token in re.findall(r"[a-z0-9]+", text):
        if len(token) < 2 or token in _STOPWORDS:
            continue
        if len(token) > 4 and token[-1] in "aeiou":
            token = token[:-1]
        out.append(token)
    return out


class BM25:
    """Okapi BM25 over every chunk of the index, rebuilt when the index changes.

    The scores are rank-bm25's `BM25Okapi` (k1 1.5, b 0.75, negative idf floored at 0.25 x
    the mean idf), computed on a sparse term-by-chunk layout: each term keeps the chunks it
    occurs in and its precomputed score there, so a query touches only the chunks that
    contain its terms instead of every chunk of the index.
    """

    K1 = 1.5
    B = 0.75
    EPSILON = 0.25

    def __init__(self, chunks: list[StoredChunk]) -> None:
        import numpy as np

        self.chunks = chunks
        corpus = [tokenize(c.text) for c in chunks] or [[""]]
        self.size = len(corpus)
        lengths = np.array([len(doc) for doc in corpus], dtype=float)
        average = float(lengths.sum()) / self.size
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for number, doc in enumerate(corpus):
            counts: dict[str, int] = {}
            for token in doc:
                counts[token] = counts.get(token, 0) + 1
            for token, count in counts.items():
                docs, freqs = postings.setdefault(token, ([], []))
                docs.append(number)
                freqs.append(count)
        idf = {
            t: math.log(self.size - len(d) + 0.5) - math.log(len(d) + 0.5)
            for t, (d, _) in postings.items()
        }
        floor = self.EPSILON * (sum(idf.values()) / len(idf)) if idf else 0.0
        norm = self.K1 * (1 - self.B + self.B * lengths / average) if average else lengths
        self.terms: dict[str, tuple[Any, Any]] = {}
        for token, (docs, freqs) in postings.items():
            where = np.array(docs, dtype=np.int64)
            tf = np.array(freqs, dtype=float)
            weight = idf[token] if idf[token] >= 0 else floor
            self.terms[token] = (where, weight * (tf * (self.K1 + 1) / (tf + norm[where])))

    def scores(self, query: str) -> Any:
        """The BM25 score of every chunk for `query`."""
        import numpy as np

        scores = np.zeros(self.size)
        for token in tokenize(query):
            found = self.terms.get(token)
            if found is not None:
                scores[found[0]] += found[1]
        return scores

    def search(self, query: str, k: int) -> list[tuple[StoredChunk, float]]:
        if not self.chunks:
            return []
        import numpy as np

        scores = self.scores(query)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.chunks[i], float(scores[i])) for i in order if scores[i] > 0]
