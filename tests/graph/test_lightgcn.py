import numpy as np
import pandas as pd
import pytest

from recsys.data import leave_last_out
from recsys.errors import NotFittedError
from recsys.evaluate import rank_users
from recsys.graph import (
    LightGCN,
    LightGCNConfig,
    Propagation,
    interaction_graph,
    normalized_adjacency,
    sample_negatives,
)
from recsys.graph.adjacency import to_sparse_tensor

# 2 users x 2 items. u0: {i0, i1}; u1: {i1}. Degrees u0=2 u1=1 i0=1 i1=2.
FRAME = pd.DataFrame({"user_idx": [0, 0, 1], "item_idx": [0, 1, 1]})


def test_one_layer_of_propagation_by_hand():
    net = Propagation(2, 2, dim=2, n_layers=1)
    net.user_embedding.assign(np.array([[1.0, 0.0], [0.0, 1.0]], np.float32))
    net.item_embedding.assign(np.array([[2.0, 0.0], [0.0, 2.0]], np.float32))
    a = to_sparse_tensor(normalized_adjacency(interaction_graph(FRAME, 2, 2)))
    final, ego = net.propagate(a)
    # A_hat: u0-i0 = 1/sqrt(2*1), u0-i1 = 1/sqrt(2*2) = 1/2, u1-i1 = 1/sqrt(1*2)
    # layer 1: u0 = i0/sqrt2 + i1/2 = [sqrt2, 1]; u1 = i1/sqrt2 = [0, sqrt2]
    #          i0 = u0/sqrt2 = [1/sqrt2, 0]; i1 = u0/2 + u1/sqrt2 = [1/2, 1/sqrt2]
    r2 = np.sqrt(2)
    layer1 = np.array([[r2, 1], [0, r2], [1 / r2, 0], [0.5, 1 / r2]])
    e0 = np.array([[1, 0], [0, 1], [2, 0], [0, 2]])
    np.testing.assert_allclose(np.asarray(ego), e0, atol=1e-6)
    np.testing.assert_allclose(np.asarray(final), (e0 + layer1) / 2, atol=1e-6)  # mean over layers 0 and 1


def test_negatives_are_never_positives():
    r = interaction_graph(FRAME, 2, 3)  # u0 has i0, i1 -> its only negative is i2
    neg = sample_negatives(np.zeros(200, np.int64), r, np.random.default_rng(0))
    assert set(neg) == {2}


def test_lightgcn_learns_and_ranks(dataset, split):
    cfg = LightGCNConfig(dim=16, layers=2, epochs=4, batch_size=256, learning_rate=1e-2, time_budget_s=None)
    model = LightGCN(cfg).fit(split.train, dataset.n_users, dataset.n_items, split.valid)
    assert model.user_vectors_.shape == (dataset.n_users, 16)
    assert model.item_vectors_.shape == (dataset.n_items, 16)
    assert len(model.curve_) == 4 and 1 <= model.best_epoch_ <= 4
    assert model.curve_[-1]["loss"] < model.curve_[0]["loss"]  # BPR goes down
    assert model.curve_[0]["loss"] < np.log(2) + 0.05  # starts near -log sigmoid(0)
    scores = model.scores(np.array([0, 1]), split.train)
    np.testing.assert_allclose(scores, model.user_vectors_[[0, 1]] @ model.item_vectors_.T, rtol=1e-5)
    ranked = rank_users(model, np.array([0]), split.train, k=5)
    assert not set(ranked[0]) & set(split.train.loc[split.train.user_idx == 0, "item_idx"])


def test_lightgcn_vectors_only_see_training_edges(dataset):
    # Same train part, different held-out parts -> identical vectors (the graph holds train only).
    split = leave_last_out(dataset.interactions)
    cfg = LightGCNConfig(dim=8, layers=1, epochs=1, batch_size=512, time_budget_s=None)
    a = LightGCN(cfg).fit(split.train, dataset.n_users, dataset.n_items)
    b = LightGCN(cfg).fit(split.train, dataset.n_users, dataset.n_items)
    np.testing.assert_allclose(a.item_vectors_, b.item_vectors_, atol=1e-6)
    assert a.adjacency_.nnz == 2 * interaction_graph(split.train, dataset.n_users, dataset.n_items).nnz


def test_time_budget_stops_training(dataset, split):
    cfg = LightGCNConfig(dim=8, layers=1, epochs=1000, batch_size=4096, time_budget_s=0.5)
    model = LightGCN(cfg).fit(split.train, dataset.n_users, dataset.n_items, split.valid)
    assert len(model.curve_) < 1000
    assert model.stop_reason_ in ("time limit", "early stopping")


def test_unfitted_lightgcn_raises():
    with pytest.raises(NotFittedError):
        LightGCN().scores([0])
