"""Shapley values of history items for one recommended item.

Each history item is a player; hiding a player replaces it with the padding id. Exact values by
enumerating every coalition for short histories (up to ``EXACT_MAX`` items), shap's Permutation
explainer beyond. Both are additive: ``values.sum() + base_value == model score``.
"""

from __future__ import annotations

from math import factorial

import numpy as np
import shap

from recsys.explain.scoring import ItemScorer

__all__ = ["exact_shapley", "history_shap", "shapley_values", "EXACT_MAX"]

EXACT_MAX = 12


def _coalitions(n: int) -> np.ndarray:
    """``[2^n, n]`` bool: row ``m`` keeps player ``i`` iff bit ``i`` of ``m`` is set."""
    return ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)


def shapley_values(v: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact Shapley values from the values of every coalition.

    Args:
        v: ``[2^n]`` or ``[2^n, K]`` values (``K`` games sharing the players) of the coalitions in
            ``_coalitions(n)`` order: row ``m`` keeps player ``i`` iff bit ``i`` of ``m`` is set.
        n: Number of players.

    Returns:
        ``(values [n] or [n, K], base = v[0])`` with ``values.sum(0) = v[-1] - base``.
    """
    masks = _coalitions(n)
    v = np.asarray(v, dtype=np.float64)
    size = masks.sum(1)
    weight = np.array([factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)])
    values = np.empty((n, *v.shape[1:]))
    for i in range(n):
        without = np.flatnonzero(~masks[:, i])  # coalitions S not containing i; S + i = S | bit i
        values[i] = np.tensordot(weight[size[without]], v[without | (1 << i)] - v[without], axes=1)
    return values, v[0]


def exact_shapley(value_fn, n: int) -> tuple[np.ndarray, float]:
    """Exact Shapley values of ``n`` players.

    Args:
        value_fn: ``[M, n]`` bool keep-masks -> ``[M]`` values (called once, batched).
        n: Number of players.

    Returns:
        ``(values [n], base)`` with ``base = v(empty)`` and ``values.sum() = v(all) - base``.
    """
    values, base = shapley_values(value_fn(_coalitions(n)), n)
    return values, float(base)


def history_shap(scorer: ItemScorer, titles: list[str] | None = None, max_evals: int | None = None,
                 seed: int = 0) -> shap.Explanation:
    """SHAP values of the user's history items for the recommended item.

    Returns:
        ``shap.Explanation`` with ``values [n]``, ``base_values`` (score with an empty history),
        ``data`` (item indices, oldest first) and ``feature_names`` (titles).
    """
    n = scorer.n
    if n == 0:
        return shap.Explanation(values=np.zeros(0), base_values=scorer.full_score(), data=np.zeros(0, int))
    if n <= EXACT_MAX:
        values, base = exact_shapley(scorer.score, n)
    else:
        masker = shap.maskers.Independent(np.zeros((1, n)), max_samples=1)
        explainer = shap.PermutationExplainer(lambda x: scorer.score(x > 0.5), masker, seed=seed)
        result = explainer(np.ones((1, n)), max_evals=max_evals or 10 * (2 * n + 1), silent=True)
        values, base = np.asarray(result.values[0], float), float(np.ravel(result.base_values)[0])
    return shap.Explanation(values=values, base_values=base, data=scorer.items.copy(),
                            feature_names=list(titles) if titles is not None else [str(i) for i in scorer.items])
