"""Baselines fitted and evaluated under the same protocol as the model: MostPopular, ItemKNN
(cosine), UserKNN (cosine or Pearson) and EASE (closed form; regularisation chosen on validation).
EASE pulled toward text item-item weights (``ease_text``) is in ``recsys.evaluate.ease_text``.

Each baseline scores users from a *history* of interactions (train for validation, train +
validation for test), ``scores(user_idx, history) -> [U, N]`` (``recsys.evaluate.registry.Baseline``).
When the interactions carry a ``weight`` column (play counts), ItemKNN and EASE read each pair as
``log(1 + weight)`` instead of 1 (``recsys.evaluate.ease.confidence_matrix``), in training and in
the users' profiles alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recsys.errors import Msg, NotFittedError, TooLargeError
from recsys.evaluate.ease import EASE_MAX_SIZE, GramEigen, confidence_matrix, ease_bytes
from recsys.evaluate.memory import MEMORY_SHARE, too_large
from recsys.graph.adjacency import interaction_graph
from recsys.graph.similar_users import SIMILARITIES, user_similarity

__all__ = ["MostPopular", "ItemKNN", "UserKNN", "EASE"]


class _Baseline:
    name = "baseline"

    def _check(self) -> None:
        if not hasattr(self, "n_items_"):
            raise NotFittedError(Msg.NOT_FITTED.format(name=type(self).__name__))

    def _profile(self, user_idx, history: pd.DataFrame) -> sp.csr_matrix:
        return confidence_matrix(history, self.n_users_, self.n_items_)[np.asarray(user_idx)]


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
    """Item-based CF: ``score(u, j) = sum_{i in history(u)} x_ui cos(i, j)`` over the top-``k``
    neighbours of each item (cosine of the user-item columns; ``x`` binary or ``log(1 + weight)``).
    Similarities are computed ``chunk`` items at a time: memory ``O(chunk N + N k)``, not ``N^2``."""

    name = "itemknn"

    def __init__(self, k: int = 100, chunk: int = 512):
        self.k, self.chunk = k, chunk

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> ItemKNN:
        self.n_users_, self.n_items_ = n_users, n_items
        x = confidence_matrix(train, n_users, n_items).tocsc()
        norms = np.sqrt(np.asarray(x.power(2).sum(0)).ravel())
        xn = x.multiply(1.0 / np.maximum(norms, 1e-12)).tocsc()
        blocks = [
            self._neighbours(xn, np.arange(start, min(start + self.chunk, n_items)))
            for start in range(0, n_items, self.chunk)
        ]
        # block rows are columns of the symmetric similarity: item j's neighbours i in row j
        stacked = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, n_items), dtype=np.float32)
        self.similarity_ = stacked.T.tocsr()
        return self

    def _neighbours(self, xn: sp.csc_matrix, items: np.ndarray) -> sp.csr_matrix:
        """``[len(items), N]`` cosine of ``items`` with every item, each row cut to its ``k`` largest."""
        sim = (xn[:, items].T @ xn).toarray()
        sim[np.arange(len(items)), items] = 0.0
        if self.k < self.n_items_:  # keep each item's k most similar neighbours
            cut = np.argpartition(-sim, self.k - 1, axis=1)[:, self.k :]
            np.put_along_axis(sim, cut, 0.0, axis=1)
        return sp.csr_matrix(sim.astype(np.float32))

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
    One eigendecomposition serves every ``lambda`` (``recsys.evaluate.ease.GramEigen``). ``fit``
    refuses (``TooLargeError``, message from ``skip_note``) when ``min(users, items)`` exceeds
    ``max_size`` or the estimated memory exceeds ``memory_share`` of the available memory.
    """

    name = "ease"

    def __init__(
        self,
        lambdas=(10.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0),
        chunk: int = 1024,
        max_size: int = EASE_MAX_SIZE,
        memory_share: float = MEMORY_SHARE,
    ):
        self.lambdas = tuple(lambdas)
        self.chunk, self.max_size, self.memory_share = chunk, max_size, memory_share

    def skip_note(self, n_users: int, n_items: int) -> str | None:
        """Why a fit on ``n_users x n_items`` must not start (too large for this machine), or None."""
        return too_large(
            "EASE",
            size=min(n_users, n_items),
            max_size=self.max_size,
            n_users=n_users,
            n_items=n_items,
            what=f"the smaller of {n_users:,} users and {n_items:,} items",
            need=ease_bytes(n_users, n_items, self.chunk),
            memory_share=self.memory_share,
        )

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> EASE:
        from recsys.ranking.metrics import ndcg

        note = self.skip_note(n_users, n_items)
        if note:
            raise TooLargeError(note)
        self.n_users_, self.n_items_ = n_users, n_items
        x = confidence_matrix(train, n_users, n_items)
        self.factors_ = GramEigen.fit(x)
        if valid is None or len(self.lambdas) == 1:
            self.lambda_ = self.lambdas[len(self.lambdas) // 2] if valid is None else self.lambdas[0]
            return self
        profile = x[valid["user_idx"].to_numpy()]
        seen = np.split(profile.indices, profile.indptr[1:-1])
        self.validation_ = {
            lam: ndcg(self._top10(profile, lam, seen), valid["item_idx"].to_numpy(), k=10) for lam in self.lambdas
        }
        self.lambda_ = max(self.lambdas, key=lambda lam: (self.validation_[lam], -self.lambdas.index(lam)))
        return self

    def _top10(self, profile: sp.csr_matrix, lam: float, seen: list) -> np.ndarray:
        """``[B, 10]`` top items of each profile, ``chunk`` users at a time (no ``[B, N]`` scores)."""
        from recsys.ranking import top_k

        diag, c = self.factors_.diag_p(lam), self.chunk
        parts = [
            top_k(self.factors_.scores(profile[i : i + c], lam, diag), 10, seen[i : i + c])[0]
            for i in range(0, profile.shape[0], c)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, 10), np.int64)

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
