"""Ranking, beyond-accuracy and rating metrics: pure functions.

Ranking metrics take ``ranked`` (``[U, >=k]`` item indices, best first; -1 marks an empty slot) and ``relevant`` (``U``
collections of relevant item indices; with leave-last-out, one item each) and return the mean
over users; the ``*_per_user`` helper returns the ``[U]`` values (for group metrics).

Precision@K and F1@K under leave-last-out: each user has one relevant (test) item, so a user's
precision@K is ``hits / K`` (``1/K`` on a hit, else 0), recall@K equals HR@K, and F1@K =
``2PR / (P + R)`` is ``2 / (K + 1)`` on a hit. The mean F1@K over users is then
``2 * HR@K / (K + 1)``, the same as the F1 of the mean precision and mean recall.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "hits_matrix",
    "hit_rate",
    "recall",
    "precision",
    "f1",
    "ndcg",
    "mrr",
    "average_precision",
    "per_user",
    "coverage",
    "novelty",
    "intra_list_diversity",
    "rmse",
    "mae",
    "RANKING_METRICS",
]


def _relevant_sets(relevant) -> list[set]:
    return [set(np.asarray(list(r) if isinstance(r, (set, frozenset)) else r).ravel().tolist()) for r in relevant]


def hits_matrix(ranked, relevant, *, k: int) -> np.ndarray:
    """``[U, k]`` bool: is the item at each rank relevant."""
    ranked = np.asarray(ranked)[:, :k]
    single = np.asarray(relevant, dtype=object) if not isinstance(relevant, np.ndarray) else relevant
    if single.ndim == 1 and single.dtype != object:  # one relevant item per user: vectorised
        return ranked == single[:, None]
    sets = _relevant_sets(relevant)
    return np.array([[item in s for item in row] for row, s in zip(ranked, sets)], dtype=bool).reshape(len(sets), -1)


def _n_relevant(relevant) -> np.ndarray:
    return np.array([len(s) for s in _relevant_sets(relevant)], dtype=float)


def _hr(ranked, relevant, k):
    return hits_matrix(ranked, relevant, k=k).any(1).astype(float)


def _recall(ranked, relevant, k):
    return hits_matrix(ranked, relevant, k=k).sum(1) / np.maximum(_n_relevant(relevant), 1)


def _precision(ranked, relevant, k):
    return hits_matrix(ranked, relevant, k=k).sum(1) / k


def _f1(ranked, relevant, k):
    hits = hits_matrix(ranked, relevant, k=k).sum(1)
    p, r = hits / k, hits / np.maximum(_n_relevant(relevant), 1)
    return np.divide(2 * p * r, p + r, out=np.zeros(len(hits)), where=(p + r) > 0)


def _ndcg(ranked, relevant, k):
    hits = hits_matrix(ranked, relevant, k=k)
    discount = 1.0 / np.log2(np.arange(2, hits.shape[1] + 2))
    dcg = (hits * discount).sum(1)
    ideal = np.array([discount[: int(min(n, hits.shape[1]))].sum() for n in _n_relevant(relevant)])
    return np.divide(dcg, ideal, out=np.zeros_like(dcg), where=ideal > 0)


def _mrr(ranked, relevant, k):
    hits = hits_matrix(ranked, relevant, k=k)
    first = hits.argmax(1)
    return np.where(hits.any(1), 1.0 / (first + 1), 0.0)


def _ap(ranked, relevant, k):
    hits = hits_matrix(ranked, relevant, k=k)
    precision_at = np.cumsum(hits, 1) / np.arange(1, hits.shape[1] + 1)
    denom = np.minimum(_n_relevant(relevant), hits.shape[1])
    return np.divide((precision_at * hits).sum(1), denom, out=np.zeros(len(hits)), where=denom > 0)


_PER_USER = {"hr": _hr, "recall": _recall, "precision": _precision, "f1": _f1, "ndcg": _ndcg, "mrr": _mrr, "map": _ap}
RANKING_METRICS = tuple(_PER_USER)


def per_user(name: str, ranked, relevant, *, k: int) -> np.ndarray:
    """``[U]`` values of ranking metric ``name`` (one of ``RANKING_METRICS``) at cut-off ``k``."""
    return _PER_USER[name](ranked, relevant, k)


def hit_rate(ranked, relevant, *, k: int = 10) -> float:
    """Share of users with at least one relevant item in the top ``k``."""
    return float(_hr(ranked, relevant, k).mean())


def recall(ranked, relevant, *, k: int = 10) -> float:
    """Mean share of each user's relevant items found in the top ``k``."""
    return float(_recall(ranked, relevant, k).mean())


