import numpy as np
import pytest

from recsys.ranking import metrics as M

# Two users, single relevant item each; k = 3.
RANKED = np.array([[3, 1, 2], [0, 5, 4]])
RELEVANT = np.array([1, 9])


def test_single_target_metrics_by_hand():
    # user 0 finds item 1 at rank 2, user 1 finds nothing
    assert M.hit_rate(RANKED, RELEVANT, k=3) == pytest.approx(0.5)
    assert M.recall(RANKED, RELEVANT, k=3) == pytest.approx(0.5)
    assert M.precision(RANKED, RELEVANT, k=3) == pytest.approx((1 / 3) / 2)
    assert M.ndcg(RANKED, RELEVANT, k=3) == pytest.approx((1 / np.log2(3)) / 2)  # 0.6309 / 2
    assert M.mrr(RANKED, RELEVANT, k=3) == pytest.approx(0.25)  # (1/2 + 0) / 2
    assert M.average_precision(RANKED, RELEVANT, k=3) == pytest.approx(0.25)
    assert M.hit_rate(RANKED, RELEVANT, k=1) == 0.0


def test_precision_and_f1_under_leave_last_out_by_hand():
    # user 0: a hit in the top 3 -> P = 1/3, R = 1, F1 = 2 * (1/3) * 1 / (1/3 + 1) = 0.5; user 1: no hit -> 0
    assert M.precision(RANKED, RELEVANT, k=3) == pytest.approx((1 / 3 + 0) / 2)
    assert M.f1(RANKED, RELEVANT, k=3) == pytest.approx((0.5 + 0) / 2)
    # one test item per user: F1@K = 2 * HR@K / (K + 1) (here 2 * 0.5 / 4)
    assert M.f1(RANKED, RELEVANT, k=3) == pytest.approx(2 * M.hit_rate(RANKED, RELEVANT, k=3) / 4)
    # at k = 1 nobody hits: precision and F1 are 0, not NaN
    assert M.precision(RANKED, RELEVANT, k=1) == 0.0 and M.f1(RANKED, RELEVANT, k=1) == 0.0
    np.testing.assert_allclose(M.per_user("f1", RANKED, RELEVANT, k=3), [0.5, 0.0])


def test_multi_target_metrics_by_hand():
    ranked, relevant = np.array([[1, 2, 3, 4]]), [{1, 3, 7}]
    # hits at ranks 1 and 3: DCG = 1 + 1/log2(4) = 1.5; IDCG (3 relevant) = 1 + 1/log2(3) + 1/2
    assert M.ndcg(ranked, relevant, k=4) == pytest.approx(1.5 / (1 + 1 / np.log2(3) + 0.5))
    assert M.recall(ranked, relevant, k=4) == pytest.approx(2 / 3)
    assert M.precision(ranked, relevant, k=4) == pytest.approx(0.5)
    # P = 2/4, R = 2/3: F1 = 2 * (1/2) * (2/3) / (1/2 + 2/3) = 4/7
    assert M.f1(ranked, relevant, k=4) == pytest.approx(4 / 7)
    assert M.mrr(ranked, relevant, k=4) == 1.0
    # AP = (P@1 + P@3) / min(3, 4) = (1 + 2/3) / 3
    assert M.average_precision(ranked, relevant, k=4) == pytest.approx((1 + 2 / 3) / 3)


def test_per_user_values():
    np.testing.assert_allclose(M.per_user("ndcg", RANKED, RELEVANT, k=3), [1 / np.log2(3), 0.0])


def test_beyond_accuracy_by_hand():
    ranked = np.array([[0, 1], [1, 2]])
    assert M.coverage(ranked, n_items=10, k=2) == pytest.approx(0.3)  # items 0, 1, 2
    # popularity 4, 2, 1 of 4 users -> self-information 0, 1, 2 bits; mean over 0,1,1,2
    assert M.novelty(ranked, [4, 2, 1], n_users=4, k=2) == pytest.approx(1.0)
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    # list [0,1]: 1 - cos 90deg = 1; list [1,2]: 1 - cos 45deg = 0.2929
    assert M.intra_list_diversity(ranked, vectors, k=2) == pytest.approx((1 + 1 - np.sqrt(0.5)) / 2)


def test_empty_slots_are_ignored():
    ranked = np.array([[2, -1]])
    assert M.coverage(ranked, 4, k=2) == 0.25
    assert M.hit_rate(ranked, np.array([2]), k=2) == 1.0


def test_rating_errors_by_hand():
    assert M.rmse([1, 2], [2, 4]) == pytest.approx(np.sqrt(2.5))
    assert M.mae([1, 2], [2, 4]) == pytest.approx(1.5)
