"""Bootstrap intervals for group metrics, resampling users exactly as fairlearn's ``MetricFrame``.

``MetricFrame(n_boot=B, random_state=seed)`` draws ``B`` resamples of all rows (users) with
replacement and recomputes every metric through pandas for each one, which takes seconds for the
audit's resample counts. Here the same resamples (same seeds, same row
indices, so the same intervals for means of per-user values: a test checks it) are evaluated
vectorised: group means of per-user values come from one ``bincount``. Metrics that are not
means (catalogue coverage) are recomputed per resample and bias-corrected. Every interval of the audit (groups, overall,
differences, ratios, a group against the rest, UserMADranking, MRED) is read off these samples,
so they all describe the same resampled populations.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["BootstrapSamples", "bootstrap_groups", "percentile_interval", "resample_indices"]


def resample_indices(n: int, *, n_boot: int, seed: int) -> np.ndarray:
    """``[n_boot, n]`` row indices of the resamples ``MetricFrame(n_boot, random_state=seed)`` uses.

    fairlearn seeds resample ``b`` with ``default_rng(seed).integers(0, 2**32 - 1)[b]`` and draws
    it with ``DataFrame.sample(frac=1, replace=True)``, i.e. ``RandomState(s).randint(0, n, n)``.
    """
    seeds = np.random.default_rng(seed).integers(0, np.iinfo(np.uint32).max, size=n_boot, dtype=np.uint32)
    return np.stack([np.random.RandomState(s).randint(0, n, size=n) for s in seeds]) if n_boot else np.zeros((0, n), int)


def percentile_interval(samples, ci: float = 0.95) -> tuple:
    """The central ``ci`` interval of bootstrap ``samples`` along axis 0 (NaN samples skipped).

    Returns:
        ``(low, high)``, floats for ``[B]`` samples, arrays for ``[B, ...]``; NaN without samples.
    """
    samples = np.asarray(samples, float)
    if samples.shape[0] == 0:
        nan = np.full(samples.shape[1:], np.nan)
        return (float("nan"), float("nan")) if samples.ndim == 1 else (nan, nan.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN, as intended
        lo, hi = np.nanquantile(samples, [(1 - ci) / 2, 1 - (1 - ci) / 2], axis=0)
    return (float(lo), float(hi)) if samples.ndim == 1 else (lo, hi)


@dataclass
class BootstrapSamples:
    """Metric values on each bootstrap resample.

    Attributes:
        labels: ``[G]`` group labels (sorted, as ``MetricFrame`` orders them).
        overall: ``metric -> [B]`` value over all resampled users.
        by_group: ``metric -> [B, G]`` value per group (NaN if a resample has no user of a group).
        rest: ``metric -> [B, G]`` value over the users *not* in each group (mean-type metrics only).
    """

    labels: np.ndarray
    overall: dict = field(default_factory=dict)
    by_group: dict = field(default_factory=dict)
    rest: dict = field(default_factory=dict)


def _div(a, b):
    return np.divide(a, b, out=np.full(np.shape(a), np.nan), where=b > 0)


def bootstrap_groups(
    values: pd.DataFrame,
    groups,
    *,
    row_metrics: dict[str, Callable[[np.ndarray], float]] | None = None,
    n_boot: int = 200,
    seed: int = 0,
) -> BootstrapSamples:
    """Resample users and evaluate group metrics on each resample.

    Args:
        values: ``[U]`` rows, one column per per-user metric; a group's value is the mean of the
            column over its users (NaN entries skipped).
        groups: ``[U]`` group labels.
        row_metrics: ``name -> f(rows) -> float`` metrics computed from user row positions (e.g.
            coverage); evaluated per resample and group in a loop, their samples bias-corrected
            (``_debias``).
        n_boot: Resamples. seed: Seed, as ``MetricFrame``'s ``random_state``.
    """
    labels, codes = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
    n_groups = len(labels)
    idx = resample_indices(len(values), n_boot=n_boot, seed=seed)
    out = BootstrapSamples(labels)
    flat = (np.arange(n_boot)[:, None] * n_groups + codes[idx]).ravel()
    size = n_boot * n_groups
    for name in values.columns:
        v = values[name].to_numpy(dtype=float)
        known = ~np.isnan(v)
        sums = np.bincount(flat, weights=np.where(known, v, 0.0)[idx].ravel(), minlength=size).reshape(n_boot, n_groups)
        counts = np.bincount(flat, weights=known[idx].ravel().astype(float), minlength=size).reshape(n_boot, n_groups)
        total_sum, total_count = sums.sum(1, keepdims=True), counts.sum(1, keepdims=True)
        out.by_group[name] = _div(sums, counts)
        out.overall[name] = _div(total_sum, total_count)[:, 0]
        out.rest[name] = _div(total_sum - sums, total_count - counts)
    all_rows = np.arange(len(values))
    for name, fn in (row_metrics or {}).items():
        by = np.full((n_boot, n_groups), np.nan)
        overall = np.empty(n_boot)
        for b in range(n_boot):
            rows = idx[b]
            overall[b] = fn(rows)
            for g in np.unique(codes[rows]):
                by[b, g] = fn(rows[codes[rows] == g])
        point_by = np.array([fn(all_rows[codes == g]) for g in range(n_groups)])
        out.by_group[name] = _debias(by, point_by)
        out.overall[name] = _debias(overall[:, None], np.array([fn(all_rows)]))[:, 0]
    return out


def _debias(samples: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Shift ``[B, G]`` samples so their mean is the estimate ``[G]`` (bootstrap bias correction).

    Row metrics need it: catalogue coverage counts distinct items, and a resample, which repeats
    some users and misses about a third of them, undercounts them, so uncorrected percentile
    intervals would lie below the estimate.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return samples - (np.nanmean(samples, axis=0) - point)
