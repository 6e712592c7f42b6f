"""Top-K selection over a score matrix, the user's own items excluded."""

from __future__ import annotations

import numpy as np

__all__ = ["top_k"]


def top_k(scores: np.ndarray, k: int, exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """Best ``k`` columns per row, best first.

    Args:
        scores: ``[U, N]`` scores.
        exclude: ``U`` arrays of column indices never to return (items the user has), or None.

    Returns:
        ``(indices [U, k], values [U, k])``; equal scores rank the lower item index first. A
        user with fewer than ``k`` allowed items gets
        index -1 and value ``-inf`` in the remaining slots: excluded items are never returned.
    """
    scores = np.array(scores, dtype=np.float64, copy=True)
    if exclude is not None:
        rows = np.repeat(np.arange(len(exclude)), [len(e) for e in exclude])
        cols = np.concatenate([np.asarray(e, dtype=np.int64) for e in exclude]) if len(rows) else np.zeros(0, int)
        scores[rows, cols] = -np.inf
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    kth = np.take_along_axis(scores, part, axis=1).min(1)
    tied = np.flatnonzero((scores >= kth[:, None]).sum(1) > k)
    if len(tied):  # ties at the cut-off: take the lowest item indices, deterministically
        part[tied] = np.argsort(-scores[tied], axis=1, kind="stable")[:, :k]
    vals = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -vals), axis=1)  # best score first, then lower item index
    idx, vals = np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)
    return np.where(np.isneginf(vals), -1, idx), vals
