import numpy as np
import pandas as pd
import pytest

from recsys.data import leave_last_out
from recsys.graph import interaction_graph, normalized_adjacency, to_sparse_tensor

# 3 users x 3 items. u0: {i0, i1}; u1: {i1}; u2: {i1, i2}  (u0-i1 listed twice: counts once)
FRAME = pd.DataFrame({"user_idx": [0, 0, 0, 1, 2, 2], "item_idx": [0, 1, 1, 1, 1, 2]})


def test_interaction_graph_is_binary():
    r = interaction_graph(FRAME, 3, 3).toarray()
    np.testing.assert_array_equal(r, [[1, 1, 0], [0, 1, 0], [0, 1, 1]])


def test_normalized_adjacency_by_hand():
    a = normalized_adjacency(interaction_graph(FRAME, 3, 3)).toarray()
    # Nodes u0 u1 u2 i0 i1 i2; degrees u0=2 u1=1 u2=2 i0=1 i1=3 i2=1; entry = 1/sqrt(deg(u) deg(i)).
    s = np.sqrt
    expected = np.zeros((6, 6))
    expected[0, 3] = 1 / s(2 * 1)  # u0-i0
    expected[0, 4] = 1 / s(2 * 3)  # u0-i1
    expected[1, 4] = 1 / s(1 * 3)  # u1-i1
    expected[2, 4] = 1 / s(2 * 3)  # u2-i1
    expected[2, 5] = 1 / s(2 * 1)  # u2-i2
    expected += expected.T
    np.testing.assert_allclose(a, expected, atol=1e-6)
    assert a.dtype == np.float32


def test_isolated_nodes_keep_zero_rows():
    a = normalized_adjacency(interaction_graph(FRAME.iloc[:2], 4, 4)).toarray()  # u0: {i0, i1}
    assert a.shape == (8, 8)
    assert np.all(a[[1, 2, 3, 6, 7]] == 0) and np.isfinite(a).all()
    assert a[0, 4] == pytest.approx(1 / np.sqrt(2))


def test_sparse_tensor_round_trip():
    m = normalized_adjacency(interaction_graph(FRAME, 3, 3))
    st = to_sparse_tensor(m)
    import tensorflow as tf

    np.testing.assert_allclose(tf.sparse.to_dense(st).numpy(), m.toarray(), atol=1e-7)


def test_no_held_out_interaction_leaks_into_the_graph(dataset):
    split = leave_last_out(dataset.interactions)
    r = interaction_graph(split.train, dataset.n_users, dataset.n_items)
    for part in (split.valid, split.test):
        # a held-out pair may repeat a training pair (re-consumption); every other one must be absent
        train_pairs = set(zip(split.train["user_idx"], split.train["item_idx"]))
        fresh = [(u, i) for u, i in zip(part["user_idx"], part["item_idx"]) if (u, i) not in train_pairs]
        assert fresh, "the fixture should hold out new items"
        users, items = np.array(fresh).T
        assert np.all(r[users, items] == 0)
    assert r.sum() == len(set(zip(split.train["user_idx"], split.train["item_idx"])))


def test_symmetric_matmul_and_its_gradient():
    import tensorflow as tf

    from recsys.graph import symmetric_matmul, to_csr_tensor

    m = normalized_adjacency(interaction_graph(FRAME, 3, 3))
    x = tf.Variable(np.arange(12, dtype=np.float32).reshape(6, 2))
    w = tf.constant(np.linspace(-1, 1, 12, dtype=np.float32).reshape(6, 2))
    with tf.GradientTape() as tape:
        y = symmetric_matmul(to_csr_tensor(to_sparse_tensor(m)), x)
        loss = tf.reduce_sum(y * w)
    np.testing.assert_allclose(y.numpy(), m.toarray() @ x.numpy(), atol=1e-5)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), m.toarray().T @ w.numpy(), atol=1e-5)  # A^T w
