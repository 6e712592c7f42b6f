"""Shapley values of history items for one recommended item.

Each history item is a player; hiding a player replaces it with the padding id. Exact values by
enumerating every coalition for short histories (up to ``EXACT_MAX`` items), antithetic
permutation sampling beyond (the algorithm of shap's ``PermutationExplainer``: each sampled order
adds the players one by one, then removes them in the same order). Both are additive:
``values.sum() + base_value == model score``.

The permutation sampler is written here rather than called through shap because shap's explainer
compiles numba kernels on its first call in every process, which made the first explanation after
a start the slowest by far; here every coalition of every order is one batched model call, and the
results stay ``shap.Explanation`` objects.
"""

from __future__ import annotations

from math import factorial

import numpy as np
import shap

from recsys.explain.scoring import ItemScorer

__all__ = ["exact_shapley", "history_shap", "permutation_shapley", "shapley_values", "EXACT_MAX", "PERMUTATIONS"]

EXACT_MAX = 12
PERMUTATIONS = 10  # sampled orders for histories longer than EXACT_MAX, as shap's explainer by default


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


def permutation_masks(orders: np.ndarray) -> np.ndarray:
    """``[P, n]`` player orders -> ``[P * (2n + 1), n]`` keep-masks: per order, the empty
    coalition, then the players added one by one (``n`` rows, the last keeps all), then removed
    one by one in the same order (``n`` rows, the last keeps none)."""
    n_orders, n = orders.shape
    position = np.argsort(orders, axis=1)  # position[p, i]: when player i comes in order p
    steps = np.arange(n + 1)[None, :, None]
    forward = position[:, None, :] < steps  # [P, n + 1, n]
    backward = position[:, None, :] >= steps[:, 1:]  # [P, n, n]
    return np.concatenate([forward, backward], axis=1).reshape(n_orders * (2 * n + 1), n)


def permutation_shapley(value_fn, n: int, n_permutations: int = PERMUTATIONS,
                        seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Shapley values estimated from ``n_permutations`` random orders, each used forward and
    backward (antithetic sampling).

    Args:
        value_fn: ``[M, n]`` bool keep-masks -> ``[M]`` or ``[M, K]`` values (called once, batched).

    Returns:
        ``(values [n] or [n, K], base = v(empty))`` with ``values.sum(0) = v(all) - base`` exactly.
    """
    rng = np.random.default_rng(seed)
    orders = np.stack([rng.permutation(n) for _ in range(n_permutations)])
    v = np.asarray(value_fn(permutation_masks(orders)), dtype=np.float64)
    v = v.reshape(n_permutations, 2 * n + 1, *v.shape[1:])
    gains = (v[:, 1 : n + 1] - v[:, :n]) + (v[:, n : 2 * n] - v[:, n + 1 :])  # [P, n, ...] by step
    values = np.zeros((n, *v.shape[2:]))
    for order, gain in zip(orders, gains):
        values[order] += gain  # step j added (then removed) player order[j]
    return values / (2 * n_permutations), v[0, 0]


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
        orders = max(1, (max_evals or PERMUTATIONS * (2 * n + 1)) // (2 * n + 1))
        values, base = permutation_shapley(scorer.score, n, orders, seed)
    return shap.Explanation(values=values, base_values=base, data=scorer.items.copy(),
                            feature_names=list(titles) if titles is not None else [str(i) for i in scorer.items])
