"""Faithfulness of an explanation to the model: deletion curves and ERASER scores.

Deletion: remove history items in the explanation's order (most important first), re-score;
the normalised area under ``(s_j - s_all_removed) / (s_full - s_all_removed)`` is low when the
explanation names the items the score depends on. Comprehensiveness (score drop when the top
20% are removed) and sufficiency (score drop when only the top 20% are kept) follow ERASER
(DeYoung et al., 2020).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recsys.explain.scoring import ItemScorer

__all__ = ["DeletionCurve", "deletion_curve", "faithfulness", "eraser"]


@dataclass
class DeletionCurve:
    """``scores [n+1]``: the item's score after removing the first j items of ``order``."""

    order: np.ndarray
    scores: np.ndarray

    @property
    def normalized(self) -> np.ndarray:
        span = self.scores[0] - self.scores[-1]
        return (self.scores - self.scores[-1]) / span if abs(span) > 1e-12 else np.zeros_like(self.scores)

    @property
    def auc(self) -> float:
        """Mean of the normalised curve over 0..n removed items (lower = more faithful)."""
        return float(np.mean(self.normalized))


def _masks(order: np.ndarray, n: int) -> np.ndarray:
    keep = np.ones((n + 1, n), dtype=bool)
    for j, player in enumerate(order):
        keep[j + 1 :, player] = False
    return keep


def deletion_curve(scorer: ItemScorer, importance: np.ndarray) -> DeletionCurve:
    """Deletion curve removing players by decreasing ``importance`` ``[n]``."""
    order = np.argsort(-np.asarray(importance), kind="stable")
    return DeletionCurve(order, scorer.score(_masks(order, scorer.n)))


def eraser(scorer: ItemScorer, importance: np.ndarray, share: float = 0.2) -> dict:
    """``{"comprehensiveness", "sufficiency"}`` for the top ``share`` of items by importance."""
    n = scorer.n
    top = np.argsort(-np.asarray(importance), kind="stable")[: max(1, int(round(share * n)))]
    keep_all, without_top, only_top = np.ones(n, bool), np.ones(n, bool), np.zeros(n, bool)
    without_top[top], only_top[top] = False, True
    full, removed, kept = scorer.score(np.stack([keep_all, without_top, only_top]))
    return {"comprehensiveness": float(full - removed), "sufficiency": float(full - kept)}


def faithfulness(scorer: ItemScorer, shap_values: np.ndarray, attention: np.ndarray, n_random: int = 5,
                 seed: int = 0) -> dict:
    """Deletion curves and areas for SHAP, attention and random orders, plus ERASER scores.

    The random orders are drawn as ``permutation_shapley`` draws its orders (same ``seed``), so
    with sampled SHAP values their curves are SHAP's backward passes, already scored by the
    scorer's memo; with exact SHAP values every curve is.

    Returns:
        ``{"curves": {"shap", "attention", "random"}: [n+1] normalised scores,
        "shap_auc", "attention_auc", "random_auc", "eraser": {"shap": {...}, "attention": {...}}}``.
    """
    n = scorer.n
    rng = np.random.default_rng(seed)
    orders = {"shap": np.argsort(-shap_values, kind="stable"), "attention": np.argsort(-attention, kind="stable")}
    randoms = [rng.permutation(n) for _ in range(n_random)]
    masks = np.concatenate([_masks(o, n) for o in [*orders.values(), *randoms]])
    scores = scorer.score(masks).reshape(-1, n + 1)  # one batched call for every curve
    curves = {name: DeletionCurve(order, scores[i]) for i, (name, order) in enumerate(orders.items())}
    random_norm = np.mean([DeletionCurve(o, s).normalized for o, s in zip(randoms, scores[2:])], axis=0)
    return {
        "curves": {"shap": curves["shap"].normalized, "attention": curves["attention"].normalized,
                   "random": random_norm},
        "shap_auc": curves["shap"].auc,
        "attention_auc": curves["attention"].auc,
        "random_auc": float(np.mean(random_norm)),
        "eraser": {"shap": eraser(scorer, shap_values), "attention": eraser(scorer, attention)},
    }
