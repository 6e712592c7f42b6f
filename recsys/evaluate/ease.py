"""EASE (Steck 2019) from one eigendecomposition, whatever the regularisation.

EASE's weights are ``B = I - P diag(1/diag(P))`` with ``P = (X^T X + lambda I)^-1`` (``X``: the
``[U, N]`` binary user-item matrix), so a user's scores are ``x B = x - (x P) / diag(P)``. Both
``x P`` and ``diag(P)`` follow from one eigendecomposition for every ``lambda``:

- ``N <= U`` (primal): ``X^T X = V diag(s) V^T`` and ``P = V diag(1 / (s + lambda)) V^T``;
- ``U < N`` (dual, Woodbury): ``X X^T = W diag(s) W^T``, ``Z = X^T W`` and
  ``P = (I - Z diag(1 / (s + lambda)) Z^T) / lambda``.

In both, ``x P = c x + ((x Q) * f) Q^T`` and ``diag(P) = c + (Q * Q) f`` with ``Q`` ``[N, m]``
(``m = min(U, N)``) fixed and only the scalars ``c`` and the ``[m]`` vector ``f`` depending on
``lambda``. Choosing ``lambda`` on validation then costs one ``[users, m] x [m, N]`` product per
candidate instead of one ``N x N`` inverse each, and the ``N x N`` weights are never formed
(``weights`` builds them on request, for small catalogues and tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["GramEigen"]

# Eigendecompositions up to this size run in float64 (fast there); larger ones in float32, which
# halves time and memory at a precision far below the regularisation's scale.
_FLOAT64_UP_TO = 3000


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
    def fit(cls, x: sp.spmatrix) -> GramEigen:
        """From the binary ``[U, N]`` interaction matrix ``x``."""
        x = sp.csr_matrix(x)
        dual = x.shape[0] < x.shape[1]
        m = min(x.shape)
        dtype = np.float64 if m <= _FLOAT64_UP_TO else np.float32
        xt = x.astype(dtype)
        gram = (xt @ xt.T if dual else xt.T @ xt).toarray()
        s, vectors = np.linalg.eigh(gram)
        s = np.maximum(s, 0.0)  # a Gram matrix is positive semi-definite; clip rounding below 0
        q = np.asarray(xt.T @ vectors) if dual else vectors
        return cls(q=q.astype(dtype, copy=False), s=s.astype(dtype), dual=dual)

    def _coefficients(self, lam: float) -> tuple[float, np.ndarray]:
        if self.dual:
            return 1.0 / lam, -1.0 / (lam * (self.s + lam))
        return 0.0, 1.0 / (self.s + lam)

    def diag_p(self, lam: float) -> np.ndarray:
        """``[N]`` diagonal of ``P``."""
        c, f = self._coefficients(lam)
        return c + (self.q * self.q) @ f

    def scores(self, profiles, lam: float, diag_p: np.ndarray | None = None) -> np.ndarray:
        """``[B, N]`` EASE scores ``x B`` of binary profiles ``[B, N]`` (sparse or dense)."""
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
