"""``ease_text``: EASE regularised toward a semantic item-item matrix from item text (after L3AE,
Moon, Park and Lee, "LLM-enhanced linear autoencoders for recommendation", CIKM 2025).

Two closed forms. ``E``: the ``[N, d]`` item text vectors, rows L2-normalised; ``X``: the
``[U, N]`` binary user-item matrix; ``G = X^T X``.

1. Text EASE: the text dimensions play the users, so the Gram matrix is ``E E^T`` and
   ``S = I - P_t diag(1/diag(P_t))``, ``P_t = (E E^T + mu I)^-1`` (zero diagonal). With
   ``K = E (E^T E + mu I)^-1 E^T`` (Woodbury, a ``[d, d]`` inverse), ``P_t = (I - K) / mu`` and
   ``S_ij = K_ij / (1 - K_jj)`` off the diagonal.
2. Interaction EASE pulled toward ``S``: minimise ``||X - X B||^2 + lambda ||B - S||^2`` subject
   to ``diag(B) = 0``. With Lagrange multipliers ``gamma`` for the constraint, the gradient gives
   ``(G + lambda I) B = G + lambda S - diag(gamma)``; with ``P = (G + lambda I)^-1`` and
   ``P G = I - lambda P``::

       B = I + lambda P (S - I) - P diag(gamma),
       gamma_j = (1 + lambda ((P S)_jj - P_jj)) / P_jj      (from B_jj = 0).

   ``S = 0`` gives EASE. Adding a plain L2 term, ``||X - X B||^2 + lambda_2 ||B||^2 + alpha ||B - S||^2``
   equals (up to a constant) the same problem with ``lambda = lambda_2 + alpha`` and prior
   ``(alpha / lambda) S``; ``EASEText`` searches ``lambda_2`` and ``alpha`` (``lambda_2 = 0`` is
   the pure pull toward ``S``). A cold item ``j`` (no training interactions) has ``P e_j = e_j / lambda``
   and ``gamma_j = 0``, so its column is ``lambda P S e_j``: it is scored through the text prior.

``P`` comes from ``recsys.evaluate.ease.GramEigen`` (``P = c I + Q diag(f) Q^T``), so with
``H = Q^T S`` (once per ``S``) ``diag(P S) = (Q * H^T) f`` and a profile's ``x P S = c x S +
((x Q) f) H``: every ``lambda`` costs ``[users, m] x [m, N]`` products, only ``S`` is ``N x N``.
With a ``weight`` column, ``X`` holds ``log(1 + weight)`` (``recsys.evaluate.ease.confidence_matrix``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recsys.errors import TooLargeError
from recsys.evaluate.ease import EASE_MAX_SIZE, GramEigen, confidence_matrix, dtype_for, ease_bytes
from recsys.evaluate.memory import MEMORY_SHARE, too_large

__all__ = ["EASEText", "RegularisedEASE", "text_weights", "ease_text_bytes", "NO_TEXT"]

NO_TEXT = "ease_text needs item text vectors (an items file and the text encoder on); it was skipped."


def text_weights(vectors: np.ndarray, mu: float) -> np.ndarray:
    """``[N, N]`` text EASE weights ``S`` (zero diagonal) from ``[N, d]`` item text vectors."""
    vectors = np.asarray(vectors, dtype=np.float64)
    e = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    dtype = dtype_for(len(e))
    e = e.astype(dtype)
    inner = np.linalg.inv(e.T @ e + mu * np.eye(e.shape[1], dtype=dtype)).astype(dtype)
    k = (e @ inner) @ e.T
    k /= (1.0 - np.diag(k))[None, :]  # in place: one N x N array, not two
    np.fill_diagonal(k, 0.0)
    return k


def ease_text_bytes(n_users: int, n_items: int, chunk: int = 1024) -> int:
    """Estimated peak bytes of ``EASEText.fit``: EASE's (``ease_bytes``), plus three ``[N, N]``
    text weights (the best prior so far, the one being built, a dtype copy) and two ``[m, N]`` ``H``."""
    m = min(n_users, n_items)
    per = np.dtype(dtype_for(n_items)).itemsize
    return ease_bytes(n_users, n_items, chunk) + per * (3 * n_items * n_items + 2 * m * n_items)


@dataclass
class RegularisedEASE:
    """EASE pulled toward a prior ``S`` for every ``lambda`` (see the module docstring).

    Attributes:
        eigen: ``P``'s eigendecomposition for the training interactions.
        prior: ``[N, N]`` ``S`` (zero diagonal).
        h: ``[m, N]`` ``Q^T S``.
        scale: the prior is ``scale * S`` (a new scale costs nothing: ``H`` scales with it).
    """

    eigen: GramEigen
    prior: np.ndarray
    h: np.ndarray
    scale: float = 1.0

    @classmethod
    def fit(cls, eigen: GramEigen, prior: np.ndarray) -> RegularisedEASE:
        prior = prior.astype(eigen.q.dtype, copy=False)
        return cls(eigen=eigen, prior=prior, h=eigen.q.T @ prior)

    def gamma(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        """``([N] diag(P), [N] gamma)`` at ``lam``."""
        c, f = self.eigen._coefficients(lam)
        diag_p = self.eigen.diag_p(lam)
        diag_ps = self.scale * ((self.eigen.q * self.h.T) @ f + c * np.diag(self.prior))
        return diag_p, (1.0 + lam * (diag_ps - diag_p)) / diag_p

    def scores(self, profiles, lam: float, terms=None) -> np.ndarray:
        """``[B, N]`` scores ``x B`` of profiles ``[B, N]`` (sparse or dense rows of ``X``)."""
        c, f = self.eigen._coefficients(lam)
        _, gamma = self.gamma(lam) if terms is None else terms
        x = sp.csr_matrix(profiles, dtype=self.eigen.q.dtype)
        xqf = np.asarray(x @ self.eigen.q) * f
        xp, xps = xqf @ self.eigen.q.T, xqf @ self.h
        if c:
            xp += c * x.toarray()
            xps += c * np.asarray(x @ self.prior)
        xps *= self.scale
        return (x.toarray() + lam * (xps - xp) - xp * gamma).astype(np.float32)

    def weights(self, lam: float) -> np.ndarray:
        """``[N, N]`` weights ``B`` (rows of the identity scored), for small catalogues and tests."""
        return self.scores(np.eye(self.prior.shape[0]), lam)


def _pulled(solver: RegularisedEASE, alpha: float, l2: float) -> RegularisedEASE:
    """``l2 ||B||^2 + alpha ||B - S||^2`` as ``(l2 + alpha) ||B - (alpha / (l2 + alpha)) S||^2``."""
    return replace(solver, scale=alpha / (l2 + alpha))


class EASEText:
    """``ease_text``: EASE regularised toward the text EASE weights (module docstring).

    Minimises ``||X - X B||^2 + l2 ||B||^2 + alpha ||B - S_mu||^2`` (``diag(B) = 0``); ``mu``,
    ``alpha`` and ``l2`` are chosen together by validation NDCG@10 when ``valid`` is given to
    ``fit``, else the middle of each grid. ``lambda_ = l2_ + alpha_``.
    """

    name = "ease_text"

    def __init__(self, text_vectors: np.ndarray | None = None, alphas=(50.0, 100.0, 200.0, 1000.0),
                 l2s=(0.0, 50.0, 100.0, 200.0, 500.0), mus=(1.0, 10.0), chunk: int = 1024,
                 max_size: int = EASE_MAX_SIZE, memory_share: float = MEMORY_SHARE):
        self.text_vectors = text_vectors
        self.alphas, self.l2s, self.mus, self.chunk = tuple(alphas), tuple(l2s), tuple(mus), chunk
        self.max_size, self.memory_share = max_size, memory_share

    def skip_note(self, n_users: int, n_items: int) -> str | None:
        """Why a fit on ``n_users x n_items`` must not start (``N x N`` text weights over
        ``max_size`` items, or too little memory), or None."""
        return too_large(
            "ease_text",
            size=n_items,
            max_size=self.max_size,
            n_users=n_users,
            n_items=n_items,
            what=f"text weights between every two of the {n_items:,} items",
            need=ease_text_bytes(n_users, n_items, self.chunk),
            memory_share=self.memory_share,
        )

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> EASEText:
        if self.text_vectors is None:
            raise ValueError(NO_TEXT)
        if len(self.text_vectors) != n_items:
            raise ValueError(f"ease_text: {len(self.text_vectors)} text vectors for {n_items} items.")
        note = self.skip_note(n_users, n_items)
        if note:
            raise TooLargeError(note)
        self.n_users_, self.n_items_ = n_users, n_items
        x = confidence_matrix(train, n_users, n_items)
        eigen = GramEigen.fit(x)
        if valid is None:
            self.mu_, self.alpha_, self.l2_ = (grid[len(grid) // 2] for grid in (self.mus, self.alphas, self.l2s))
            self.solver_ = _pulled(RegularisedEASE.fit(eigen, text_weights(self.text_vectors, self.mu_)),
                                   self.alpha_, self.l2_)
        else:
            self._validate(eigen, x[valid["user_idx"].to_numpy()], valid["item_idx"].to_numpy())
        self.lambda_ = self.l2_ + self.alpha_
        return self

    def _validate(self, eigen: GramEigen, profile: sp.csr_matrix, targets: np.ndarray) -> None:
        """Every ``(mu, alpha, l2)`` of the grids by validation NDCG@10; keeps the best."""
        from recsys.ranking.metrics import ndcg

        seen = np.split(profile.indices, profile.indptr[1:-1])
        self.validation_, best = {}, None
        for mu in self.mus:
            base = RegularisedEASE.fit(eigen, text_weights(self.text_vectors, mu))
            for alpha in self.alphas:
                for l2 in self.l2s:
                    solver = _pulled(base, alpha, l2)
                    self.validation_[(mu, alpha, l2)] = ndcg(self._top10(solver, profile, l2 + alpha, seen), targets, k=10)
                    if best is None or self.validation_[(mu, alpha, l2)] > self.validation_[best]:
                        best, self.solver_ = (mu, alpha, l2), solver
        self.mu_, self.alpha_, self.l2_ = best

    def _top10(self, solver: RegularisedEASE, profile: sp.csr_matrix, lam: float, seen: list) -> np.ndarray:
        """``[B, 10]`` top items of each profile, ``chunk`` users at a time (no ``[B, N]`` scores)."""
        from recsys.ranking import top_k

        terms, c = solver.gamma(lam), self.chunk
        parts = [
            top_k(solver.scores(profile[i : i + c], lam, terms), 10, seen[i : i + c])[0]
            for i in range(0, profile.shape[0], c)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, 10), np.int64)

    def _scores(self, solver: RegularisedEASE, profile: sp.csr_matrix, lam: float) -> np.ndarray:
        terms = solver.gamma(lam)
        parts = [solver.scores(profile[i : i + self.chunk], lam, terms) for i in range(0, profile.shape[0], self.chunk)]
        return np.concatenate(parts) if parts else np.zeros((0, self.n_items_), np.float32)

    @property
    def weights_(self) -> np.ndarray:
        """``[N, N]`` item-item weights ``B`` at the chosen ``mu``, ``alpha`` and ``l2``."""
        self._check()
        return self.solver_.weights(self.lambda_)

    def _check(self) -> None:
        from recsys.errors import Msg, NotFittedError

        if not hasattr(self, "solver_"):
            raise NotFittedError(Msg.NOT_FITTED.format(name=type(self).__name__))

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        self._check()
        profile = confidence_matrix(history, self.n_users_, self.n_items_)[np.asarray(user_idx)]
        return self._scores(self.solver_, profile, self.lambda_)
