"""User-side group metrics: hand-computed cases and MetricFrame against a plain pandas groupby."""

import numpy as np
import pandas as pd
import pytest

from recsys.fairness import (
    bootstrap_groups,
    coverage_metric,
    gap_table,
    group_metric_frame,
    group_table,
    mean_absolute_deviation,
    miss_rate_equality_difference,
    per_user_metrics,
    user_mad_ranking,
)

LOG3 = 1 / np.log2(3)  # NDCG of a single relevant item at rank 2 = 1/log2(2+1) = 0.6309


def test_per_user_metrics_by_hand():
    # user 0: relevant 1 at rank 2 -> HR 1, NDCG 1/log2(3), recall 1; user 1: relevant 9 absent -> 0
    v = per_user_metrics(np.array([[3, 1, 2], [0, 4, 5]]), np.array([1, 9]), k=3)
    assert list(v.columns) == ["hr@3", "ndcg@3", "recall@3"]
    assert v["hr@3"].tolist() == [1.0, 0.0] and v["recall@3"].tolist() == [1.0, 0.0]
    assert v["ndcg@3"].tolist() == pytest.approx([LOG3, 0.0])


def test_user_mad_ranking_by_hand():
    # NDCG per user: A: rank 1 -> 1, miss -> 0 (mean 0.5); B: rank 2 -> 0.6309; C: miss -> 0.
    # pairs |A-B| = 0.13093, |A-C| = 0.5, |B-C| = 0.63093 -> mean (0.13093 + 0.5 + 0.63093) / 3 = 0.42062
    ranked = np.array([[5, 6], [7, 8], [9, 5], [7, 6]])
    relevant = np.array([5, 1, 5, 1])
    groups = np.array(["A", "A", "B", "C"])
    expected = (abs(0.5 - LOG3) + 0.5 + LOG3) / 3
    assert user_mad_ranking(ranked, relevant, groups, k=2) == pytest.approx(expected)
    assert expected == pytest.approx(0.42062, abs=1e-5)
    assert mean_absolute_deviation(np.array([0.5, LOG3, 0.0])) == pytest.approx(expected)


def test_miss_rate_equality_difference_by_hand():
    # hits: A [1, 0] -> miss 0.5; B [1] -> miss 0; C [0] -> miss 1; all users miss 2/4 = 0.5
    # MRED = (|0.5 - 0.5| + |0 - 0.5| + |1 - 0.5|) / 3 = 1/3
    ranked = np.array([[5, 6], [7, 8], [9, 5], [7, 6]])
    relevant = np.array([5, 1, 5, 1])
    groups = np.array(["A", "A", "B", "C"])
    assert miss_rate_equality_difference(ranked, relevant, groups, k=2) == pytest.approx(1 / 3)


@pytest.fixture
def random_case():
    rng = np.random.default_rng(3)
    n = 300
    values = pd.DataFrame({"hr@10": rng.integers(0, 2, n).astype(float), "ndcg@10": rng.random(n),
                           "calibration_kl": np.where(rng.random(n) < 0.1, np.nan, rng.random(n))})
    groups = pd.Series(rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1]), name="segment")
    ranked = rng.integers(0, 50, size=(n, 10))
    return values, groups, ranked


def test_metric_frame_matches_a_manual_groupby(random_case):
    values, groups, ranked = random_case
    mf = group_metric_frame(values, groups, row_metrics={"coverage@10": coverage_metric(ranked, 50, k=10)})
    manual = values.groupby(groups.to_numpy()).mean()  # pandas skips NaN like the metric does
    pd.testing.assert_frame_equal(mf.by_group[values.columns].astype(float), manual, check_names=False)
    assert mf.overall[values.columns].to_numpy(float) == pytest.approx(values.mean().to_numpy())
    for g in "abcd":  # coverage of a group = distinct items in its users' lists / catalogue
        assert mf.by_group.loc[g, "coverage@10"] == pytest.approx(len(np.unique(ranked[groups == g])) / 50)
    by = manual["ndcg@10"]
    assert mf.difference()["ndcg@10"] == pytest.approx(by.max() - by.min())
    assert mf.ratio()["ndcg@10"] == pytest.approx(by.min() / by.max())


def test_group_table_sizes_flags_and_intervals(random_case):
    values, groups, _ = random_case
    mf = group_metric_frame(values, groups)
    samples = bootstrap_groups(values, groups, n_boot=100, seed=0)
    table = group_table(mf, groups, samples, min_group_size=40)
    assert table["group"].tolist() == ["a", "b", "c", "d"]
    assert table["n_users"].tolist() == groups.value_counts().sort_index().tolist()
    assert table["small_group"].tolist() == (table["n_users"] < 40).tolist()
    for m in values.columns:
        assert (table[f"{m}_ci_low"] <= table[m]).all() and (table[m] <= table[f"{m}_ci_high"]).all()


def test_gap_table_by_hand():
    # ndcg: group x [1, 0.5] mean 0.75, group y [0, 0.25] mean 0.125 -> gap x vs rest = +0.625,
    # y vs rest = -0.625; difference = 0.625, ratio = 0.125 / 0.75 = 1/6; overall 0.4375;
    # difference_to_overall = max(|0.75 - 0.4375|, |0.125 - 0.4375|) = 0.3125;
    # ratio_to_overall = min(0.4375 / 0.75, 0.125 / 0.4375) = min(0.5833, 0.2857) = 0.2857
    values = pd.DataFrame({"ndcg@10": [1.0, 0.5, 0.0, 0.25], "hr@10": [1.0, 1.0, 0.0, 1.0]})
    groups = pd.Series(["x", "x", "y", "y"], name="g")
    table = gap_table(group_metric_frame(values, groups), values, groups, k=10).set_index(["metric", "measure", "group"])
    v = table["value"]
    assert v[("ndcg@10", "overall", "")] == pytest.approx(0.4375)
    assert v[("ndcg@10", "difference", "")] == pytest.approx(0.625)
    assert v[("ndcg@10", "ratio", "")] == pytest.approx(1 / 6)
    assert v[("ndcg@10", "difference_to_overall", "")] == pytest.approx(0.3125)
    assert v[("ndcg@10", "ratio_to_overall", "")] == pytest.approx(0.125 / 0.4375)
    assert v[("ndcg@10", "gap_to_rest", "x")] == pytest.approx(0.625)
    assert v[("ndcg@10", "gap_to_rest", "y")] == pytest.approx(-0.625)
    # UserMADranking with two groups = |0.75 - 0.125|; MRED: miss x 0, y 0.5, all 0.25 -> (0.25 + 0.25) / 2
    assert v[("ndcg@10", "UserMADranking", "")] == pytest.approx(0.625)
    assert v[("miss_rate@10", "MRED", "")] == pytest.approx(0.25)
    assert table["ci_low"].isna().all()  # no samples, no intervals
