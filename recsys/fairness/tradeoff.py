"""Accuracy / fairness trade-off of the re-rankers: a sweep over lambda.

Each row re-ranks the same top-N candidates with one re-ranker at one lambda and measures the
lists: NDCG@K and HR@K against the held-out items, the re-ranker's target metric (``kl_mean``
for calibrated re-ranking, lower is better; ``aplt`` for exposure re-ranking toward the long
tail, higher is better) and the other beyond-accuracy numbers, so the app can plot any pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recsys.errors import DataError
from recsys.fairness.calibration import ALPHA, category_distribution, miscalibration
from recsys.fairness.exposure import exposure_gini
from recsys.fairness.messages import FairnessMsg
from recsys.fairness.popularity import aplt, arp, short_head
from recsys.fairness.rerank import calibrated_rerank, exposure_rerank
from recsys.ranking import metrics as M

__all__ = ["DEFAULT_LAMBDAS", "PREFERENCES", "RERANKERS", "apply_reranker", "list_metrics", "tail_preference",
           "tradeoff_curve"]

RERANKERS = {"calibrated": "kl_mean", "exposure": "aplt"}  # re-ranker -> its target metric
DEFAULT_LAMBDAS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
PREFERENCES = ("history", "uniform")


def tail_preference(history: sp.csr_matrix, head, preference: str = "history") -> np.ndarray:
    """``[U, 2]`` weights of (short head, long tail) for exposure re-ranking.

    ``"history"``: the user's own share of short-head and long-tail items (personalised, as in
    Abdollahpouri et al. 2019; users with no history get equal weights); ``"uniform"``: 1/2 each.
    """
    n_users = history.shape[0]
    if preference == "uniform":
        return np.full((n_users, 2), 0.5)
    if preference != "history":
        raise ValueError(f"preference must be one of {PREFERENCES}, got {preference!r}")
    head = np.asarray(head, float)
    n = np.asarray(history.sum(1)).ravel()
    in_head = history @ head
    share = np.divide(in_head, n, out=np.full(n_users, 0.5), where=n > 0)
    return np.column_stack([share, 1.0 - share])


def apply_reranker(
    name: str,
    candidates,
    scores,
    history: sp.csr_matrix,
    *,
    lam: float,
    k: int = 10,
    categories=None,
    popularity=None,
    alpha: float = ALPHA,
    preference: str = "history",
) -> np.ndarray:
    """``[U, k]`` lists from re-ranker ``name`` (``"calibrated"`` or ``"exposure"``).

    Args:
        candidates, scores: ``[U, C]`` top-N candidates and their scores.
        history: ``[U, N]`` binary history matrix of the same users.
        categories: ``[N, G]`` item categories (calibrated). popularity: ``[N]`` (exposure).
    """
    if name == "calibrated":
        target = category_distribution(history, categories)
        return calibrated_rerank(candidates, scores, target, categories, k=k, lam=lam, alpha=alpha)
    if name == "exposure":
        head = short_head(popularity)
        groups = np.column_stack([head, ~head]).astype(float)
        pref = tail_preference(history, head, preference)
        return exposure_rerank(candidates, scores, pref, groups, k=k, lam=lam)
    raise DataError(FairnessMsg.UNKNOWN_RERANKER.format(name=name, choices=", ".join(RERANKERS)))


def list_metrics(ranked, relevant, history, *, k: int, categories, popularity, n_items: int,
                 alpha: float = ALPHA) -> dict:
    """Accuracy and beyond-accuracy numbers of ``[U, k]`` lists (one row of the trade-off table)."""
    pop = np.asarray(popularity, float)
    row = {
        f"ndcg@{k}": M.ndcg(ranked, relevant, k=k),
        f"hr@{k}": M.hit_rate(ranked, relevant, k=k),
        "kl_mean": miscalibration(ranked, history, categories, k=k, alpha=alpha) if categories is not None else np.nan,
        "aplt": aplt(ranked, ~short_head(pop), k=k),
        "arp": arp(ranked, pop, k=k),
        "gini": exposure_gini(ranked, n_items, k=k),
        "coverage": M.coverage(ranked, n_items, k=k),
    }
    return row


def tradeoff_curve(
    candidates,
    scores,
    relevant,
    history: sp.csr_matrix,
    *,
    categories=None,
    popularity,
    lambdas=DEFAULT_LAMBDAS,
    k: int = 10,
    alpha: float = ALPHA,
    rerankers=tuple(RERANKERS),
    preference: str = "history",
) -> pd.DataFrame:
    """Sweep lambda for each re-ranker over the same candidates.

    Args:
        candidates, scores: ``[U, C]`` the model's top-N and scores (C >= k).
        relevant: ``U`` held-out items. history: ``[U, N]`` binary history matrix.
        categories: ``[N, G]`` item categories for calibration (``None`` skips ``"calibrated"``).
        popularity: ``[N]`` users per item in the history.
        lambdas: Weights to sweep (0 = the model's own order).

    Returns:
        One row per (re-ranker, lambda): ``reranker, lambda, target, target_value``,
        ``ndcg@k, hr@k, kl_mean, aplt, arp, gini, coverage``, ``ndcg_drop`` (NDCG@k at the first
        lambda, 0 by default, minus at this lambda) and ``ndcg_drop_pct`` (the drop as a
        percentage of that first value).
    """
    n_items = history.shape[1]
    rows = []
    for name in rerankers:
        if name == "calibrated" and categories is None:
            continue
        for lam in lambdas:
            ranked = apply_reranker(name, candidates, scores, history, lam=float(lam), k=k, categories=categories,
                                    popularity=popularity, alpha=alpha, preference=preference)
            row = list_metrics(ranked, relevant, history, k=k, categories=categories, popularity=popularity,
                               n_items=n_items, alpha=alpha)
            rows.append({"reranker": name, "lambda": float(lam), "target": RERANKERS[name],
                         "target_value": row[RERANKERS[name]], **row})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    base = table.groupby("reranker")[f"ndcg@{k}"].transform(lambda s: s.iloc[0])
    table["ndcg_drop"] = base - table[f"ndcg@{k}"]
    table["ndcg_drop_pct"] = 100 * np.divide(table["ndcg_drop"], base, out=np.zeros(len(base)), where=base > 0)
    return table
