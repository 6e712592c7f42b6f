"""Post-processing re-rankers over a model's top-N candidates (greedy, vectorised over users).

Candidate scores are min-max normalised per user to ``[0, 1]`` so that ``lam`` weighs
relevance against the fairness term on a comparable scale.

- ``calibrated_rerank`` (Steck 2018): greedily add the item that maximises
  ``(1 - lam) * sum_{i in S} s(i) - lam * KL(p || q~(S))``, ``p`` the user's history category
  distribution, ``q~`` the smoothed category distribution of the list so far.
- ``exposure_rerank`` (smooth xQuAD, Abdollahpouri et al. 2019): greedily add the item that
  maximises ``(1 - lam) * s(i) + lam * sum_c P(c|u) w(i, c) (1 - |S cap c| / |S|)``: item
  groups ``c`` (e.g. short head / long tail) the list does not yet cover get a boost in
  proportion to the user's preference ``P(c|u)``.

``lam = 0`` keeps the model's order; ties prefer the higher-scored candidate.
"""

from __future__ import annotations

import numpy as np

from recsys.errors import DataError
from recsys.fairness.calibration import ALPHA, kl_divergence
from recsys.fairness.messages import FairnessMsg

__all__ = ["calibrated_rerank", "exposure_rerank", "normalize_scores"]

_CHUNK = 1024  # users per vectorised block: [chunk, C, G] floats stay small


def normalize_scores(scores) -> np.ndarray:
    """``[U, C]`` scores min-max scaled per row to ``[0, 1]``; non-finite entries (empty slots) -> 0."""
    s = np.asarray(scores, float)
    finite = np.isfinite(s)
    lo = np.where(finite, s, np.inf).min(1, keepdims=True)
    hi = np.where(finite, s, -np.inf).max(1, keepdims=True)
    span = np.where(np.isfinite(hi - lo) & (hi > lo), hi - lo, 1.0)
    return np.where(finite, (np.where(finite, s, 0.0) - np.where(np.isfinite(lo), lo, 0.0)) / span, 0.0)


def _check(candidates, k: int, lam: float) -> None:
    if not 0.0 <= lam <= 1.0:
        raise DataError(FairnessMsg.BAD_LAMBDA.format(value=lam))
    if k < 1 or k > np.shape(candidates)[1]:
        raise DataError(FairnessMsg.BAD_K.format(k=k, n=np.shape(candidates)[1]))


def _greedy(candidates, scores, k: int, make_step) -> np.ndarray:
    """Shared greedy loop. ``make_step(rows, cand)`` returns ``(objective, add)`` for a block of
    users: ``objective(s, step) -> [u, C]`` and ``add(pick, ok)`` records the picked items."""
    candidates = np.asarray(candidates)
    s = normalize_scores(scores)
    out = np.full((len(candidates), k), -1, dtype=np.int64)
    for start in range(0, len(candidates), _CHUNK):
        rows = slice(start, start + _CHUNK)
        cand = candidates[rows]
        valid = cand >= 0
        chosen = np.zeros(cand.shape, bool)
        objective, add = make_step(rows, cand)
        block = out[rows]  # a view: writes go to ``out``
        for step in range(k):
            obj = np.where(valid & ~chosen, objective(s[rows], step), -np.inf)
            pick = obj.argmax(1)  # first maximum = the higher-scored candidate on ties
            ok = np.isfinite(obj[np.arange(len(cand)), pick])
            block[ok, step] = cand[ok, pick[ok]]
            chosen[np.flatnonzero(ok), pick[ok]] = True
            add(pick, ok)
    return out


def calibrated_rerank(candidates, scores, target, categories, *, k: int = 10, lam: float = 0.5,
                      alpha: float = ALPHA) -> np.ndarray:
    """Steck's calibrated re-ranking.

    Args:
        candidates: ``[U, C]`` candidate item indices, best first (-1 = empty).
        scores: ``[U, C]`` their model scores.
        target: ``[U, G]`` each user's history category distribution (``category_distribution``).
        categories: ``[N, G]`` item category weights.
        k: Length of the re-ranked list. lam: Weight of calibration in ``[0, 1]``.
        alpha: Smoothing of the list distribution.

    Returns:
        ``[U, k]`` re-ranked item indices.
    """
    _check(candidates, k, lam)
    cats_all, target = np.asarray(categories, float), np.asarray(target, float)

    def make_step(rows, cand):
        cats = cats_all[np.maximum(cand, 0)] * (cand >= 0)[..., None]  # [u, C, G]
        p = target[rows][:, None, :]
        mass = np.zeros((len(cand), cats.shape[2]))

        def objective(s, step):
            new = mass[:, None, :] + cats
            total = new.sum(-1, keepdims=True)
            q = np.divide(new, total, out=np.zeros_like(new), where=total > 0)
            kl = np.nan_to_num(kl_divergence(np.broadcast_to(p, q.shape), q, alpha=alpha), nan=0.0)
            return (1 - lam) * s - lam * kl

        def add(pick, ok):
            mass[:] += cats[np.arange(len(cand)), pick] * ok[:, None]

        return objective, add

    return _greedy(candidates, scores, k, make_step)


def exposure_rerank(candidates, scores, preference, groups, *, k: int = 10, lam: float = 0.5) -> np.ndarray:
    """Smooth-xQuAD re-ranking toward item groups the list under-covers (e.g. the long tail).

    Args:
        candidates: ``[U, C]`` candidate item indices, best first (-1 = empty).
        scores: ``[U, C]`` their model scores.
        preference: ``[U, G]`` (or ``[G]``) weight ``P(c|u)`` of each item group per user, e.g.
            the user's share of short-head and long-tail items, or equal weights.
        groups: ``[N, G]`` item group weights (e.g. short head / long tail one-hot).
        k: Length of the re-ranked list. lam: Weight of group coverage in ``[0, 1]``.

    Returns:
        ``[U, k]`` re-ranked item indices.
    """
    _check(candidates, k, lam)
    groups_all = np.asarray(groups, float)
    pref_all = np.broadcast_to(np.asarray(preference, float), (len(candidates), groups_all.shape[1]))

    def make_step(rows, cand):
        memb = groups_all[np.maximum(cand, 0)] * (cand >= 0)[..., None]  # [u, C, G]
        pref = pref_all[rows]
        covered = np.zeros((len(cand), memb.shape[2]))

        def objective(s, step):
            novelty = 1.0 - covered / max(step, 1)  # share of the list not yet in each group
            return (1 - lam) * s + lam * (memb * (pref * novelty)[:, None, :]).sum(-1)

        def add(pick, ok):
            covered[:] += memb[np.arange(len(cand)), pick] * ok[:, None]

        return objective, add

    return _greedy(candidates, scores, k, make_step)
