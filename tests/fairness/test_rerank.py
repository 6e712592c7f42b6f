"""Re-rankers: lambda 0 keeps the model's order; on a small case the target metric improves
monotonically in lambda while NDCG@10 drops."""

import numpy as np
import pytest
import scipy.sparse as sp

from recsys.errors import DataError
from recsys.fairness import (
    FairnessMsg,
    calibrated_rerank,
    exposure_rerank,
    normalize_scores,
    short_head,
    tradeoff_curve,
)

# 24 items. Candidates 0-9: genre A, popular (the short head); 10-19: genre B, long tail. The
# model scores every A item above every B item, so its top-10 is all A / all head.
# Histories use items 20, 21 (A, head) and 22, 23 (B, tail): half A half B, half head half tail.
N, LAMBDAS = 24, (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
CATEGORIES = np.zeros((N, 2))
CATEGORIES[[*range(10), 20, 21], 0] = 1.0
CATEGORIES[[*range(10, 20), 22, 23], 1] = 1.0
# popularity: 0-9 and 20-21 take 100 each (1,200 of 1,450 interactions), 10-19 take 25 each
POPULARITY = np.array([100.0] * 10 + [25.0] * 10 + [100.0, 100.0, 0.0, 0.0])
USERS = 3
CANDIDATES = np.tile(np.arange(20), (USERS, 1))
SCORES = np.tile(np.linspace(2.0, 0.1, 20), (USERS, 1)) + np.array([[0.0], [0.3], [0.6]])
RELEVANT = np.array([9, 8, 7])  # A items at ranks 10, 9, 8: pushed out when B items come in
HISTORY = sp.csr_matrix(np.tile(np.r_[np.zeros(20), np.ones(4)], (USERS, 1)))


def test_the_case_is_what_the_comment_says():
    assert short_head(POPULARITY).tolist() == [True] * 10 + [False] * 10 + [True, True, False, False]


def test_lambda_zero_keeps_the_model_order():
    target = np.full((USERS, 2), 0.5)
    assert calibrated_rerank(CANDIDATES, SCORES, target, CATEGORIES, k=10, lam=0.0).tolist() == CANDIDATES[:, :10].tolist()
    groups = np.column_stack([short_head(POPULARITY), ~short_head(POPULARITY)]).astype(float)
    assert exposure_rerank(CANDIDATES, SCORES, [0.5, 0.5], groups, k=10, lam=0.0).tolist() == CANDIDATES[:, :10].tolist()


def test_lambda_one_calibrates_fully():
    # only calibration counts: 5 A and 5 B items, the best-scored of each (ties go to the higher score)
    out = calibrated_rerank(CANDIDATES[:1], SCORES[:1], np.array([[0.5, 0.5]]), CATEGORIES, k=10, lam=1.0)
    assert sorted(out[0].tolist()) == [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]


def test_rerankers_trade_ndcg_for_their_target_monotonically():
    table = tradeoff_curve(CANDIDATES, SCORES, RELEVANT, HISTORY, categories=CATEGORIES, popularity=POPULARITY,
                           lambdas=LAMBDAS, k=10)
    assert table["reranker"].tolist() == ["calibrated"] * 6 + ["exposure"] * 6
    assert {"lambda", "target", "target_value", "ndcg@10", "kl_mean", "aplt", "ndcg_drop"} <= set(table.columns)
    cal, exp = table[table.reranker == "calibrated"], table[table.reranker == "exposure"]
    # lambda 0: all-A lists; KL(p=[.5,.5] || q~=[.995,.005]) = 1.9585, no long-tail item
    assert cal["kl_mean"].iloc[0] == pytest.approx(1.958518, abs=1e-6) and exp["aplt"].iloc[0] == 0.0
    assert (np.diff(cal["target_value"]) <= 1e-12).all() and cal["target_value"].iloc[-1] < 0.01
    assert (np.diff(exp["target_value"]) >= -1e-12).all() and exp["target_value"].iloc[-1] >= 0.4
    for part in (cal, exp):
        assert (np.diff(part["ndcg@10"]) <= 1e-12).all()
        assert part["ndcg_drop"].iloc[-1] > 0.1
        # NDCG@10 at lambda 0: ranks 10, 9, 8 -> mean of 1/log2(11), 1/log2(10), 1/log2(9)
        assert part["ndcg@10"].iloc[0] == pytest.approx(np.mean(1 / np.log2([11, 10, 9])))


def test_normalize_scores_and_errors():
    s = normalize_scores(np.array([[3.0, 1.0, -np.inf], [2.0, 2.0, 2.0]]))
    assert s.tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    with pytest.raises(DataError) as err:
        calibrated_rerank(CANDIDATES, SCORES, np.full((USERS, 2), 0.5), CATEGORIES, k=10, lam=1.5)
    assert str(err.value) == FairnessMsg.BAD_LAMBDA.format(value=1.5)
    with pytest.raises(DataError, match="cut-off"):
        exposure_rerank(CANDIDATES, SCORES, [0.5, 0.5], np.ones((N, 1)), k=30)


def test_empty_candidate_slots_are_never_returned():
    cand = np.array([[0, 10, -1, -1]])
    scores = np.array([[1.0, 0.5, -np.inf, -np.inf]])
    out = calibrated_rerank(cand, scores, np.array([[0.5, 0.5]]), CATEGORIES, k=3, lam=0.5)
    assert out.tolist() == [[0, 10, -1]] or out.tolist() == [[10, 0, -1]]
