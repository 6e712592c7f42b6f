"""Popularity bias of recommendation lists (definitions as in Elliot).

``popularity`` is ``[N]`` the number of users who interacted with each item in the history the
lists were made from. The short head is Elliot's: the most popular items that together take
80% of the interactions; the long tail is every other item (items nobody interacted with included).

- ARP (Yin et al. 2012): mean over users of the mean popularity of their top-``k`` items.
- APLT (Abdollahpouri et al. 2017): mean over users of the share of long-tail items in the top-``k``.
- Popularity lift (Abdollahpouri et al. 2019): ``(ARP of the lists - ARP of the histories) /
  ARP of the histories``; > 0 means the lists are more popular than what users consume.
- PopREO / PopRSP (Zhu et al. 2020): ranking-based equal opportunity / statistical parity between
  short-head and long-tail items, ``std(p_head, p_tail) / mean(p_head, p_tail)`` with
  ``p_g`` = P(recommended | relevant, item in g) for REO and P(recommended | item in g, not yet
  consumed) for RSP. 0 = parity.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recsys.ranking.metrics import hits_matrix

__all__ = [
    "aplt",
    "arp",
    "history_popularity",
    "list_popularity",
    "pop_reo",
    "pop_rsp",
    "popularity_lift",
    "short_head",
]


def short_head(popularity, *, share: float = 0.8) -> np.ndarray:
    """``[N]`` bool: the most popular items that together take ``share`` of the interactions.

    Items are taken in order of popularity (ties by index) until the running total reaches
    ``share`` of all interactions, the item that crosses the line included (as in Elliot).
    """
    pop = np.asarray(popularity, float)
    order = np.argsort(-pop, kind="stable")
    before = np.cumsum(pop[order]) - pop[order]
    head = np.zeros(len(pop), bool)
    head[order[(before < share * pop.sum()) & (pop[order] > 0)]] = True
    return head


def list_popularity(ranked, popularity, *, k: int = 10) -> np.ndarray:
    """``[U]`` mean popularity of each user's top-``k`` items (NaN for an empty list)."""
    top = np.asarray(ranked)[:, :k]
    real = top >= 0
    pop = np.asarray(popularity, float)[np.maximum(top, 0)] * real
    n = real.sum(1)
    return np.divide(pop.sum(1), n, out=np.full(len(n), np.nan), where=n > 0)


def history_popularity(history: sp.csr_matrix, popularity) -> np.ndarray:
    """``[U]`` mean popularity of each user's history items (NaN for an empty history)."""
    n = np.asarray(history.sum(1)).ravel()
    total = history @ np.asarray(popularity, float)
    return np.divide(total, n, out=np.full(len(n), np.nan), where=n > 0)


def arp(ranked, popularity, *, k: int = 10) -> float:
    """Average recommendation popularity over users with a non-empty list."""
    return float(np.nanmean(list_popularity(ranked, popularity, k=k)))


def aplt(ranked, long_tail, *, k: int = 10) -> float:
    """Average percentage (as a share in [0, 1]) of long-tail items in the top-``k``.

    Args:
        long_tail: ``[N]`` bool, e.g. ``~short_head(popularity)``.
    """
    top = np.asarray(ranked)[:, :k]
    real = top >= 0
    tail = np.asarray(long_tail, bool)[np.maximum(top, 0)] & real
    n = real.sum(1)
    return float(np.mean(tail.sum(1)[n > 0] / n[n > 0]))


def popularity_lift(ranked, history: sp.csr_matrix, popularity, *, k: int = 10) -> float:
    """``(ARP(lists) - ARP(histories)) / ARP(histories)`` over the same users."""
    rec = list_popularity(ranked, popularity, k=k)
    hist = history_popularity(history, popularity)
    ok = ~np.isnan(rec) & ~np.isnan(hist)
    base = hist[ok].mean()
    return float((rec[ok].mean() - base) / base) if base > 0 else float("nan")


def _parity(num: np.ndarray, den: np.ndarray) -> float:
    p = np.divide(num, den, out=np.full(len(num), np.nan), where=den > 0)
    if np.isnan(p).any() or p.mean() == 0:
        return float("nan")
    return float(np.std(p) / np.mean(p))


def pop_reo(ranked, relevant, head, *, k: int = 10) -> float:
    """PopREO: ``std / mean`` of the hit rates of relevant short-head and long-tail items.

    ``p_g = (# relevant items of group g in the users' top-k) / (# relevant items of group g)``.
    Relevant items are the held-out ones (not in the user's history under the protocol).

    Args:
        ranked: ``[U, >=k]`` item indices. relevant: ``U`` relevant items (or collections).
        head: ``[N]`` bool short-head mask.
    """
    head = np.asarray(head, bool)
    hits = hits_matrix(ranked, relevant, k=k)
    top = np.asarray(ranked)[:, :k]
    hit_items = top[hits]
    rel = np.concatenate([np.atleast_1d(np.asarray(list(r) if isinstance(r, (set, frozenset)) else r)).ravel()
                          for r in relevant]).astype(np.int64)
    num = np.array([head[hit_items].sum(), (~head[hit_items]).sum()], float)
    den = np.array([head[rel].sum(), (~head[rel]).sum()], float)
    return _parity(num, den)


def pop_rsp(ranked, head, history: sp.csr_matrix, *, k: int = 10) -> float:
    """PopRSP: ``std / mean`` of the recommendation rates of short-head and long-tail items.

    ``p_g = (# top-k slots holding items of g) / sum_u (# items of g not in u's history)``.

    Args:
        head: ``[N]`` bool short-head mask. history: ``[U, N]`` binary history matrix.
    """
    head = np.asarray(head, bool)
    top = np.asarray(ranked)[:, :k]
    shown = top[top >= 0]
    n_users = history.shape[0]
    seen_head = float((history @ head.astype(float)).sum())
    seen_tail = float(history.sum()) - seen_head
    num = np.array([head[shown].sum(), (~head[shown]).sum()], float)
    den = np.array([n_users * head.sum() - seen_head, n_users * (~head).sum() - seen_tail], float)
    return _parity(num, den)
