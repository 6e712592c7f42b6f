"""Why not X? Where any catalogue item ranks for a user, how far its score is from the top-K, and
which history items hold it down."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recsys.explain.scoring import ItemScorer

__all__ = ["HOLDING_DOWN", "WhyNot", "why_not", "why_not_reason"]

HOLDING_DOWN = 5  # history items re-scored one by one (most negative SHAP values first)


@dataclass
class WhyNot:
    """Where an item stands in a user's ranking.

    Attributes:
        item: The item (index).
        rank: Its 1-based rank among the items the user does not have.
        k: Length of the top-K list it is compared with.
        score: Its score.
        cutoff_item: The item at rank ``k`` (index; -1 when fewer than ``k`` items can be ranked).
        cutoff_score: That item's score.
        holding_down: One row per history item with a negative SHAP value (at most
            ``HOLDING_DOWN``, most negative first): ``history_item`` (index), ``shap`` and
            ``rank_without`` (the item's rank when only that history item is removed, re-scored).
        in_history: The user already has the item (it is never recommended).
    """

    item: int
    rank: int
    k: int
    score: float
    cutoff_item: int
    cutoff_score: float
    holding_down: pd.DataFrame
    in_history: bool = False

    @property
    def gap(self) -> float:
        """Score minus the score at rank ``k``: negative when the item is below the top-K."""
        return self.score - self.cutoff_score

    @property
    def in_top_k(self) -> bool:
        return self.rank <= self.k


def why_not(scorer: ItemScorer, shap_values: np.ndarray, k: int = 10, top: int = HOLDING_DOWN) -> WhyNot:
    """Rank, gap to the ``k``-th item and the history items holding the item down.

    Args:
        scorer: The user and the item.
        shap_values: ``[n]`` SHAP values of the history items for this item (``history_shap``).
        k: Top-K size.
        top: How many of the most negative history items to re-score without them.
    """
    values = np.asarray(shap_values, dtype=float)
    n = scorer.n
    down = [int(i) for i in np.argsort(values, kind="stable") if values[i] < 0][:top]
    keep = np.ones((len(down) + 1, n), dtype=bool)
    for row, player in enumerate(down, start=1):
        keep[row, player] = False
    ranks = scorer.rank(keep)
    scores = scorer.catalogue_scores(keep[:1])[0]
    competing = np.flatnonzero(scorer.allowed(keep[0]))
    best = competing[np.lexsort((competing, -scores[competing]))]  # best first, ties by lower index
    cutoff = int(best[k - 1]) if len(best) >= k else -1
    holding = pd.DataFrame({
        "history_item": scorer.items[down].astype(np.int64) if down else np.zeros(0, np.int64),
        "shap": values[down] if down else np.zeros(0),
        "rank_without": ranks[1:],
    })
    return WhyNot(
        item=scorer.item, rank=int(ranks[0]), k=k, score=float(scores[scorer.item]), cutoff_item=cutoff,
        cutoff_score=float(scores[cutoff]) if cutoff >= 0 else float("nan"), holding_down=holding,
        in_history=bool(np.isin(scorer.item, scorer.seen)),
    )


def why_not_reason(history_values: np.ndarray, names: list[str], rank: int, k: int, max_items: int = 2) -> str:
    """E.g. "Ranked 57, outside your top 10: 'A' and 'B' in your history hold it down.".

    History items are named only if their SHAP value is negative and at least 10% of the total
    negative contribution (as ``plain_reason`` names the items that push an item up).
    """
    values = np.asarray(history_values, dtype=float)
    negative = -values[values < 0].sum()
    picked = [i for i in np.argsort(values, kind="stable") if values[i] < 0 and -values[i] >= 0.1 * negative]
    head = f"Ranked {rank:,}, outside your top {k}"
    if not picked:
        return f"{head}: nothing in your history holds it down; it ranks low for its overall fit."
    quoted = [f"'{names[i]}'" for i in picked[:max_items]]
    text = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    return f"{head}: {text} in your history {'holds' if len(quoted) == 1 else 'hold'} it down."
