""""Users like you also chose ...": the users most similar to a user who interacted with an item.

Similarity is either the cosine of LightGCN user vectors (``"graph"``) or user-based collaborative
filtering over the binary interaction rows (``"cosine"`` / ``"pearson"``, as ``UserKNN``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recsys.errors import RecLensError
from recsys.graph.adjacency import interaction_graph

__all__ = ["GRAPH_FILE", "BASES", "SIMILARITIES", "user_similarity", "user_similarities", "similar_users_who_chose",
           "save_graph_vectors", "load_graph_vectors"]

SIMILARITIES = ("cosine", "pearson")
GRAPH_FILE = "graph.npz"
BASES = ("graph", *SIMILARITIES)
GRAPH_REFUSED = ("The LightGCN vectors in '{path}' were not loaded ({detail}). Delete the file to fit them again, "
                 "or train the run again.")
NO_GRAPH = "Graph similarity needs LightGCN user vectors; pass user_vectors or choose 'cosine' or 'pearson'."


def user_similarity(x: sp.spmatrix, rows=None, similarity: str = "cosine") -> np.ndarray:
    """``[len(rows), U]`` similarity of the users ``rows`` (default: all) to every user, from the
    binary ``[U, N]`` matrix ``x``.

    ``cosine``: ``c_uv / sqrt(n_u n_v)``; ``pearson`` (the correlation of the two 0/1 rows over
    all N items): ``(c_uv - n_u n_v / N) / sqrt(n_u (1 - n_u/N) n_v (1 - n_v/N))``, with ``c_uv``
    the items both users have and ``n_u`` user u's item count. Users with no items (or, for
    Pearson, with every item) get similarity 0.
    """
    if similarity not in SIMILARITIES:
        raise ValueError(f"similarity must be one of {SIMILARITIES}, got {similarity!r}")
    x = sp.csr_matrix(x, dtype=np.float64)
    rows = np.arange(x.shape[0]) if rows is None else np.asarray(rows)
    counts = np.asarray(x.sum(1)).ravel()
    common = (x[rows] @ x.T).toarray()
    if similarity == "cosine":
        norm = np.sqrt(counts)
        return common / np.maximum(np.outer(norm[rows], norm), 1e-12)
    n = x.shape[1]
    std = np.sqrt(counts * (1.0 - counts / n))
    denom = np.outer(std[rows], std)
    cov = common - np.outer(counts[rows], counts) / n
    return np.where(denom > 0, cov / np.where(denom > 0, denom, 1.0), 0.0)


def user_similarities(user_idx: int, interactions: pd.DataFrame, n_users: int, n_items: int, basis: str = "cosine",
                      user_vectors: np.ndarray | None = None) -> np.ndarray:
    """``[n_users]`` similarity of every user to ``user_idx`` (its own entry included).

    Args:
        basis: ``"graph"`` (cosine of ``user_vectors`` ``[U, d]``), ``"cosine"`` or ``"pearson"``
            (of the binary interaction rows of ``interactions``).
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    if basis == "graph":
        if user_vectors is None:
            raise ValueError(NO_GRAPH)
        v = np.asarray(user_vectors, dtype=np.float64)
        norms = np.linalg.norm(v, axis=1)
        return (v @ v[user_idx]) / np.maximum(norms * norms[user_idx], 1e-12)
    x = interaction_graph(interactions, n_users, n_items)
    return user_similarity(x, [user_idx], basis)[0]


def similar_users_who_chose(user_idx: int, item_idx: int, interactions: pd.DataFrame, similarity: np.ndarray,
                            k: int = 5) -> pd.DataFrame:
    """The ``k`` users most similar to ``user_idx`` (by ``similarity`` ``[U]``) who interacted
    with ``item_idx``, most similar first (ties: lower user index).

    Returns:
        Columns ``user_idx``, ``similarity``, ``shared`` (items both users have).
    """
    chose = np.unique(interactions.loc[interactions["item_idx"] == item_idx, "user_idx"].to_numpy())
    chose = chose[chose != user_idx]
    if len(chose) == 0:
        return pd.DataFrame({"user_idx": np.zeros(0, np.int64), "similarity": np.zeros(0), "shared": np.zeros(0, int)})
    sims = np.asarray(similarity, dtype=np.float64)[chose]
    order = np.lexsort((chose, -sims))[:k]
    top = chose[order]
    mine = set(interactions.loc[interactions["user_idx"] == user_idx, "item_idx"].to_numpy().tolist())
    theirs = interactions[interactions["user_idx"].isin(top)].groupby("user_idx")["item_idx"].apply(set)
    shared = [len(mine & theirs.get(u, set())) for u in top]
    return pd.DataFrame({"user_idx": top, "similarity": sims[order], "shared": shared})


def save_graph_vectors(path, model) -> Path:
    """Write a fitted ``LightGCN``'s user and item vectors to ``path/graph.npz`` (next to a run)."""
    out = Path(path) / GRAPH_FILE
    np.savez(out, user_vectors=model.user_vectors_.astype(np.float32), item_vectors=model.item_vectors_.astype(np.float32),
             best_epoch=model.best_epoch_, epochs=len(model.curve_), allow_pickle=False)
    return out


def load_graph_vectors(path) -> dict | None:
    """``{"user_vectors": [U, d], "item_vectors": [N, d], "best_epoch", "epochs"}`` saved with a run
    by ``save_graph_vectors``, or ``None`` when the run has none.

    Raises:
        RecLensError: the file holds pickled objects (never loaded: a pickle can run code) or is damaged.
    """
    f = Path(path) / GRAPH_FILE
    if not f.exists():
        return None
    try:
        with np.load(f, allow_pickle=False) as npz:
            vectors = {k: npz[k] for k in ("user_vectors", "item_vectors", "best_epoch", "epochs")}
    except (ValueError, OSError, KeyError, EOFError) as err:  # numpy refuses object arrays with ValueError
        raise RecLensError(GRAPH_REFUSED.format(path=f, detail=err)) from None
    if any(v.dtype.kind not in "iuf" for v in vectors.values()):
        raise RecLensError(GRAPH_REFUSED.format(path=f, detail="arrays that are not numbers"))
    return vectors
