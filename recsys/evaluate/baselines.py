"""Baselines fitted and evaluated under the same protocol as the model: MostPopular, ItemKNN
(cosine), UserKNN (cosine or Pearson) and EASE (closed form; regularisation chosen on validation).
EASE pulled toward text item-item weights (``ease_text``) is in ``recsys.evaluate.ease_text``.

Each baseline scores users from a *history* of interactions (train for validation, train +
validation for test), ``scores(user_idx, history) -> [U, N]`` (``recsys.evaluate.registry.Baseline``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recsys.errors import Msg, NotFittedError
from recsys.evaluate.ease import GramEigen
from recsys.graph.adjacency import interaction_graph
from recsys.graph.similar_users import SIMILARITIES, user_similarity

__all__ = ["MostPopular", "ItemKNN", "UserKNN", "EASE"]


class _Baseline:
    name = "baseline"

    def _check(self) -> None:
        if not hasattr(self, "n_items_"):
            raise NotFittedError(Msg.NOT_FITTED.format(name=type(self).__name__))

    def _profile(self, user_idx, history: pd.DataFrame) -> sp.csr_matrix:
        return interaction_graph(history, self.n_users_, self.n_items_)[np.asarray(user_idx)]


class MostPopular(_Baseline):
    """Scores every item by its number of training interactions."""

    name = "pop"

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> MostPopular:
        self.n_users_, self.n_items_ = n_users, n_items
        self.counts_ = np.bincount(train["item_idx"].to_numpy(), minlength=n_items).astype(np.float32)
        return self

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        self._check()
        return np.tile(self.counts_, (len(user_idx), 1))


class ItemKNN(_Baseline):
    """Item-based CF: ``score(u, j) = sum_{i in history(u)} cos(i, j)`` over the top-``k``
    neighbours of each item (cosine of the binary user-item columns)."""

    name = "itemknn"

    def __init__(self, k: int = 100):
        self.k = k

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> ItemKNN:
        self.n_users_, self.n_items_ = n_users, n_items
        x = interaction_graph(train, n_users, n_items).tocsc()
        norms = np.sqrt(np.asarray(x.sum(0)).ravel())
        xn = x.multiply(1.0 / np.maximum(norms, 1e-12)).tocsc()
        sim = (xn.T @ xn).toarray()
        np.fill_diagonal(sim, 0.0)
        if self.k < n_items:  # keep each item's k most similar neighbours
            cut = np.argpartition(-sim, self.k - 1, axis=0)[self.k :]
            np.put_along_axis(sim, cut, 0.0, axis=0)
        self.similarity_ = sp.csr_matrix(sim.astype(np.float32))
        return self

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        self._check()
        return np.asarray((self._profile(user_idx, history) @ self.similarity_).todense())


class UserKNN(_Baseline):
    """User-based CF: ``score(u, j) = sum_{v in N_k(u)} sim(u, v) [v has j]``, over the ``k``
    training users most similar to u (positive similarity only; ``similarity`` is ``"cosine"`` or
    ``"pearson"`` on the binary user rows, see ``user_similarity``).

    Neighbourhoods come from the training interactions; the neighbours' items are read from the
    protocol's ``history`` (train for validation, train + validation for test).
    """

    name = "userknn"

    def __init__(self, k: int = 50, similarity: str = "cosine", chunk: int = 1024):
        if similarity not in SIMILARITIES:
            raise ValueError(f"similarity must be one of {SIMILARITIES}, got {similarity!r}")
        self.k, self.similarity, self.chunk = k, similarity, chunk

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> UserKNN:
        self.n_users_, self.n_items_ = n_users, n_items
        x = interaction_graph(train, n_users, n_items)
        parts = []
        for start in range(0, n_users, self.chunk):  # [chunk, U] at a time: memory O(chunk U + U k)
            rows = np.arange(start, min(start + self.chunk, n_users))
            sim = user_similarity(x, rows, self.similarity)
            sim[np.arange(len(rows)), rows] = 0.0
            if self.k < n_users:
                cut = np.argpartition(-sim, self.k - 1, axis=1)[:, self.k :]
                np.put_along_axis(sim, cut, 0.0, axis=1)
            parts.append(sp.csr_matrix(np.maximum(sim, 0.0).astype(np.float32)))
        self.similarity_ = sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, 0), dtype=np.float32)
        return self

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        self._check()
        return np.asarray((self.similarity_[np.asarray(user_idx)] @ interaction_graph(history, self.n_users_,
                                                                                       self.n_items_)).todense())


class EASE(_Baseline):
    """EASE (Steck 2019): ``B = I - P diag(1/diag(P))``, ``P = (X^T X + lambda I)^-1``, zero diagonal.

    ``lambda`` is chosen from ``lambdas`` by validation NDCG@10 when ``valid`` is given to ``fit``.
    One eigendecomposition serves every ``lambda`` (``recsys.evaluate.ease.GramEigen``).
    """

    name = "ease"

    def __init__(self, lambdas=(10.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0), chunk: int = 1024):
        self.lambdas = tuple(lambdas)
        self.chunk = chunk

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> EASE:
        from recsys.ranking import top_k
        from recsys.ranking.metrics import ndcg

        self.n_users_, self.n_items_ = n_users, n_items
        x = interaction_graph(train, n_users, n_items)
        self.factors_ = GramEigen.fit(x)
        if valid is None or len(self.lambdas) == 1:
            self.lambda_ = self.lambdas[len(self.lambdas) // 2] if valid is None else self.lambdas[0]
            return self
        users = valid["user_idx"].to_numpy()
        profile = x[users]
        seen = np.split(profile.indices, profile.indptr[1:-1])
        self.validation_ = {}
        for lam in self.lambdas:
            ranked, _ = top_k(self._scores(profile, lam), 10, seen)
            self.validation_[lam] = ndcg(ranked, valid["item_idx"].to_numpy(), k=10)
        self.lambda_ = max(self.lambdas, key=lambda lam: (self.validation_[lam], -self.lambdas.index(lam)))
        return self

    def _scores(self, profile: sp.csr_matrix, lam: float) -> np.ndarray:
        diag = self.factors_.diag_p(lam)
        parts = [self.factors_.scores(profile[i : i + self.chunk], lam, diag) for i in range(0, profile.shape[0], self.chunk)]
        return np.concatenate(parts) if parts else np.zeros((0, self.n_items_), np.float32)

    @property
    def weights_(self) -> np.ndarray:
        """``[N, N]`` item-item weights ``B`` at the chosen ``lambda`` (formed on request)."""
        self._check()
        return self.factors_.weights(self.lambda_)

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        self._check()
        return self._scores(self._profile(user_idx, history), self.lambda_)
