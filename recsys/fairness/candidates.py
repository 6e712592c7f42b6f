"""Score every item for the audited users and keep each user's top-N candidates with scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.ranking import top_k

__all__ = ["score_candidates"]


def score_candidates(scorer, users, history: pd.DataFrame, n: int, *, chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Top-``n`` items and scores per user, the user's items in ``history`` excluded.

    Same ranking as ``recsys.evaluate.rank_users`` (ties to the lower item index), keeping the
    scores the re-rankers need.

    Args:
        scorer: Object with ``scores(user_idx, history) -> [U, N]`` (``SequenceScorer``, baselines).
        users: ``[U]`` user indices. history: Interactions the scores are made from.
        n: Candidates per user.

    Returns:
        ``(items [U, n], scores [U, n])``; -1 and ``-inf`` where a user has fewer allowed items.
    """
    users = np.asarray(users)
    by_user = history.groupby("user_idx")["item_idx"].apply(np.asarray)
    empty = np.zeros(0, np.int64)
    items, values = [], []
    for start in range(0, len(users), chunk):
        part = users[start : start + chunk]
        exclude = [by_user.get(u, empty) for u in part]
        idx, val = top_k(scorer.scores(part, history), n, exclude)
        items.append(idx)
        values.append(val)
    if not items:
        return np.zeros((0, n), np.int64), np.zeros((0, n))
    return np.concatenate(items), np.concatenate(values)
