import numpy as np
import pandas as pd
import pytest

from recsys.graph import (
    LightGCN,
    LightGCNConfig,
    load_graph_vectors,
    save_graph_vectors,
    similar_users_who_chose,
    user_similarities,
)
from recsys.graph.similar_users import NO_GRAPH

# 4 users x 4 items. u0: {0, 1}; u1: {0, 1, 2}; u2: {1, 2}; u3: {2, 3}
FRAME = pd.DataFrame({"user_idx": [0, 0, 1, 1, 1, 2, 2, 3, 3], "item_idx": [0, 1, 0, 1, 2, 1, 2, 2, 3]})


def test_users_who_chose_an_item_by_cosine():
    sim = user_similarities(0, FRAME, 4, 4, "cosine")
    # cos(u0,u1) = 2/sqrt(2*3) = 0.8165; cos(u0,u2) = 1/sqrt(2*2) = 0.5; cos(u0,u3) = 0
    np.testing.assert_allclose(sim, [1.0, 2 / np.sqrt(6), 0.5, 0.0], atol=1e-9)
    out = similar_users_who_chose(0, 2, FRAME, sim, k=2)  # item 2: chosen by u1, u2, u3
    assert list(out["user_idx"]) == [1, 2]
    np.testing.assert_allclose(out["similarity"], [2 / np.sqrt(6), 0.5])
    assert list(out["shared"]) == [2, 1]  # u1 shares {0, 1} with u0, u2 shares {1}


def test_the_user_is_never_their_own_neighbour_and_nobody_else_is_empty():
    sim = user_similarities(3, FRAME, 4, 4, "pearson")
    assert similar_users_who_chose(3, 3, FRAME, sim).empty  # only u3 has item 3
    assert 3 not in set(similar_users_who_chose(3, 2, FRAME, sim, k=10)["user_idx"])


def test_graph_similarity_is_the_cosine_of_user_vectors():
    vectors = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0], [-1.0, 0.0]])
    sim = user_similarities(0, FRAME, 4, 4, "graph", user_vectors=vectors)
    np.testing.assert_allclose(sim, [1.0, 1 / np.sqrt(2), 0.0, -1.0], atol=1e-9)
    assert list(similar_users_who_chose(0, 2, FRAME, sim)["user_idx"]) == [1, 2, 3]
    with pytest.raises(ValueError, match="LightGCN user vectors") as err:
        user_similarities(0, FRAME, 4, 4, "graph")
    assert str(err.value) == NO_GRAPH


def test_graph_vectors_round_trip(tmp_path):
    model = LightGCN(LightGCNConfig(dim=4, layers=1, epochs=1, time_budget_s=None)).fit(FRAME, 4, 4)
    save_graph_vectors(tmp_path, model)
    loaded = load_graph_vectors(tmp_path)
    np.testing.assert_allclose(loaded["user_vectors"], model.user_vectors_, atol=1e-7)
    np.testing.assert_allclose(loaded["item_vectors"], model.item_vectors_, atol=1e-7)
    assert load_graph_vectors(tmp_path / "missing") is None
