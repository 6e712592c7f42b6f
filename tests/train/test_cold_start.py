"""Items with no training interaction (cold start): left out of the training softmax, their id
vectors zeroed, so only what is known about them (text, categories) can rank them."""

from dataclasses import replace

import numpy as np
import pytest

from recsys.data import leave_last_out
from recsys.model.features import to_model_ids
from recsys.recommend import Recommender
from recsys.train import fit
from recsys.train.fit import warm_items
from tests.tiny import TINY_MODEL, TINY_TRAIN, text_vectors

COLD = np.array([3, 7, 11, 19, 23])


@pytest.fixture(scope="module")
def cold_split(dataset):
    """Leave-last-out with every interaction of the ``COLD`` items removed from train and valid."""
    s = leave_last_out(dataset.interactions)
    drop = lambda f: f[~f["item_idx"].isin(COLD)]  # noqa: E731
    return replace(s, train=drop(s.train), valid=drop(s.valid))


def _cold_scores(result, dataset) -> np.ndarray:
    """``[U, 5]`` scores of the cold items for every user."""
    rec = Recommender(result.model, result.tables, result.model_config.max_len, result.sequences,
                      result.model_config.heads)
    users = np.arange(dataset.n_users)
    return rec.score_histories(rec.history_matrix(users), users)[:, COLD]


def test_warm_items_marks_items_with_training_interactions(dataset, cold_split):
    warm = warm_items(cold_split.train, dataset.n_items)
    assert warm.shape == (dataset.n_items,)
    assert not warm[COLD].any()
    assert warm.sum() == cold_split.train["item_idx"].nunique()


@pytest.mark.slow
def test_cold_items_keep_no_id_vector_and_get_the_mean_bias(dataset, cold_split):
    result = fit(dataset, cold_split, TINY_MODEL, replace(TINY_TRAIN, epochs=1), text_vectors(dataset.n_items))
    warm = to_model_ids(np.setdiff1d(np.arange(dataset.n_items), COLD))
    table = np.array(result.model.get_layer("item_embedding").embeddings)
    assert np.all(table[to_model_ids(COLD)] == 0.0)
    assert np.all(np.abs(table[warm]).sum(axis=1) > 0)
    bias = np.array(result.model.get_layer("item_bias").embeddings)[:, 0]
    np.testing.assert_allclose(bias[to_model_ids(COLD)], bias[warm].mean(), rtol=1e-6)


@pytest.mark.slow
def test_without_side_information_cold_items_are_indistinguishable(dataset, cold_split):
    # No text and no categories: a cold candidate is the zero vector with a zero bias, so every
    # cold item gets the same score for a user: the model cannot rank them.
    cfg = replace(TINY_MODEL, use_text=False, use_item_features=False)
    scores = _cold_scores(fit(dataset, cold_split, cfg, replace(TINY_TRAIN, epochs=1)), dataset)
    np.testing.assert_allclose(scores, np.repeat(scores[:, :1], len(COLD), axis=1), atol=1e-5)


@pytest.mark.slow
def test_text_vectors_give_cold_items_distinct_scores(dataset, cold_split):
    cfg = replace(TINY_MODEL, use_item_features=False)
    vectors = text_vectors(dataset.n_items)
    scores = _cold_scores(fit(dataset, cold_split, cfg, replace(TINY_TRAIN, epochs=1), vectors), dataset)
    assert np.all(scores.std(axis=1) > 1e-3)  # each user orders the cold items by their text
    assert len({tuple(np.argsort(-row)) for row in scores}) > 1  # and not every user the same way