def precision(ranked, relevant, *, k: int = 10) -> float:
    """Mean share of the top ``k`` that is relevant: ``hits / k`` per user (``1/k`` or 0 under leave-last-out)."""
    return float(_precision(ranked, relevant, k).mean())


def f1(ranked, relevant, *, k: int = 10) -> float:
    """Mean over users of F1@k = ``2PR / (P + R)`` of the user's precision@k and recall@k (0 without a hit).

    With one relevant item per user (leave-last-out) a hit gives ``P = 1/k``, ``R = 1`` and F1 = ``2 / (k + 1)``,
    so the mean is ``2 * HR@k / (k + 1)``.
    """
    return float(_f1(ranked, relevant, k).mean())


def ndcg(ranked, relevant, *, k: int = 10) -> float:
    """Mean normalised discounted cumulative gain (binary relevance, log2 discount)."""
    return float(_ndcg(ranked, relevant, k).mean())


def mrr(ranked, relevant, *, k: int = 10) -> float:
    """Mean reciprocal rank of the first relevant item within the top ``k`` (0 if none)."""
    return float(_mrr(ranked, relevant, k).mean())


def average_precision(ranked, relevant, *, k: int = 10) -> float:
    """MAP@k: mean over users of average precision, normalised by ``min(|relevant|, k)``."""
    return float(_ap(ranked, relevant, k).mean())


def coverage(ranked, n_items: int, *, k: int = 10) -> float:
    """Share of the catalogue that appears in at least one top-``k`` list."""
    items = np.unique(np.asarray(ranked)[:, :k])
    return float((items >= 0).sum() / n_items)


def novelty(ranked, item_popularity, n_users: int, *, k: int = 10) -> float:
    """Mean self-information ``-log2(p_i)`` of recommended items, ``p_i`` = share of users who
    interacted with item ``i`` in training (unseen items count as one user)."""
    pop = np.maximum(np.asarray(item_popularity, dtype=float), 1.0) / max(n_users, 1)
    items = np.asarray(ranked)[:, :k]
    return float(np.mean(-np.log2(pop[items[items >= 0]])))


def intra_list_diversity(ranked, item_vectors, *, k: int = 10) -> float:
    """Mean pairwise cosine distance ``1 - cos`` between the items of each top-``k`` list.

    Args:
        item_vectors: ``[N, D]`` item features or text embeddings.
    """
    vecs = np.asarray(item_vectors, dtype=float)
    vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    ranked = np.asarray(ranked)[:, :k]
    k_eff = ranked.shape[1]
    if k_eff < 2:
        return 0.0
    lists = vecs[np.maximum(ranked, 0)]  # [U, k, D]
    sims = np.einsum("ukd,ujd->ukj", lists, lists)
    real = ranked >= 0
    pairs = real[:, :, None] & real[:, None, :] & ~np.eye(k_eff, dtype=bool)
    return float(np.mean(1.0 - sims[pairs])) if pairs.any() else 0.0


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    d = np.asarray(y_true, float) - np.asarray(y_pred, float)
    return float(np.sqrt(np.mean(d**2)))


def mae(y_true, y_pred) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float))))
