"""EASE (Steck 2019) from one eigendecomposition, whatever the regularisation.

EASE's weights are ``B = I - P diag(1/diag(P))`` with ``P = (X^T X + lambda I)^-1`` (``X``: the
``[U, N]`` user-item matrix, binary or confidence-weighted, see ``confidence_matrix``), so a user's
scores are ``x B = x - (x P) / diag(P)``. Both ``x P`` and ``diag(P)`` follow from one
eigendecomposition for every ``lambda``:

- ``N <= U`` (primal): ``X^T X = V diag(s) V^T`` and ``P = V diag(1 / (s + lambda)) V^T``;
- ``U < N`` (dual, Woodbury): ``X X^T = W diag(s) W^T``, ``Z = X^T W`` and
  ``P = (I - Z diag(1 / (s + lambda)) Z^T) / lambda``.

In both, ``x P = c x + ((x Q) * f) Q^T`` and ``diag(P) = c + (Q * Q) f`` with ``Q`` ``[N, m]``
(``m = min(U, N)``) fixed and only the scalars ``c`` and the ``[m]`` vector ``f`` depending on
``lambda``. Choosing ``lambda`` on validation then costs one ``[users, m] x [m, N]`` product per
candidate instead of one ``N x N`` inverse each, and the ``N x N`` weights are never formed
(``weights`` builds them on request, for small catalogues and tests).

Memory and time grow with ``m``: ``ease_bytes`` estimates the peak before a fit, and EASE is
skipped above ``EASE_MAX_SIZE`` or a share of the available memory (``recsys.evaluate.memory``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse as sp

from recsys.graph.adjacency import interaction_graph

__all__ = ["EASE_MAX_SIZE", "GramEigen", "confidence_matrix", "ease_bytes"]

# Eigendecompositions up to this size run in float64 (fast there); larger ones in float32, which
# halves time and memory at a precision far below the regularisation's scale.
_FLOAT64_UP_TO = 3000

EASE_MAX_SIZE = 10_000
"""EASE is skipped when ``min(users, items)``, the side of the Gram matrix it decomposes, exceeds
this (``ease_text`` when the catalogue does: it holds ``N x N`` text weights). The decomposition's
time grows as the cube of the size: this keeps it to minutes on a two-core laptop. Override with
``max_size`` (``EASE(max_size=...)``, ``EASEText(..., max_size=...)``)."""


def dtype_for(size: int) -> type:
    """float64 up to ``_FLOAT64_UP_TO``, float32 above."""
    return np.float64 if size <= _FLOAT64_UP_TO else np.float32


def ease_bytes(n_users: int, n_items: int, chunk: int = 1024) -> int:
    """Estimated peak bytes of ``GramEigen.fit`` and scoring ``chunk`` users at a time.

    ``m = min(U, N)``: the ``[m, m]`` Gram matrix and its ``[m, m]`` eigenvectors, ``Q`` ``[N, m]``
    (dual only; in the primal it is the eigenvectors), and about six ``[chunk, N]`` score blocks.
    """
    m = min(n_users, n_items)
    size = np.dtype(dtype_for(m)).itemsize
    return size * (2 * m * m + (n_items * m if n_users < n_items else 0) + 6 * min(chunk, n_users) * n_items)


def confidence_matrix(frame: pd.DataFrame, n_users: int, n_items: int) -> sp.csr_matrix:
    """``[U, N]`` CSR ``X``: binary, or with a ``weight`` column (play counts; a repeated pair's
    weights add up, a missing weight counts 1) ``log(1 + weight)`` divided by its root mean square
    over ``frame``'s pairs. The division keeps the scale of binary data (mean square 1), so EASE's
    ``lambda`` grid means the same with and without weights; cosines and rankings ignore it."""
    if "weight" not in frame.columns:
        return interaction_graph(frame, n_users, n_items)
    weight = np.nan_to_num(frame["weight"].to_numpy(np.float64), nan=1.0)
    x = sp.csr_matrix((weight, (frame["user_idx"].to_numpy(), frame["item_idx"].to_numpy())), shape=(n_users, n_items))
    x.sum_duplicates()
    x.data = np.log1p(np.maximum(x.data, 0.0))
    rms = np.sqrt(np.mean(np.square(x.data))) if x.nnz else 1.0
    x.data /= rms if rms > 0 else 1.0
    return x.astype(np.float32)


@dataclass
class GramEigen:
    """The eigendecomposition behind EASE's ``P`` for every ``lambda`` (see the module docstring).

    Attributes:
        q: ``[N, m]`` eigenvectors of ``X^T X`` (primal) or ``Z = X^T W`` (dual).
        s: ``[m]`` eigenvalues (the nonzero spectrum is shared by ``X^T X`` and ``X X^T``).
        dual: Whether ``q`` comes from ``X X^T`` (fewer users than items).
    """

    q: np.ndarray
    s: np.ndarray
    dual: bool

    @classmethod
    def fit(cls, x: sp.spmatrix, dtype=None) -> GramEigen:
        """From the ``[U, N]`` interaction matrix ``x`` (binary or weighted); ``dtype`` by size
        (``dtype_for``) unless given."""
        x = sp.csr_matrix(x)
        dual = x.shape[0] < x.shape[1]
        dtype = dtype or dtype_for(min(x.shape))
        xt = x.astype(dtype)
        gram = (xt @ xt.T if dual else xt.T @ xt).toarray()
        # LAPACK works on gram in place (it is symmetric, so its transpose is the Fortran-order
        # copy LAPACK wants): only the eigenvectors are allocated besides it.
        s, vectors = scipy.linalg.eigh(gram.T, overwrite_a=True, check_finite=False)
        del gram
        s = np.maximum(s, 0.0)  # a Gram matrix is positive semi-definite; clip rounding below 0
        q = np.asarray(xt.T @ vectors) if dual else vectors
        return cls(q=q.astype(dtype, copy=False), s=s.astype(dtype), dual=dual)

    def _coefficients(self, lam: float) -> tuple[float, np.ndarray]:
        if self.dual:
            return 1.0 / lam, -1.0 / (lam * (self.s + lam))
        return 0.0, 1.0 / (self.s + lam)

    def diag_p(self, lam: float, rows: int = 4096) -> np.ndarray:
        """``[N]`` diagonal of ``P`` (``rows`` of ``Q`` at a time: no second ``[N, m]`` array)."""
        c, f = self._coefficients(lam)
        return c + np.concatenate([np.square(self.q[i : i + rows]) @ f for i in range(0, len(self.q), rows)])

    def scores(self, profiles, lam: float, diag_p: np.ndarray | None = None) -> np.ndarray:
        """``[B, N]`` EASE scores ``x B`` of profiles ``[B, N]`` (sparse or dense rows of ``X``)."""
        c, f = self._coefficients(lam)
        dense = profiles.toarray() if sp.issparse(profiles) else np.asarray(profiles)
        dense = dense.astype(self.q.dtype, copy=False)
        xp = ((dense @ self.q) * f) @ self.q.T
        if c:
            xp += c * dense
        d = self.diag_p(lam) if diag_p is None else diag_p
        return (dense - xp / d).astype(np.float32)

    def weights(self, lam: float) -> np.ndarray:
        """``[N, N]`` EASE weights ``B`` (zero diagonal); memory ``N^2``, for small catalogues."""
        b = self.scores(np.eye(self.q.shape[0], dtype=self.q.dtype), lam)
        np.fill_diagonal(b, 0.0)
        return b
