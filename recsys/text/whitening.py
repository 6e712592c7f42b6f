"""PCA whitening of item text vectors (Su et al. 2021, "Whitening sentence representations";
Zhang et al. 2024, "Are ID embeddings necessary?").

Sentence-encoder vectors are anisotropic: they crowd in a narrow cone, so almost every pair has a
high cosine and the differences between items live in a few directions. Whitening centres the
catalogue's vectors and rescales their principal components to unit variance (optionally keeping
only the top k), so every direction carries information. The transform is fixed (fitted once on
the catalogue, no training): ``whitened = (x - mean) @ matrix``. The model applies it in its
``text_whitening`` layer, which stores ``mean`` and ``matrix`` with the run, so a loaded run and a
new (cold) item's raw text vector are whitened the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Whitening", "fit_whitening", "anisotropy"]

_NULL = 1e-8  # components with variance below this share of the largest are numerically empty


@dataclass(frozen=True)
class Whitening:
    """A fitted whitening: ``mean`` ``[T]`` and ``matrix`` ``[T, k]`` (float32)."""

    mean: np.ndarray
    matrix: np.ndarray

    @property
    def dim(self) -> int:
        """k, the width of whitened vectors."""
        return int(self.matrix.shape[1])

    def transform(self, vectors) -> np.ndarray:
        """``[N, T]`` raw vectors -> ``[N, k]`` whitened vectors."""
        return ((np.asarray(vectors, dtype=np.float64) - self.mean) @ self.matrix).astype(np.float32)


def fit_whitening(vectors, dim: int | None = None, eps: float = 1e-6) -> Whitening:
    """Fit PCA whitening on ``vectors`` ``[N, T]`` (the catalogue's text vectors).

    ``matrix`` holds the top-k principal directions, each scaled by ``1 / sqrt(eigenvalue + eps)``
    and all by ``1 / sqrt(k)``: whitened vectors then have identity covariance up to that one
    factor, which keeps their mean squared norm at 1, the scale of the unit-length raw vectors the
    projection layers are initialised for. ``dim``: k (``None``: all T); k is capped at the number
    of components with non-zero variance (at most ``N - 1``).
    """
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"whitening needs at least 2 vectors as a [N, T] array, got shape {x.shape}.")
    if dim is not None and dim < 1:
        raise ValueError(f"the whitened width must be at least 1, got {dim}.")
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    eig = s**2 / len(x)  # covariance eigenvalues, largest first
    rank = int((eig > _NULL * max(eig[0], 1e-30)).sum())
    k = max(1, min(dim or x.shape[1], rank))
    matrix = vt[:k].T / np.sqrt(eig[:k] + eps) / np.sqrt(k)
    return Whitening(mean.astype(np.float32), matrix.astype(np.float32))


def anisotropy(vectors) -> float:
    """Mean cosine over all pairs of distinct rows of ``vectors`` ``[N, T]`` (0 for isotropic
    vectors; near 1 when they crowd in a narrow cone). Zero rows are left out."""
    x = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1)
    u = x[norms > 0] / norms[norms > 0, None]
    n = len(u)
    if n < 2:
        return float("nan")
    total = u.sum(axis=0)
    return float((total @ total - n) / (n * (n - 1)))  # sum over i != j of u_i . u_j
