"""The output head's sampled softmax: which columns a step draws and the logQ correction."""

from __future__ import annotations

import numpy as np

__all__ = ["column_log_q", "target_frequencies"]


def column_log_q(frequencies: np.ndarray, draws: int, negatives: int) -> np.ndarray:
    """``[N]`` log-probability that each catalogue column is in a step's sampled head set: the
    step's ``draws`` targets, drawn with ``frequencies`` ``[N]`` (sum 1), plus ``negatives``
    uniform columns."""
    missed = np.exp(draws * np.log1p(-np.minimum(frequencies, 1.0 - 1e-7)) + negatives * np.log1p(-1.0 / len(frequencies)))
    return np.log(np.maximum(1.0 - missed, 1e-12))


def target_frequencies(targets: np.ndarray, catalogue: np.ndarray) -> np.ndarray:
    """``[N]`` share of each catalogue column among ``targets`` (model ids, 0 = none; e.g. the
    windows' ``[n, L]`` targets): what the output head's sampled targets are drawn with."""
    ids = targets[targets > 0]
    counts = np.bincount(np.searchsorted(catalogue, ids), minlength=len(catalogue))[: len(catalogue)]
    return counts / max(counts.sum(), 1)
