"""User-side fairness: ranking quality per user group, built on fairlearn's ``MetricFrame``.

Per-user metric values (``[U]`` HR@K, NDCG@K, Recall@K, ...) are aggregated by group with a
``MetricFrame`` whose "labels" are the users' row positions: each metric is the mean of a
per-user column over the rows of a group, and row metrics (catalogue coverage of the group's
lists) are computed from the group's rows. MetricFrame supplies the group table and the
differences and ratios (between groups and to overall); their intervals come from the same
user resamples MetricFrame's bootstrap draws (``recsys.fairness.bootstrap``).

The named gaps follow the tools that introduced them:

- ``UserMADranking`` (Elliot; Deldjoo et al. 2020): mean absolute difference of the groups'
  mean NDCG@K over all pairs of groups.
- ``MRED``, miss-rate equality difference (RecList / EvalRS 2022): mean over groups of
  ``|miss_rate(group) - miss_rate(all users)|`` with ``miss_rate = 1 - HR@K``. RecList reports
  its negation (higher = fairer); we report the gap itself (0 = equal).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

from recsys.fairness.bootstrap import BootstrapSamples, percentile_interval
from recsys.ranking import metrics as M

__all__ = [
    "SMALL_GROUP",
    "USER_METRICS",
    "coverage_metric",
    "gap_table",
    "group_metric_frame",
    "group_table",
    "mean_absolute_deviation",
    "miss_rate_equality_difference",
    "per_user_metrics",
    "user_mad_ranking",
]

USER_METRICS = ("hr", "ndcg", "recall")
SMALL_GROUP = 30  # groups with fewer users are flagged: their means and intervals are unstable


def per_user_metrics(ranked, relevant, *, k: int = 10) -> pd.DataFrame:
    """``[U]`` rows with ``hr@k``, ``ndcg@k``, ``recall@k`` of each user's top-``k``.

    Args:
        ranked: ``[U, >=k]`` recommended item indices, best first (-1 = empty slot).
        relevant: ``U`` relevant items (one per user under leave-last-out, or collections).
    """
    return pd.DataFrame({f"{m}@{k}": M.per_user(m, ranked, relevant, k=k) for m in USER_METRICS})


def _nan_reduce(fn, x, axis):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows give NaN, as intended
        return fn(x, axis=axis)


def mean_absolute_deviation(group_means):
    """Mean of ``|m_a - m_b|`` over all pairs of groups (Elliot's MAD); NaN groups are skipped.

    Args:
        group_means: ``[G]`` or ``[B, G]`` group means.

    Returns:
        A float, or ``[B]`` for ``[B, G]`` input (NaN with fewer than two groups).
    """
    means = np.atleast_2d(np.asarray(group_means, float))
    pairs = list(itertools.combinations(range(means.shape[1]), 2))
    if not pairs:
        out = np.full(len(means), np.nan)
    else:
        out = _nan_reduce(np.nanmean, np.stack([np.abs(means[:, a] - means[:, b]) for a, b in pairs], axis=1), 1)
    return float(out[0]) if np.ndim(group_means) == 1 else out


def _group_means(values, groups) -> np.ndarray:
    _, codes = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
    return np.bincount(codes, weights=np.asarray(values, float)) / np.bincount(codes)


def user_mad_ranking(ranked, relevant, groups, *, k: int = 10) -> float:
    """UserMADranking: mean absolute pairwise difference between the groups' mean NDCG@``k``.

    Args:
        ranked: ``[U, >=k]`` item indices. relevant: ``U`` relevant items. groups: ``[U]`` labels.
    """
    return mean_absolute_deviation(_group_means(M.per_user("ndcg", ranked, relevant, k=k), groups))


def miss_rate_equality_difference(ranked, relevant, groups, *, k: int = 10) -> float:
    """MRED: mean over groups of ``|miss_rate(group) - miss_rate(all)|``, ``miss_rate = 1 - HR@k``."""
    miss = 1.0 - M.per_user("hr", ranked, relevant, k=k)
    return float(np.mean(np.abs(_group_means(miss, groups) - miss.mean())))


def coverage_metric(ranked, n_items: int, *, k: int = 10):
    """A row metric: catalogue coverage of the top-``k`` lists of the given user rows."""
    ranked = np.asarray(ranked)
    return lambda rows: M.coverage(ranked[rows], n_items, k=k)


def _mean_of(column: np.ndarray):
    def metric(y_true, y_pred):  # y_true holds user row positions
        part = column[np.asarray(y_true, dtype=np.int64)]
        return float(np.nanmean(part)) if np.isfinite(part).any() else float("nan")

    return metric


def _rows_of(fn):
    return lambda y_true, y_pred: float(fn(np.asarray(y_true, dtype=np.int64)))


def group_metric_frame(values: pd.DataFrame, groups, *, row_metrics: dict | None = None) -> MetricFrame:
    """A ``MetricFrame`` of per-user values by group.

    Args:
        values: ``[U]`` rows, one column per per-user metric; a group's value is the column's
            mean over its users (NaN = undefined for that user, skipped).
        groups: ``[U]`` group labels (a named Series: the name becomes the index name).
        row_metrics: ``name -> f(rows) -> float`` for metrics that are not means of per-user
            values, computed from a group's user row positions (e.g. ``coverage_metric``).
    """
    metrics = {c: _mean_of(values[c].to_numpy(dtype=float)) for c in values.columns}
    metrics |= {name: _rows_of(fn) for name, fn in (row_metrics or {}).items()}
    rows = np.arange(len(values))
    name = groups.name if isinstance(groups, pd.Series) and groups.name else "group"
    sensitive = pd.Series(np.asarray(groups, dtype=str), name=name)
    return MetricFrame(metrics=metrics, y_true=rows, y_pred=rows, sensitive_features=sensitive)


def group_table(mf: MetricFrame, groups, samples: BootstrapSamples | None = None, *, ci: float = 0.95,
                min_group_size: int = SMALL_GROUP) -> pd.DataFrame:
    """One row per group: ``group, n_users, small_group`` and each metric with ``_ci_low``/``_ci_high``.

    Args:
        mf: From ``group_metric_frame``. groups: The ``[U]`` labels it was built with.
        samples: Bootstrap samples of the same metrics (``bootstrap_groups``); None = no intervals.
        min_group_size: Groups with fewer users get ``small_group = True``.
    """
    by = mf.by_group
    out = pd.DataFrame({"group": by.index.astype(str)})
    sizes = pd.Series(np.asarray(groups, dtype=str)).value_counts()
    out["n_users"] = sizes.reindex(out["group"]).fillna(0).astype(int).to_numpy()
    out["small_group"] = out["n_users"] < min_group_size
    for metric in by.columns:
        out[metric] = by[metric].to_numpy(dtype=float)
        lo = hi = np.full(len(out), np.nan)
        if samples is not None and metric in samples.by_group:
            lo, hi = percentile_interval(samples.by_group[metric], ci)
        out[f"{metric}_ci_low"], out[f"{metric}_ci_high"] = lo, hi
    return out


def _ratio_to_one(x):
    return np.where(x > 1, 1.0 / np.where(x > 1, x, 1.0), x)


def _spreads(by: np.ndarray, overall: np.ndarray) -> dict[str, np.ndarray]:
    """MetricFrame's differences and ratios, per bootstrap sample (``by [B, G]``, ``overall [B]``)."""
    hi, lo = _nan_reduce(np.nanmax, by, 1), _nan_reduce(np.nanmin, by, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "difference": hi - lo,
            "ratio": lo / hi,
            "difference_to_overall": _nan_reduce(np.nanmax, np.abs(by - overall[:, None]), 1),
            "ratio_to_overall": _nan_reduce(np.nanmin, _ratio_to_one(by / overall[:, None]), 1),
        }


def _gap_to_rest(column: np.ndarray, inside: np.ndarray) -> float:
    """Mean over the users in a group minus the mean over all other users (NaN values skipped)."""
    known = ~np.isnan(column)
    a, b = column[known & inside], column[known & ~inside]
    return float(a.mean() - b.mean()) if len(a) and len(b) else float("nan")


def gap_table(mf: MetricFrame, values: pd.DataFrame, groups, samples: BootstrapSamples | None = None, *,
              k: int = 10, ci: float = 0.95) -> pd.DataFrame:
    """Gaps between user groups, one row per (metric, measure[, group]) with a bootstrap interval.

    Measures: ``overall``; ``difference`` (max - min over groups) and ``ratio`` (min / max);
    ``difference_to_overall`` (largest ``|group - overall|``) and ``ratio_to_overall`` (smallest
    group/overall ratio, inverted when above 1), all as ``MetricFrame`` computes them; per group
    ``gap_to_rest`` (group mean minus the mean of all other users, for the per-user metrics in
    ``values``: negative = under-served); ``UserMADranking`` on ``ndcg@k`` and ``MRED`` on
    ``miss_rate@k``.

    Args:
        mf: From ``group_metric_frame(values, groups, ...)``.
        values: The ``[U]`` per-user values it was built from. groups: ``[U]`` labels.
        samples: ``bootstrap_groups`` samples of the same metrics (None = no intervals).

    Returns:
        Columns ``metric, measure, group, value, ci_low, ci_high`` (``group`` empty for
        whole-population measures).
    """
    nan2 = (float("nan"), float("nan"))
    by = mf.by_group
    point = {"overall": mf.overall, "difference": mf.difference(), "ratio": mf.ratio(),
             "difference_to_overall": mf.difference(method="to_overall"),
             "ratio_to_overall": mf.ratio(method="to_overall")}
    labels = by.index.astype(str).to_numpy()
    groups = np.asarray(groups, dtype=str)
    rows = []
    for metric in by.columns:
        boot = None
        if samples is not None and metric in samples.by_group:
            boot = {"overall": samples.overall[metric], **_spreads(samples.by_group[metric], samples.overall[metric])}
        for measure, result in point.items():
            rows.append((metric, measure, "", float(result[metric]), *(percentile_interval(boot[measure], ci) if boot else nan2)))
        if metric not in values.columns:
            continue  # row metrics (coverage): no group-vs-rest gap
        column = values[metric].to_numpy(dtype=float)
        for g, label in enumerate(labels):
            gap = _gap_to_rest(column, groups == label)
            if np.isnan(gap):
                continue
            interval = nan2
            if samples is not None and metric in samples.rest:
                interval = percentile_interval(samples.by_group[metric][:, g] - samples.rest[metric][:, g], ci)
            rows.append((metric, "gap_to_rest", str(label), gap, *interval))
    ndcg, hr = f"ndcg@{k}", f"hr@{k}"
    if ndcg in by.columns:
        interval = percentile_interval(mean_absolute_deviation(samples.by_group[ndcg]), ci) if samples else nan2
        rows.append((ndcg, "UserMADranking", "", mean_absolute_deviation(by[ndcg].to_numpy(float)), *interval))
    if hr in by.columns:  # |miss_g - miss_all| = |hr_g - hr_all|
        value = float(np.mean(np.abs(by[hr].to_numpy(float) - float(mf.overall[hr]))))
        interval = nan2
        if samples is not None:
            dev = np.abs(samples.by_group[hr] - samples.overall[hr][:, None])
            interval = percentile_interval(_nan_reduce(np.nanmean, dev, 1), ci)
        rows.append((f"miss_rate@{k}", "MRED", "", value, *interval))
    return pd.DataFrame(rows, columns=["metric", "measure", "group", "value", "ci_low", "ci_high"])
