"""PCA maps of the model's item vectors and of the item text vectors."""

import dataclasses

import numpy as np
import pytest

from recsys.errors import DataError
from recsys.explain import maps as M
from recsys.model.sequences import user_sequences
from recsys.recommend import Recommender
from tests.tiny import TINY_MODEL


@pytest.fixture(scope="module")
def rec(dataset, trained):
    return Recommender(trained.model, trained.tables, TINY_MODEL.max_len, user_sequences(dataset.interactions))


def test_item_vectors_leave_out_the_padding_row(rec, trained, dataset):
    weights = trained.model.get_layer("item_embedding").get_weights()[0]
    assert len(weights) == dataset.n_items + 1
    vectors = M.item_vectors(rec, M.ID_EMBEDDING)
    np.testing.assert_array_equal(vectors, weights[1:])
    np.testing.assert_array_equal(M.item_vectors(rec, M.TEXT_EMBEDDING), trained.tables.item_text[1:])
    assert M.item_vectors(rec, M.CANDIDATE_VECTOR).shape == (dataset.n_items, TINY_MODEL.dim)
    no_text = Recommender(trained.model, dataclasses.replace(trained.tables, item_text=None), TINY_MODEL.max_len, {})
    with pytest.raises(DataError, match="no item text vectors"):
        M.item_vectors(no_text, M.TEXT_EMBEDDING)


@pytest.mark.parametrize("kind", M.VECTOR_KINDS)
def test_embedding_map_of_the_model(rec, dataset, kind):
    m = M.embedding_map(M.item_vectors(rec, kind), dataset)
    assert m.points.shape == (dataset.n_items, 6)
    np.testing.assert_array_equal(m.points["item_idx"], np.arange(dataset.n_items))
    assert list(m.points["item_id"]) == [str(i) for i in dataset.item_encoder.classes_]
    assert 0 < m.explained_variance_ratio[1] <= m.explained_variance_ratio[0] <= 1
    assert (m.points["category"] != "").all()  # every tiny item has a genre


def test_embedding_map_by_hand(dataset):
    # x = +-2 and y = +-1 in an uncorrelated pattern, z = 0: variances 4 and 1 -> shares 0.8 and 0.2
    i = np.arange(dataset.n_items)
    vectors = np.c_[2.0 * (-1) ** i, (-1.0) ** (i // 2), np.zeros(dataset.n_items)] + 5.0
    m = M.embedding_map(vectors, dataset)
    np.testing.assert_allclose(m.explained_variance_ratio, [0.8, 0.2], atol=1e-12)
    np.testing.assert_allclose(np.abs(m.points["x"]), 2.0)
    np.testing.assert_allclose(np.abs(m.points["y"]), 1.0)
    with pytest.raises(ValueError, match="no padding row"):
        M.embedding_map(np.vstack([np.zeros(3), vectors]), dataset)


def test_pca_2d_by_hand():
    """Points on a line: all variance on the first component, coordinates are the signed distances
    from the mean along it; one-dimensional input pads the second axis with zeros."""
    line = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    coords, ratio = M.pca_2d(line)
    np.testing.assert_allclose(ratio, [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(np.abs(coords[:, 0]), np.abs(np.array([-1.5, -0.5, 0.5, 1.5]) * np.sqrt(2)), atol=1e-9)
    np.testing.assert_allclose(coords[:, 1], 0.0, atol=1e-9)
    coords, ratio = M.pca_2d(np.array([[1.0], [2.0], [4.0]]))
    assert coords.shape == (3, 2) and ratio[1] == 0.0 and np.all(coords[:, 1] == 0)
