"""Bootstrap intervals: the same resamples as fairlearn's MetricFrame, containing the estimate,
narrowing with more users."""

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame

from recsys.fairness import (
    bootstrap_groups,
    coverage_metric,
    gap_table,
    group_metric_frame,
    group_table,
    percentile_interval,
)


def _case(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    groups = pd.Series(rng.choice(["old", "young"], n, p=[0.3, 0.7]), name="age")
    hit = (rng.random(n) < np.where(groups == "old", 0.2, 0.4)).astype(float)
    return pd.DataFrame({"hr@10": hit, "ndcg@10": hit * rng.random(n)}), groups


def test_intervals_equal_metricframe_bootstrap():
    values, groups = _case(200)
    rows = np.arange(len(values))
    metrics = {c: (lambda v: lambda t, p: float(v[t].mean()))(values[c].to_numpy()) for c in values}
    mf = MetricFrame(metrics=metrics, y_true=rows, y_pred=rows, sensitive_features=groups,
                     n_boot=30, ci_quantiles=[0.025, 0.975], random_state=7)
    samples = bootstrap_groups(values, groups, n_boot=30, seed=7)
    table = group_table(group_metric_frame(values, groups), groups, samples)
    lo, hi = mf.by_group_ci
    for m in values:
        assert table[f"{m}_ci_low"].to_numpy() == pytest.approx(lo[m].to_numpy(float), abs=1e-12)
        assert table[f"{m}_ci_high"].to_numpy() == pytest.approx(hi[m].to_numpy(float), abs=1e-12)
    gaps = gap_table(group_metric_frame(values, groups), values, groups, samples).set_index(["metric", "measure"])
    for method, measure in (("between_groups", "difference"), ("to_overall", "difference_to_overall")):
        d_lo, d_hi = mf.difference_ci(method=method)
        assert gaps.loc[("ndcg@10", measure), "ci_low"] == pytest.approx(d_lo["ndcg@10"], abs=1e-12)
        assert gaps.loc[("ndcg@10", measure), "ci_high"] == pytest.approx(d_hi["ndcg@10"], abs=1e-12)
    o_lo, o_hi = mf.overall_ci
    assert gaps.loc[("hr@10", "overall"), ["ci_low", "ci_high"]].tolist() == pytest.approx([o_lo["hr@10"], o_hi["hr@10"]])


def test_interval_contains_the_estimate_and_narrows_with_more_users():
    widths = []
    for n in (100, 2000):
        values, groups = _case(n, seed=1)
        mf = group_metric_frame(values, groups)
        samples = bootstrap_groups(values, groups, n_boot=300, seed=0)
        table = group_table(mf, groups, samples).set_index("group")
        for g in ("old", "young"):
            assert table.loc[g, "hr@10_ci_low"] <= table.loc[g, "hr@10"] <= table.loc[g, "hr@10_ci_high"]
        gaps = gap_table(mf, values, groups, samples).set_index(["metric", "measure", "group"])
        gap = gaps.loc[("hr@10", "gap_to_rest", "old")]
        assert gap.ci_low <= gap.value <= gap.ci_high
        widths.append(table["hr@10_ci_high"] - table["hr@10_ci_low"])
    assert (widths[1] < widths[0] / 2).all()  # ~1/sqrt(20) as wide with 20x the users


def test_coverage_interval_is_bias_corrected():
    # a resample repeats some users and misses others, so raw coverage of resamples is lower than
    # the estimate; the corrected samples are centred on it, the interval contains it
    rng = np.random.default_rng(0)
    values, groups = _case(300)
    ranked = rng.integers(0, 400, size=(300, 10))
    cov = {"coverage@10": coverage_metric(ranked, 400, k=10)}
    samples = bootstrap_groups(values, groups, row_metrics=cov, n_boot=200, seed=0)
    table = group_table(group_metric_frame(values, groups, row_metrics=cov), groups, samples)
    assert (table["coverage@10_ci_low"] <= table["coverage@10"]).all()
    assert (table["coverage@10"] <= table["coverage@10_ci_high"]).all()
    assert np.nanmean(samples.by_group["coverage@10"], axis=0) == pytest.approx(table["coverage@10"].to_numpy())


def test_seeded_and_percentiles():
    values, groups = _case(150)
    a = bootstrap_groups(values, groups, n_boot=20, seed=3).by_group["hr@10"]
    b = bootstrap_groups(values, groups, n_boot=20, seed=3).by_group["hr@10"]
    assert np.array_equal(a, b, equal_nan=True)
    # percentiles of 0..100 with linear interpolation: 2.5 and 97.5
    assert percentile_interval(np.arange(101.0)) == pytest.approx((2.5, 97.5))
    assert np.isnan(percentile_interval(np.zeros(0))[0])
