"""EASE within memory and play counts as confidence: float32 eigendecomposition against the float64
inverse, the memory estimate and the skip before a fit, the skip note in the run record, and
``log(1 + weight)`` in EASE and ItemKNN."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import recsys.evaluate.memory as memory
from recsys.data.split import leave_last_out
from recsys.errors import TooLargeError
from recsys.evaluate import EASE, EASEText, ItemKNN, rank_users
from recsys.evaluate.ease import GramEigen, confidence_matrix, ease_bytes
from recsys.evaluate.ease_text import ease_text_bytes
from recsys.evaluate.experiment import metrics_json, run_experiment
from recsys.evaluate.registry import skip_notes
from recsys.graph.adjacency import interaction_graph
from recsys.ranking import top_k
from recsys.ranking.metrics import ndcg


def _random_pairs(n_users: int, n_items: int, n: int, seed: int = 0) -> pd.DataFrame:
    """Pairs with a long-tailed item popularity (many ties in binary cosines and EASE scores)."""
    rng = np.random.default_rng(seed)
    items = np.minimum(rng.zipf(1.3, n) - 1, n_items - 1)
    frame = pd.DataFrame({"user_idx": rng.integers(0, n_users, n), "item_idx": items})
    return frame.drop_duplicates(ignore_index=True)


def _dense(frame: pd.DataFrame, n_users: int, n_items: int, values=None) -> np.ndarray:
    x = np.zeros((n_users, n_items))
    x[frame.user_idx, frame.item_idx] = 1.0 if values is None else values
    return x


def _inverse_weights(x: np.ndarray, lam: float) -> np.ndarray:
    """EASE's ``B`` by the float64 inverse (the implementation before the eigendecomposition)."""
    p = np.linalg.inv(x.T @ x + lam * np.eye(x.shape[1]))
    b = -p / np.diag(p)
    np.fill_diagonal(b, 0.0)
    return b


# ------------------------------------------------------------ float32 against the float64 inverse


@pytest.mark.parametrize("n_users,n_items", [(300, 120), (90, 250)])  # primal and dual
def test_float32_eigendecomposition_scores_and_ranks_like_the_float64_inverse(n_users, n_items):
    pairs = _random_pairs(n_users, n_items, 3000)
    x = _dense(pairs, n_users, n_items)
    eigen = GramEigen.fit(sp.csr_matrix(x), dtype=np.float32)
    assert eigen.q.dtype == np.float32
    seen = [np.flatnonzero(row) for row in x]
    for lam in (10.0, 100.0, 1000.0):
        expected = x @ _inverse_weights(x, lam)
        got = eigen.scores(x, lam)
        # float32 keeps ~7 digits; the scores are O(1) and P's condition number (s_max + lam) / lam
        # stays below ~10^2 here, so 1e-4 absolute bounds the rounding with room to spare
        np.testing.assert_allclose(got, expected, atol=1e-4)
        ranked64, _ = top_k(expected, 10, seen)
        ranked32, _ = top_k(got, 10, seen)
        rows = np.arange(n_users)[:, None]
        # any difference in order is between items whose exact scores tie within the rounding
        np.testing.assert_allclose(expected[rows, ranked32], expected[rows, ranked64], atol=2e-4)
        assert (ranked32 == ranked64).all(axis=1).mean() > 0.9


def test_ease_chooses_the_lambda_and_ranking_of_the_per_lambda_inverse():
    n_users, n_items = 200, 150
    pairs = _random_pairs(n_users, n_items, 4000, seed=3).assign(timestamp=lambda f: np.arange(len(f)))
    split = leave_last_out(pairs)
    lambdas = (1.0, 10.0, 50.0, 200.0, 1000.0)
    x = _dense(split.train, n_users, n_items)
    users = split.valid["user_idx"].to_numpy()
    seen = [np.flatnonzero(x[u]) for u in users]
    inverse = {
        lam: ndcg(top_k(x[users] @ _inverse_weights(x, lam), 10, seen)[0], split.valid["item_idx"].to_numpy(), k=10)
        for lam in lambdas
    }
    ease = EASE(lambdas=lambdas).fit(split.train, n_users, n_items, split.valid)
    assert ease.validation_ == pytest.approx(inverse, abs=1e-12)
    assert ease.lambda_ == max(lambdas, key=lambda lam: (inverse[lam], -lambdas.index(lam)))
    test_users = split.test["user_idx"].to_numpy()
    history = pd.concat([split.train, split.valid])
    h = _dense(history, n_users, n_items)
    expected, _ = top_k(
        h[test_users] @ _inverse_weights(x, ease.lambda_), 10, [np.flatnonzero(h[u]) for u in test_users]
    )
    np.testing.assert_array_equal(rank_users(ease, test_users, history, 10), expected)


