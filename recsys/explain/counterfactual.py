"""Counterfactual: the smallest set of history items whose removal drops the item out of the
top-K ("had you not chosen X and Y, this would not be recommended")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recsys.explain.scoring import ItemScorer

__all__ = ["Counterfactual", "counterfactual"]


@dataclass
class Counterfactual:
    """Attributes: removed (item indices, most influential first), original_rank, new_rank
    (1-based, verified by re-scoring), found (False if removing every positive item is not
    enough)."""

    removed: list[int]
    original_rank: int
    new_rank: int
    found: bool


def counterfactual(scorer: ItemScorer, shap_values: np.ndarray, k: int = 10) -> Counterfactual:
    """Remove history items greedily by SHAP value (largest first) until the item leaves the
    top-``k``; every prefix is re-scored in one batched call over the catalogue."""
    n = scorer.n
    order = [int(i) for i in np.argsort(-np.asarray(shap_values), kind="stable") if shap_values[i] > 0]
    keep = np.ones((len(order) + 1, n), dtype=bool)
    for j, player in enumerate(order):
        keep[j + 1 :, player] = False
    ranks = scorer.rank(keep)
    out = np.flatnonzero(ranks > k)
    if len(out):
        j = int(out[0])
        return Counterfactual([int(scorer.items[p]) for p in order[:j]], int(ranks[0]), int(ranks[j]), True)
    return Counterfactual([int(scorer.items[p]) for p in order], int(ranks[0]), int(ranks[-1]), False)
