"""The output head's sampled softmax: which columns a step draws and the logQ correction."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

__all__ = ["column_log_q", "target_frequencies"]


def column_log_q(columns: np.ndarray, frequencies: np.ndarray, draws, negatives: int):
    """``[C]`` log-probability that each catalogue column is in a step's sampled head set: the
    step's ``draws`` targets, drawn with ``frequencies`` ``[N]`` (sum 1), plus ``negatives``
    uniform columns. NumPy or TensorFlow arrays (the streamed input pipeline runs it in-graph)."""
    xp = tf.math if isinstance(columns, tf.Tensor) else np
    p = np.minimum(frequencies, 1.0 - 1e-7)
    if isinstance(columns, tf.Tensor):
        p = tf.gather(tf.constant(p, tf.float64), columns)
        draws = tf.cast(draws, tf.float64)
    else:
        p = p[columns]
    missed = xp.exp(draws * xp.log1p(-p) + negatives * np.log1p(-1.0 / len(frequencies)))
    return xp.log(xp.maximum(1.0 - missed, 1e-12))


def target_frequencies(targets: np.ndarray, catalogue: np.ndarray) -> np.ndarray:
    """``[N]`` share of each catalogue column among ``targets`` (model ids, 0 = none; e.g. the
    windows' ``[n, L]`` targets): what the output head's sampled targets are drawn with."""
    ids = targets[targets > 0]
    counts = np.bincount(np.searchsorted(catalogue, ids), minlength=len(catalogue))[: len(catalogue)]
    return counts / max(counts.sum(), 1)