# ------------------------------------------------------------ the memory estimate and the skip


def test_the_estimate_covers_the_measured_peak_of_a_fit():
    n_users, n_items = 700, 500  # primal: m = 500, float64
    pairs = _random_pairs(n_users, n_items, 20000, seed=1)
    tracemalloc.start()
    ease = EASE(lambdas=(10.0,), chunk=256).fit(pairs, n_users, n_items)
    ease.scores(np.arange(n_users), pairs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    need = ease_bytes(n_users, n_items, chunk=256)
    assert need == 8 * (2 * 500 * 500 + 6 * 256 * 500)
    # scoring every user at once concatenates [U, N] float32 on top of the fit; the estimate is per chunk
    assert peak <= need + 4 * n_users * n_items and need <= 3 * peak


def test_ease_bytes_counts_the_dual_factors():
    # 1,892 users < 17,483 items: the users' Gram matrix, its eigenvectors and Q [N, m], in float64
    m, n = 1892, 17483
    assert ease_bytes(m, n, chunk=1024) == 8 * (2 * m * m + n * m + 6 * 1024 * n)
    assert ease_text_bytes(m, n, 1024) == ease_bytes(m, n, 1024) + 4 * (3 * n * n + 2 * m * n)  # S in float32
    assert ease_bytes(5000, 40000, chunk=1024) == 4 * (2 * 5000**2 + 40000 * 5000 + 6 * 1024 * 40000)  # float32


def test_ease_above_max_size_is_skipped_with_a_note_and_refuses_to_fit():
    pairs = _random_pairs(30, 40, 200)
    note = EASE(max_size=25).skip_note(30, 40)
    assert note.startswith("EASE was skipped") and "30 x 30" in note and "max_size" in note
    with pytest.raises(TooLargeError, match="EASE was skipped"):
        EASE(max_size=25).fit(pairs, 30, 40)
    assert EASE(max_size=30).skip_note(30, 40) is None  # min(users, items) = 30 is the size
    assert "above its limit of 10,000 (max_size)" in EASE().skip_note(12_000, 50_000)  # EASE_MAX_SIZE
    text = EASEText(np.ones((40, 4)), max_size=39)
    assert "40 x 40" in text.skip_note(30, 40)
    with pytest.raises(TooLargeError, match="ease_text was skipped"):
        text.fit(pairs, 30, 40)


def test_ease_beyond_the_available_memory_is_skipped(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 10 * 1024**2)  # 10 MB free
    note = EASE().skip_note(3000, 4000)  # needs 2 x 3000^2 x 8 bytes = 137 MB and more
    assert note.startswith("EASE was skipped: it needs about") and "0.0 GB available" in note
    assert "free memory" in note
    assert EASE(memory_share=1000.0).skip_note(3000, 4000) is None
    monkeypatch.setattr(memory, "available_bytes", lambda: None)  # unknown: only the size limit applies
    assert EASE().skip_note(3000, 4000) is None


def test_available_bytes_reads_meminfo_and_a_cgroup_limit(tmp_path):
    (tmp_path / "meminfo").write_text("MemTotal:       16000000 kB\nMemAvailable:    8000000 kB\n")
    assert memory._meminfo_available(tmp_path / "meminfo") == 8_000_000 * 1024
    (tmp_path / "memory.max").write_text("4000000000\n")
    (tmp_path / "memory.current").write_text("1000000000\n")
    assert memory._cgroup_headroom(tmp_path) == 3_000_000_000
    (tmp_path / "memory.max").write_text("max\n")
    assert memory._cgroup_headroom(tmp_path) is None
    assert memory.available_bytes() > 0  # this Linux machine has /proc/meminfo


def test_the_experiment_records_the_skip_note(dataset, monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 1024)
    note = EASE().skip_note(dataset.n_users, dataset.n_items)
    assert skip_notes(("pop", "ease"), dataset.n_users, dataset.n_items) == {"ease": note}
    events = []
    exp = run_experiment(dataset, ("pop", "ease"), progress=events.append)
    assert exp.notes == {"ease": note} and set(exp.table["model"]) == {"pop"}
    assert {"stage": "model", "model": "ease", "status": "skipped", "seconds": 0.0, "note": note} in events
    record = metrics_json(exp, dataset)
    assert record["skipped"] == {"ease": note} and "ease" not in record["models"]


# ------------------------------------------------------------ play counts as confidence


WEIGHTED = pd.DataFrame(
    {  # u0 listened to item 0 a thousand times and to item 1 once
        "user_idx": [0, 0, 1, 1, 2, 2, 3, 3],
        "item_idx": [0, 1, 0, 2, 1, 3, 1, 3],
        "weight": [1000.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    }
)


def _log_weights(frame: pd.DataFrame) -> np.ndarray:
    """``log(1 + weight)`` scaled to mean square 1, as ``confidence_matrix`` reads distinct pairs."""
    v = np.log1p(frame["weight"].to_numpy())
    return v / np.sqrt(np.mean(v**2))


def test_confidence_matrix_is_scaled_log_one_plus_weight_and_binary_without_weights():
    x = confidence_matrix(WEIGHTED, 4, 4).toarray()
    np.testing.assert_allclose(x[WEIGHTED.user_idx, WEIGHTED.item_idx], _log_weights(WEIGHTED), rtol=1e-6)
    assert x[0, 0] / x[0, 1] == pytest.approx(np.log1p(1000.0) / np.log1p(1.0), rel=1e-6)
    assert np.mean(x[x > 0] ** 2) == pytest.approx(1.0)  # the scale of binary data: lambda keeps its meaning
    assert x[1, 1] == 0.0
    repeated = pd.DataFrame({"user_idx": [0, 0, 0], "item_idx": [2, 2, 1], "weight": [3.0, np.nan, 4.0]})
    y = confidence_matrix(repeated, 1, 3).toarray()
    assert y[0, 2] == pytest.approx(y[0, 1])  # 3 + a missing weight (1) = 4 plays, as item 1's
    plain = WEIGHTED.drop(columns="weight")
    assert (confidence_matrix(plain, 4, 4) != interaction_graph(plain, 4, 4)).nnz == 0


def test_itemknn_uses_log_weights_in_the_similarity_and_the_profile():
    x = _dense(WEIGHTED, 4, 4, _log_weights(WEIGHTED))
    xn = x / np.linalg.norm(x, axis=0)
    expected = xn.T @ xn
    np.fill_diagonal(expected, 0.0)
    knn = ItemKNN().fit(WEIGHTED, 4, 4)
    np.testing.assert_allclose(knn.similarity_.toarray(), expected, atol=1e-6)
    # binary: cos(1, 3) = 0.816 > cos(0, 2) = 0.707 puts item 3 first for u0; a thousand plays of
    # item 0 put item 2 (its neighbour) first
    assert rank_users(knn, np.array([0]), WEIGHTED, k=2).tolist() == [[2, 3]]
    binary = ItemKNN().fit(WEIGHTED.drop(columns="weight"), 4, 4)
    assert rank_users(binary, np.array([0]), WEIGHTED.drop(columns="weight"), k=2).tolist() == [[3, 2]]


def test_ease_uses_log_weights_in_the_gram_matrix_and_the_profile():
    x = _dense(WEIGHTED, 4, 4, _log_weights(WEIGHTED))
    ease = EASE(lambdas=(1.0,)).fit(WEIGHTED, 4, 4)
    np.testing.assert_allclose(ease.weights_, _inverse_weights(x, 1.0), atol=1e-6)
    np.testing.assert_allclose(ease.scores([0], WEIGHTED), x[:1] @ _inverse_weights(x, 1.0), atol=1e-6)
    binary = EASE(lambdas=(1.0,)).fit(WEIGHTED.drop(columns="weight"), 4, 4)
    assert not np.allclose(binary.weights_, ease.weights_, atol=1e-3)


def test_itemknn_in_blocks_equals_the_full_similarity_matrix():
    n_users, n_items, k = 120, 90, 7
    pairs = _random_pairs(n_users, n_items, 1500, seed=2)
    x = interaction_graph(pairs, n_users, n_items).tocsc()  # the implementation before the blocks
    xn = x.multiply(1.0 / np.maximum(np.sqrt(np.asarray(x.sum(0)).ravel()), 1e-12)).tocsc()
    sim = (xn.T @ xn).toarray()
    np.fill_diagonal(sim, 0.0)
    cut = np.argpartition(-sim, k - 1, axis=0)[k:]
    np.put_along_axis(sim, cut, 0.0, axis=0)
    got = ItemKNN(k=k, chunk=16).fit(pairs, n_users, n_items).similarity_.toarray()
    np.testing.assert_array_equal(got, sim.astype(np.float32))
