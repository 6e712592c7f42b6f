"""Counterfactual: the smallest set of history items whose removal moves the item across the
top-K boundary: out of it for a recommended item ("had you not chosen X and Y, this would not be
recommended"), into it for any other item ("without X and Y, this would be recommended")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recsys.explain.scoring import ItemScorer

__all__ = ["Counterfactual", "counterfactual"]

_FIRST_CHUNK = 4  # prefixes scored in the first catalogue call; each next call scores twice as many


@dataclass
class Counterfactual:
    """Attributes: removed (item indices, most influential first), original_rank, new_rank
    (1-based, verified by re-scoring), found (False if removing every item that pushes the
    item's way is not enough), direction (``"drop"``: a top-K item leaving the top-K;
    ``"rise"``: an item below the top-K entering it)."""

    removed: list[int]
    original_rank: int
    new_rank: int
    found: bool
    direction: str = "drop"


def counterfactual(scorer: ItemScorer, shap_values: np.ndarray, k: int = 10) -> Counterfactual:
    """Remove history items greedily by SHAP value until the item crosses the top-``k`` boundary.

    A top-``k`` item loses the items that push it up (largest SHAP value first) until it leaves
    the top-``k``; an item below the top-``k`` loses the items that hold it down (most negative
    SHAP value first) until it enters. Prefixes of that order are re-scored over the catalogue in
    batched calls of 4, 8, 16, ... prefixes, stopping at the first call that crosses the boundary.
    """
    values = np.asarray(shap_values, dtype=float)
    n = scorer.n
    original = int(scorer.rank(np.ones((1, n), bool))[0])
    sign = 1.0 if original <= k else -1.0
    order = [int(i) for i in np.argsort(-sign * values, kind="stable") if sign * values[i] > 0]
    keep = np.ones((len(order) + 1, n), dtype=bool)
    for j, player in enumerate(order):
        keep[j + 1 :, player] = False
    ranks = np.full(len(order) + 1, original, dtype=np.int64)
    start, size = 1, _FIRST_CHUNK
    while start <= len(order):
        stop = min(start + size, len(order) + 1)
        ranks[start:stop] = scorer.rank(keep[start:stop])
        crossed = np.flatnonzero(ranks[start:stop] > k if sign > 0 else ranks[start:stop] <= k)
        if len(crossed):
            j = start + int(crossed[0])
            return Counterfactual([int(scorer.items[p]) for p in order[:j]], original, int(ranks[j]), True,
                                  "drop" if sign > 0 else "rise")
        start, size = stop, 2 * size
    return Counterfactual([int(scorer.items[p]) for p in order], original, int(ranks[-1]), False,
                          "drop" if sign > 0 else "rise")
