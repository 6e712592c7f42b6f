"""Semantic search: hand-made vectors for the arithmetic, a hand-made catalogue for meaning."""

from __future__ import annotations

import numpy as np
import pytest

from recsys.errors import DataError
from recsys.text import (
    TextMsg,
    embed_texts,
    items_like_item,
    items_like_text,
    recommend_from_text,
    similar_items,
    text_to_history_scores,
)

CATALOGUE = [
    "Rocket launch: a crew flies to Mars aboard a spacecraft.",  # 0 space
    "Sourdough baking: bread, flour and a slow rise.",  # 1 cooking
    "Astronauts repair the space station in orbit.",  # 2 space
    "Italian kitchen: fresh pasta and tomato sauce recipes.",  # 3 cooking
    "A romantic comedy set in Paris.",  # 4 romance
]
SPACE, COOKING = {0, 2}, {1, 3}


def test_similar_items_by_hand():
    # unit rows at 0, 60 and 90 degrees from the query (1, 0); the zero row scores 0
    vectors = np.array([[1, 0], [0.5, np.sqrt(3) / 2], [0, 1], [0, 0], [-1, 0]], dtype=np.float32)
    idx, cos = similar_items(vectors, np.array([2.0, 0.0]), k=3)
    assert idx.tolist() == [0, 1, 2]
    np.testing.assert_allclose(cos, [1.0, 0.5, 0.0], atol=1e-6)
    idx, _ = similar_items(vectors, np.array([1.0, 0.0]), k=10, exclude=[0, 1])
    assert idx.tolist() == [2, 3, 4]  # k larger than what is left; the 0-cosine tie keeps index order


def test_similar_items_rejects_bad_input():
    vectors = np.eye(3, dtype=np.float32)
    with pytest.raises(DataError, match="positive whole number"):
        similar_items(vectors, vectors[0], k=0)
    with pytest.raises(DataError, match="dimension 2"):
        similar_items(vectors, np.ones(2), k=1)


@pytest.fixture(scope="module")
def catalogue(minilm, tmp_path_factory):
    return embed_texts(CATALOGUE, minilm, cache_dir=tmp_path_factory.mktemp("cache"))


def test_space_query_finds_a_space_item(catalogue):
    idx, cos = items_like_text("space rocket launch", catalogue.vectors, catalogue.encoder, k=5)
    assert idx[0] in SPACE and set(idx[:2].tolist()) == SPACE
    assert cos[0] > cos[-1] and all(cos[idx.tolist().index(i)] < cos[0] for i in COOKING)


def test_items_like_an_item_skips_itself(catalogue):
    idx, _ = items_like_item(1, catalogue.vectors, k=2)
    assert 1 not in idx.tolist() and idx[0] == 3  # bread -> pasta


def test_new_user_describes_tastes_in_words(catalogue):
    scores = text_to_history_scores("I love cooking and baking at home", catalogue.vectors, catalogue.encoder)
    assert scores.shape == (len(CATALOGUE),)
    idx, _ = recommend_from_text("I love cooking and baking at home", catalogue.vectors, catalogue.encoder, k=2)
    assert set(idx.tolist()) == COOKING
    idx, _ = recommend_from_text(["films about astronauts", "rockets"], catalogue.vectors, catalogue.encoder,
                                 k=2, exclude=[2])
    assert idx[0] == 0


def test_empty_query_is_a_clear_error(catalogue):
    with pytest.raises(DataError) as err:
        items_like_text("   ", catalogue.vectors, catalogue.encoder)
    assert str(err.value) == TextMsg.EMPTY_QUERY
