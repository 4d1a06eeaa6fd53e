"""The default embedder: the standard LangChain Embeddings suites, and e5 behaviour."""

import numpy as np
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from dih_ai.embeddings import E5Embeddings


class TestE5EmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[E5Embeddings]:
        return E5Embeddings

    @property
    def init_from_env_params(self) -> tuple[dict, dict, dict]:
        return ({"DIH_AI_EMBED_THREADS": "1"}, {}, {"num_threads": 1})


class TestE5EmbeddingsIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[E5Embeddings]:
        return E5Embeddings


def test_vectors_are_normalised_and_deterministic() -> None:
    embedder = E5Embeddings()
    first = np.array(embedder.embed_query("manutenzione predittiva"))
    second = np.array(embedder.embed_query("manutenzione predittiva"))
    assert first.shape == (384,)
    assert abs(np.linalg.norm(first) - 1.0) < 1e-3
    assert np.allclose(first, second)


def test_query_and_passage_prefixes_differ() -> None:
    embedder = E5Embeddings()
    text = "controllo qualità con visione artificiale"
    assert not np.allclose(embedder.embed_query(text), embedder.embed_documents([text])[0])


def test_italian_paraphrase_ranks_first() -> None:
    embedder = E5Embeddings()
    query = np.array(embedder.embed_query("ridurre i fermi macchina non pianificati"))
    passages = np.array(
        embedder.embed_documents(
            [
                "Previsione della domanda di formaggi freschi per la grande distribuzione",
                "Sensori di vibrazione sui torni per anticipare guasti e fermate impreviste",
                "Schede prodotto scritte con l'AI generativa per un e-commerce di pelletteria",
            ]
        )
    )
    assert int(np.argmax(passages @ query)) == 1
