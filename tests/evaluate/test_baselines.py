import numpy as np
import pandas as pd
import pytest

from recsys.data.split import Split
from recsys.errors import NotFittedError
from recsys.evaluate import EASE, ItemKNN, MostPopular, evaluate, rank_users

# 3 users x 4 items. u0: {0, 1}; u1: {0, 2}; u2: {0, 1, 3}
TRAIN = pd.DataFrame({"user_idx": [0, 0, 1, 1, 2, 2, 2], "item_idx": [0, 1, 0, 2, 0, 1, 3]})


def test_most_popular_ranks_by_count():
    pop = MostPopular().fit(TRAIN, 3, 4)
    np.testing.assert_array_equal(pop.counts_, [3, 2, 1, 1])
    ranked = rank_users(pop, np.array([1]), TRAIN, k=2)
    np.testing.assert_array_equal(ranked, [[1, 3]])  # items 0 and 2 are u1's own


def test_itemknn_by_hand():
    knn = ItemKNN().fit(TRAIN, 3, 4)
    # cos(0,1) = 2/(sqrt3 sqrt2) = 0.8165, cos(0,3) = 1/sqrt3 = 0.5774, cos(1,3) = 1/sqrt2 = 0.7071
    s = knn.similarity_.toarray()
    assert s[0, 1] == pytest.approx(2 / np.sqrt(6), abs=1e-6)
    assert s[1, 3] == pytest.approx(1 / np.sqrt(2), abs=1e-6)
    assert s[0, 0] == 0
    # u0 = {0, 1}: score(2) = 0.5774 + 0, score(3) = 0.5774 + 0.7071 -> 3 before 2
    np.testing.assert_array_equal(rank_users(knn, np.array([0]), TRAIN, k=2), [[3, 2]])
    # u1 = {0, 2}: score(1) = 0.8165 + 0, score(3) = 0.5774 + 0 -> 1 before 3
    np.testing.assert_array_equal(rank_users(knn, np.array([1]), TRAIN, k=2), [[1, 3]])


def test_ease_closed_form_and_lambda_choice():
    ease = EASE(lambdas=(1.0,)).fit(TRAIN, 3, 4)
    x = np.zeros((3, 4))
    x[TRAIN.user_idx, TRAIN.item_idx] = 1
    p = np.linalg.inv(x.T @ x + np.eye(4))
    expected = np.eye(4) - p / np.diag(p)  # B = I - P diag(1/diag P), whose diagonal is 0
    np.testing.assert_allclose(ease.weights_, expected, atol=1e-5)
    assert np.allclose(np.diag(ease.weights_), 0)
    valid = pd.DataFrame({"user_idx": [0, 1], "item_idx": [3, 1]})
    chosen = EASE(lambdas=(0.1, 10.0, 1000.0)).fit(TRAIN, 3, 4, valid)
    assert chosen.lambda_ == max(chosen.validation_, key=chosen.validation_.get)


def test_unfitted_baseline_raises():
    with pytest.raises(NotFittedError):
        MostPopular().scores([0], TRAIN)


def test_evaluate_returns_a_tidy_table():
    valid = pd.DataFrame({"user_idx": [0, 1, 2], "item_idx": [2, 1, 2]})
    test = pd.DataFrame({"user_idx": [0, 1, 2], "item_idx": [3, 3, 2]})
    split = Split(TRAIN, valid, test, "leave_last_out")
    table = evaluate(split, {"pop": MostPopular().fit(TRAIN, 3, 4)}, n_items=4, n_users=3, ks=(1,))
    assert list(table.columns) == ["model", "split", "metric", "value"]
    got = table.set_index(["split", "metric"])["value"]
    # valid: u0 excludes {0,1} -> top-1 = item 2 (count 1, before 3 by index) = hit; u1 excludes {0,2}
    # -> item 1 = hit; u2 excludes {0,1,3} -> item 2 = hit
    assert got[("valid", "hr@1")] == pytest.approx(1.0)
    # test history adds the valid item: u0 {0,1,2} -> 3 hit; u1 {0,1,2} -> 3 hit; u2 {0,1,2,3} -> none
    assert got[("test", "hr@1")] == pytest.approx(2 / 3)


@pytest.mark.parametrize("n_users,n_items", [(30, 12), (12, 30)])  # primal (N <= U) and dual (U < N)
def test_ease_from_one_eigendecomposition_matches_the_inverse(n_users, n_items):
    rng = np.random.default_rng(0)
    pairs = pd.DataFrame({"user_idx": rng.integers(0, n_users, 120), "item_idx": rng.integers(0, n_items, 120)})
    pairs = pairs.drop_duplicates()
    x = np.zeros((n_users, n_items))
    x[pairs.user_idx, pairs.item_idx] = 1
    ease = EASE(lambdas=(5.0, 50.0)).fit(pairs, n_users, n_items)
    assert ease.factors_.dual == (n_users < n_items)
    for lam in (5.0, 50.0):
        p = np.linalg.inv(x.T @ x + lam * np.eye(n_items))
        expected = np.eye(n_items) - p / np.diag(p)
        np.fill_diagonal(expected, 0.0)
        np.testing.assert_allclose(ease.factors_.weights(lam), expected, atol=1e-5)
        np.testing.assert_allclose(ease.factors_.scores(x[:4], lam), x[:4] @ expected, atol=1e-4)
def test_evaluate_reports_precision_and_f1_for_every_model():
    valid = pd.DataFrame({"user_idx": [0, 1, 2], "item_idx": [2, 1, 2]})
    test = pd.DataFrame({"user_idx": [0, 1, 2], "item_idx": [3, 3, 2]})
    split = Split(TRAIN, valid, test, "leave_last_out")
    scorers = {"pop": MostPopular().fit(TRAIN, 3, 4), "itemknn": ItemKNN().fit(TRAIN, 3, 4)}
    table = evaluate(split, scorers, n_items=4, n_users=3, ks=(1, 2))
    got = table.set_index(["model", "split", "metric"])["value"]
    # pop, test, top-1 (as above): 2 of 3 users hit -> precision@1 = 2/3, F1@1 = 2 * (2/3) / 2 = 2/3
    assert got[("pop", "test", "precision@1")] == pytest.approx(2 / 3)
    assert got[("pop", "test", "f1@1")] == pytest.approx(2 / 3)
    for model in scorers:  # one test item per user: precision@K = HR@K / K, F1@K = 2 HR@K / (K + 1)
        for k in (1, 2):
            hr = got[(model, "test", f"hr@{k}")]
            assert got[(model, "test", f"precision@{k}")] == pytest.approx(hr / k)
            assert got[(model, "test", f"f1@{k}")] == pytest.approx(2 * hr / (k + 1))
