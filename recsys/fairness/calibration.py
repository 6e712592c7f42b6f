"""Calibration (Steck, "Calibrated Recommendations", RecSys 2018).

A user's category distribution ``p(g|u)`` is the mean of the category distributions ``p(g|i)``
of the items in their history (an item with k categories counts 1/k in each); ``q(g|u)`` is the
same over their top-``k``. Miscalibration is ``KL(p || q~) = sum_g p(g|u) log(p(g|u) / q~(g|u))``
with ``q~ = (1 - alpha) q + alpha p`` (Steck's smoothing, alpha = 0.01, keeps it finite when the
list misses a category the user has). Items without a category are left out of both
distributions; a user whose history has none gets NaN (left out of the mean).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = [
    "ALPHA",
    "calibration_kl",
    "calibration_profile",
    "category_distribution",
    "kl_divergence",
    "list_distribution",
    "miscalibration",
]

ALPHA = 0.01


def category_distribution(weights, categories) -> np.ndarray:
    """``[U, G]`` category distribution of weighted item sets.

    Args:
        weights: ``[U, N]`` (sparse or dense) weight of each item for each user, e.g. a binary
            history matrix.
        categories: ``[N, G]`` item category weights (rows sum to 1, or 0 for no category).

    Returns:
        Rows sum to 1; all-zero for a user whose items have no category.
    """
    mass = weights @ np.asarray(categories, float)
    mass = np.asarray(mass.toarray() if sp.issparse(mass) else mass, float)
    total = mass.sum(1, keepdims=True)
    return np.divide(mass, total, out=np.zeros_like(mass), where=total > 0)


def list_distribution(ranked, categories, *, k: int = 10) -> np.ndarray:
    """``[U, G]`` category distribution of each user's top-``k`` (empty slots ignored)."""
    top = np.asarray(ranked)[:, :k]
    cats = np.asarray(categories, float)
    mass = (cats[np.maximum(top, 0)] * (top >= 0)[..., None]).sum(1)
    total = mass.sum(1, keepdims=True)
    return np.divide(mass, total, out=np.zeros_like(mass), where=total > 0)


def kl_divergence(p, q, *, alpha: float = ALPHA) -> np.ndarray:
    """``[...]`` Steck's ``KL(p || (1 - alpha) q + alpha p)`` over the last axis.

    Args:
        p: ``[..., G]`` target distributions (history). q: ``[..., G]`` list distributions.

    Returns:
        KL per row; NaN where ``p`` is all zero (no category to calibrate to).
    """
    p, q = np.asarray(p, float), np.asarray(q, float)
    q_tilde = (1 - alpha) * q + alpha * p
    ratio = np.divide(p, q_tilde, out=np.ones_like(p), where=p > 0)
    kl = (p * np.log(ratio)).sum(-1)
    return np.where(p.sum(-1) > 0, kl, np.nan)


def calibration_kl(ranked, history, categories, *, k: int = 10, alpha: float = ALPHA) -> np.ndarray:
    """``[U]`` miscalibration of each user's top-``k`` against their history.

    Args:
        ranked: ``[U, >=k]`` item indices. history: ``[U, N]`` history weights (binary matrix).
        categories: ``[N, G]`` item category weights.
    """
    return kl_divergence(category_distribution(history, categories), list_distribution(ranked, categories, k=k),
                         alpha=alpha)


def miscalibration(ranked, history, categories, *, k: int = 10, alpha: float = ALPHA) -> float:
    """Mean ``calibration_kl`` over users with a categorised history (Steck's ``C_KL``)."""
    kl = calibration_kl(ranked, history, categories, k=k, alpha=alpha)
    return float(np.nanmean(kl)) if np.isfinite(kl).any() else float("nan")


def calibration_profile(ranked, history, categories, names, *, k: int = 10) -> pd.DataFrame:
    """Mean category distribution of the histories against that of the top-``k`` lists.

    Averaged over the users whose history has a category (the users calibration is measured
    for), so a perfectly calibrated recommender has the two columns equal.

    Args:
        ranked: ``[U, >=k]`` item indices. history: ``[U, N]`` binary history matrix.
        categories: ``[N, G]`` item category weights. names: ``[G]`` category names.

    Returns:
        One row per category: ``category, history_share, list_share`` (each column sums to 1
        over the categories when any user counts), sorted by ``history_share``, largest first.
    """
    p = category_distribution(history, categories)
    q = list_distribution(ranked, categories, k=k)
    known = p.sum(1) > 0
    n = max(int(known.sum()), 1)
    frame = pd.DataFrame({"category": list(names), "history_share": p[known].sum(0) / n,
                          "list_share": q[known].sum(0) / n})
    return frame.sort_values("history_share", ascending=False, kind="stable").reset_index(drop=True)
