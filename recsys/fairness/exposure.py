"""Item-side exposure: how the top-K slots are shared among items and item groups.

Exposure of an item = the number of top-``k`` slots it fills over all users (``"uniform"``), or
with a position weight ``1 / log2(rank + 1)`` for rank 1..k (``"position"``, the NDCG discount:
a user is more likely to look at the first slots).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.fairness.item_groups import ItemGroups
from recsys.ranking.metrics import coverage as catalog_coverage

__all__ = [
    "WEIGHTINGS",
    "catalog_coverage",
    "exposure_gini",
    "exposure_lorenz",
    "gini",
    "group_exposure",
    "item_exposure",
    "lorenz_curve",
]

WEIGHTINGS = ("uniform", "position")


def _slot_weights(k: int, weighting: str) -> np.ndarray:
    if weighting == "uniform":
        return np.ones(k)
    if weighting == "position":
        return 1.0 / np.log2(np.arange(1, k + 1) + 1)
    raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")


def item_exposure(ranked, n_items: int, *, k: int = 10, weighting: str = "uniform") -> np.ndarray:
    """``[N]`` exposure of every item over the users' top-``k`` lists.

    Args:
        ranked: ``[U, >=k]`` item indices, best first; -1 marks an empty slot (no exposure).
        weighting: ``"uniform"`` (slots) or ``"position"`` (``1/log2(rank+1)``).
    """
    top = np.asarray(ranked)[:, :k]
    w = np.broadcast_to(_slot_weights(top.shape[1], weighting), top.shape)
    real = top >= 0
    return np.bincount(top[real], weights=w[real], minlength=n_items).astype(float)


def gini(values) -> float:
    """Gini index of non-negative values (0 = all equal, ``1 - 1/n`` = one item takes all).

    ``G = sum_i (2i - n - 1) x_(i) / (n sum_i x_i)`` with ``x_(1) <= ... <= x_(n)``, i = 1..n.
    """
    x = np.sort(np.asarray(values, float))
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * x).sum() / (n * total))


def lorenz_curve(values) -> tuple[np.ndarray, np.ndarray]:
    """The Lorenz curve of non-negative values: items sorted from least to most exposed.

    ``x[j] = j / n`` is the share of items, ``y[j]`` the share of the total the ``j`` least
    exposed items take (``x[0] = y[0] = 0``, ``x[n] = y[n] = 1``). Equal values give the
    diagonal; ``gini(values)`` is 1 - 2 x (area under the curve, by trapezoids).

    Returns:
        ``(x [n + 1], y [n + 1])``; the diagonal when the total is 0.
    """
    v = np.sort(np.asarray(values, float))
    n, total = len(v), v.sum()
    x = np.arange(n + 1) / max(n, 1)
    if total <= 0:
        return x, x.copy()
    return x, np.concatenate([[0.0], np.cumsum(v) / total])


def exposure_lorenz(ranked, n_items: int, *, k: int = 10, weighting: str = "uniform") -> tuple[np.ndarray, np.ndarray]:
    """``lorenz_curve`` of item exposure over the whole catalogue (items never shown count as 0)."""
    return lorenz_curve(item_exposure(ranked, n_items, k=k, weighting=weighting))


def exposure_gini(ranked, n_items: int, *, k: int = 10, weighting: str = "uniform") -> float:
    """Gini index of item exposure over the whole catalogue (items never shown count as 0)."""
    return gini(item_exposure(ranked, n_items, k=k, weighting=weighting))


def group_exposure(ranked, groups: ItemGroups, popularity, *, k: int = 10) -> pd.DataFrame:
    """Share of top-``k`` exposure per item group against its share of interactions.

    Args:
        ranked: ``[U, >=k]`` item indices.
        groups: Item group membership ``[N, G]``.
        popularity: ``[N]`` interactions per item in the history the lists were made from.

    Returns:
        One row per group: ``attribute, group, n_items`` (weighted count), ``catalog_share``,
        ``interaction_share``, ``exposure_share`` (slots), ``position_exposure_share``
        (``1/log2(rank+1)``-weighted) and ``exposure_ratio`` = exposure_share /
        interaction_share (1 = exposed in proportion to its interactions, < 1 under-exposed).
    """
    m = groups.matrix
    n_items = m.shape[0]
    pop = np.asarray(popularity, float)

    def share(weights: np.ndarray) -> np.ndarray:
        total = weights.sum()
        return (weights @ m) / total if total > 0 else np.zeros(m.shape[1])

    exp_share = share(item_exposure(ranked, n_items, k=k))
    inter_share = share(pop)
    return pd.DataFrame({
        "attribute": groups.attribute,
        "group": groups.names,
        "n_items": m.sum(0),
        "catalog_share": m.sum(0) / max(n_items, 1),
        "interaction_share": inter_share,
        "exposure_share": exp_share,
        "position_exposure_share": share(item_exposure(ranked, n_items, k=k, weighting="position")),
        "exposure_ratio": np.divide(exp_share, inter_share, out=np.full(len(exp_share), np.nan), where=inter_share > 0),
    })
