"""Content-only references: they rank an item by what is known about it (its text vector, its
categories), never by its id, so a cold item (no training interaction) is ranked like a warm one.
Each follows the ``Baseline`` protocol of ``recsys.evaluate.registry``.

- ``text_profile``: cosine between the item's text vector and the mean text vector of the user's history.
- ``text_knn``: item-to-item kNN in text space: the item's largest cosine to any history item.
- ``category_pop``: popularity within category: ``score(u, i) = sum_c C_ic (h_uc + eps) pop_c``
  with ``C`` the item's categories (row-normalised multi-hot), ``h_u`` the share of the user's history
  in each category, ``pop_c`` the mean number of training interactions of a warm item of category
  ``c``; ``eps`` lets the most popular categories order what the user's categories leave tied.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CONTENT_REFERENCES", "CategoryPopularity", "TextKNN", "TextProfile"]

CONTENT_REFERENCES = ("text_profile", "text_knn", "category_pop")


def _unit(vectors: np.ndarray) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _histories(history: pd.DataFrame, user_idx) -> list[np.ndarray]:
    by_user = history.groupby("user_idx")["item_idx"].apply(np.asarray)
    return [by_user.get(u, np.zeros(0, np.int64)) for u in np.asarray(user_idx)]


class TextProfile:
    """``text_profile``: ``[U, N]`` cosine of each item's text vector to the user's mean history vector."""

    name = "text_profile"

    def __init__(self, text_vectors: np.ndarray):
        self.v = _unit(text_vectors)

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> TextProfile:
        return self  # nothing to learn: the text vectors are fixed

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        hist = _histories(history, user_idx)
        profile = np.stack([self.v[h].mean(axis=0) if len(h) else np.zeros(self.v.shape[1], np.float32) for h in hist])
        return _unit(profile) @ self.v.T


class TextKNN:
    """``text_knn``: ``[U, N]`` largest cosine between each item and any item of the user's history."""

    name = "text_knn"

    def __init__(self, text_vectors: np.ndarray):
        self.v = _unit(text_vectors)

    def fit(self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None) -> TextKNN:
        return self

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        out = np.zeros((len(np.asarray(user_idx)), len(self.v)), dtype=np.float32)
        for row, h in enumerate(_histories(history, user_idx)):
            if len(h):
                out[row] = (self.v[h] @ self.v.T).max(axis=0)
        return out


class CategoryPopularity:
    """``category_pop``: popularity within category (module docstring).

    Args:
        categories: ``[N, V]`` item categories, a row-normalised multi-hot (zeros: no category).
    """

    name = "category_pop"

    def __init__(self, categories: np.ndarray, eps: float = 1e-3):
        self.c = np.asarray(categories, dtype=np.float64)
        self.eps = eps

    def fit(
        self, train: pd.DataFrame, n_users: int, n_items: int, valid: pd.DataFrame | None = None
    ) -> CategoryPopularity:
        counts = np.bincount(train["item_idx"].to_numpy(), minlength=n_items).astype(np.float64)
        has = (self.c > 0) & (counts > 0)[:, None]  # warm items of each category
        self.pop_ = (has * counts[:, None]).sum(0) / np.maximum(has.sum(0), 1)
        return self

    def scores(self, user_idx, history: pd.DataFrame) -> np.ndarray:
        share = np.stack(
            [
                (self.c[h] > 0).mean(axis=0) if len(h) else np.zeros(self.c.shape[1])
                for h in _histories(history, user_idx)
            ]
        )
        return ((share + self.eps) * self.pop_) @ self.c.T
