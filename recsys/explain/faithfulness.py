"""Faithfulness of an explanation to the model: deletion curves and ERASER scores.

Deletion: remove history items in the explanation's order (most important first), re-score;
the normalised area under ``(s_j - s_all_removed) / (s_full - s_all_removed)`` is low when the
explanation names the items the score depends on. Comprehensiveness (score drop when the top
20% are removed) and sufficiency (score drop when only the top 20% are kept) follow ERASER
(DeYoung et al., 2020).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recsys.explain.scoring import ItemScorer

__all__ = ["DeletionCurve", "Faithfulness", "deletion_curve", "eraser", "faithfulness"]


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


@dataclass(frozen=True)
class Faithfulness:
    """How faithful the SHAP and attention explanations of one item are (``faithfulness``).

    As ``shap.Explanation`` holds values with their base, this holds the importances tested with
    the scores they were measured against. The default (empty) object stands for a user without
    history: nothing to remove, every area NaN.

    Attributes:
        values: ``{"shap", "attention"}``: ``[n]`` importance of each history item (oldest first)
            under each explanation; items are removed largest first.
        full: The item's score with the whole history.
        base: Its score with every history item removed.
        curves: ``{"shap", "attention", "random"}``: ``[n+1]`` normalised deletion curves, entry
            ``j`` the score after removing the first ``j`` items, ``(s_j - base) / (full - base)``
            (1 = original score, 0 = empty history); ``"random"`` is the mean over random orders.
        eraser: ``{"shap", "attention"}``: ``{"comprehensiveness", "sufficiency"}`` (``eraser``).
    """

    values: dict[str, np.ndarray] = field(default_factory=dict)
    full: float = float("nan")
    base: float = float("nan")
    curves: dict[str, np.ndarray] = field(default_factory=dict)
    eraser: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """History items removed (0 without a history)."""
        return len(next(iter(self.curves.values()))) - 1 if self.curves else 0

    def area(self, name: str) -> float:
        """Mean of the ``name`` curve over 0..n removed items (lower = more faithful; NaN if absent)."""
        return float(np.mean(self.curves[name])) if name in self.curves else float("nan")

    @property
    def shap_auc(self) -> float:
        return self.area("shap")

    @property
    def attention_auc(self) -> float:
        return self.area("attention")

    @property
    def random_auc(self) -> float:
        return self.area("random")

    def to_dict(self) -> dict:
        """JSON-ready: ``shap_auc``, ``attention_auc``, ``random_auc``, ``eraser``, ``curves`` (lists)."""
        return {"shap_auc": self.shap_auc, "attention_auc": self.attention_auc, "random_auc": self.random_auc,
                "eraser": self.eraser, "curves": {name: np.asarray(c).tolist() for name, c in self.curves.items()}}


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
                 seed: int = 0) -> Faithfulness:
    """Deletion curves and areas for SHAP, attention and random orders, plus ERASER scores.

    The random orders are drawn as ``permutation_shapley`` draws its orders (same ``seed``), so
    with sampled SHAP values their curves are SHAP's backward passes, already scored by the
    scorer's memo; with exact SHAP values every curve is.

    Args:
        scorer: The user and the item (``n`` history items, at least one).
        shap_values: ``[n]`` SHAP values of the history items.
        attention: ``[n]`` attention weights of the history items.
    """
    n = scorer.n
    rng = np.random.default_rng(seed)
    orders = {"shap": np.argsort(-shap_values, kind="stable"), "attention": np.argsort(-attention, kind="stable")}
    randoms = [rng.permutation(n) for _ in range(n_random)]
    masks = np.concatenate([_masks(o, n) for o in [*orders.values(), *randoms]])
    scores = scorer.score(masks).reshape(-1, n + 1)  # one batched call for every curve
    curves = {name: DeletionCurve(order, scores[i]) for i, (name, order) in enumerate(orders.items())}
    random_norm = np.mean([DeletionCurve(o, s).normalized for o, s in zip(randoms, scores[2:])], axis=0)
    return Faithfulness(
        values={"shap": np.asarray(shap_values), "attention": np.asarray(attention)},
        full=float(scores[0, 0]), base=float(scores[0, -1]),
        curves={"shap": curves["shap"].normalized, "attention": curves["attention"].normalized, "random": random_norm},
        eraser={"shap": eraser(scorer, shap_values), "attention": eraser(scorer, attention)},
    )
