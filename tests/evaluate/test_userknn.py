import numpy as np
import pandas as pd
import pytest

from recsys.evaluate import UserKNN, rank_users
from recsys.graph import user_similarity
from recsys.graph.adjacency import interaction_graph

# 4 users x 5 items. u0: {0, 1}; u1: {0, 1, 2}; u2: {1, 3}; u3: {4}
TRAIN = pd.DataFrame({"user_idx": [0, 0, 1, 1, 1, 2, 2, 3], "item_idx": [0, 1, 0, 1, 2, 1, 3, 4]})


def test_cosine_similarity_by_hand():
    s = user_similarity(interaction_graph(TRAIN, 4, 5), similarity="cosine")
    # cos(u0,u1) = 2/sqrt(2*3) = 0.8165; cos(u0,u2) = 1/sqrt(2*2) = 0.5; cos(u1,u2) = 1/sqrt(3*2) = 0.4082
    assert s[0, 1] == pytest.approx(2 / np.sqrt(6))
    assert s[0, 2] == pytest.approx(0.5)
    assert s[1, 2] == pytest.approx(1 / np.sqrt(6))
    assert s[0, 3] == 0


def test_pearson_similarity_by_hand():
    s = user_similarity(interaction_graph(TRAIN, 4, 5), similarity="pearson")
    x = np.zeros((4, 5))
    x[TRAIN.user_idx, TRAIN.item_idx] = 1
    np.testing.assert_allclose(s, np.corrcoef(x), atol=1e-9)
    # u0 = 11000, u1 = 11100 over N = 5: cov = 2 - 2*3/5 = 0.8; sd = sqrt(2*0.6) sqrt(3*0.4) = 1.2
    assert s[0, 1] == pytest.approx(0.8 / 1.2)
    # u0 and u3 share nothing: (0 - 2*1/5) / sqrt(2*0.6 * 1*0.8) = -0.4 / sqrt(0.96)
    assert s[0, 3] == pytest.approx(-0.4 / np.sqrt(0.96))


def test_userknn_ranks_by_hand():
    knn = UserKNN(k=2).fit(TRAIN, 4, 5)
    # u0's two nearest: u1 (0.8165), u2 (0.5). score(2) = 0.8165 (u1), score(3) = 0.5 (u2), score(4) = 0
    np.testing.assert_array_equal(rank_users(knn, np.array([0]), TRAIN, k=2), [[2, 3]])
    scores = knn.scores(np.array([0]), TRAIN)[0]
    np.testing.assert_allclose(scores[[2, 3, 4]], [2 / np.sqrt(6), 0.5, 0.0], atol=1e-6)
    # u2 = {1, 3}: neighbours u0 (0.5) and u1 (0.4082): score(0) = 0.9082, score(2) = 0.4082
    np.testing.assert_array_equal(rank_users(knn, np.array([2]), TRAIN, k=2), [[0, 2]])


def test_userknn_k1_keeps_one_neighbour_and_pearson_drops_negatives():
    knn = UserKNN(k=1).fit(TRAIN, 4, 5)
    assert (knn.similarity_[0].toarray() > 0).sum() == 1 and knn.similarity_[0, 1] > 0
    pearson = UserKNN(k=3, similarity="pearson").fit(TRAIN, 4, 5)
    assert pearson.similarity_.min() >= 0 and pearson.similarity_[3].nnz == 0  # u3 only anti-correlates
    # u0 under Pearson: u1 (0.667), u2 (0.167): item 2 first, then 3
    np.testing.assert_array_equal(rank_users(pearson, np.array([0]), TRAIN, k=2), [[2, 3]])


def test_userknn_reads_neighbour_items_from_the_history():
    knn = UserKNN(k=1).fit(TRAIN, 4, 5)
    history = pd.concat([TRAIN, pd.DataFrame({"user_idx": [1], "item_idx": [4]})])  # u1 adds item 4 (validation)
    scores = knn.scores(np.array([0]), history)[0]
    assert scores[4] == pytest.approx(2 / np.sqrt(6))


def test_userknn_rejects_unknown_similarity():
    with pytest.raises(ValueError, match="similarity"):
        UserKNN(similarity="jaccard")
