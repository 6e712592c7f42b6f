"""Semantic search over item text vectors: items like a text, items like an item, and a ranking
for a new user who describes their tastes in words instead of having a history.

Every function is one matrix-vector product over the whole catalogue (``[n_items, dim] @
[dim]``) followed by a stable sort, so ties keep item-index order and results are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from recsys.errors import DataError
from recsys.text.messages import TextMsg

__all__ = [
    "cosine_scores",
    "items_like_item",
    "items_like_text",
    "query_vector",
    "recommend_from_text",
    "similar_items",
    "text_to_history_scores",
]


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x, dtype=np.float32), where=norms > 0)


def cosine_scores(vectors: np.ndarray, query_vector: np.ndarray) -> np.ndarray:
    """``[n]`` cosine of each row of ``vectors`` ``[n, dim]`` with ``query_vector`` ``[dim]``
    (0 where either side is the zero vector)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise DataError(TextMsg.BAD_VECTORS.format(shape=vectors.shape))
    q = np.asarray(query_vector, dtype=np.float32).reshape(-1)
    if q.shape[0] != vectors.shape[1]:
        raise DataError(TextMsg.DIM_MISMATCH.format(query=q.shape[0], items=vectors.shape[1]))
    return _unit_rows(vectors) @ _unit_rows(q[None])[0]


def _top_k(scores: np.ndarray, k: int, exclude) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(k, int | np.integer) or k < 1:
        raise DataError(TextMsg.BAD_K.format(k=k))
    scores = np.asarray(scores, dtype=np.float32)
    keep = np.ones(len(scores), dtype=bool)
    if exclude is not None:
        ex = np.asarray(list(exclude) if not isinstance(exclude, np.ndarray) else exclude)
        if ex.dtype == bool:
            keep &= ~ex
        elif ex.size:
            keep[ex.astype(np.int64)] = False
    candidates = np.flatnonzero(keep)
    order = candidates[np.argsort(-scores[candidates], kind="stable")][:k]
    return order.astype(np.int64), scores[order]


def similar_items(vectors: np.ndarray, query_vector: np.ndarray, k: int = 10,
                  exclude: Iterable[int] | np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``vectors`` closest to ``query_vector`` by cosine.

    Args:
        vectors: ``[n_items, dim]`` item vectors (unit rows from ``encode_items``).
        query_vector: ``[dim]``.
        k: How many (fewer when fewer items remain).
        exclude: Item indices (or an ``[n_items]`` bool mask) never returned.

    Returns:
        ``indices`` ``[k]`` int64 and ``cosines`` ``[k]`` float32, best first.
    """
    return _top_k(cosine_scores(vectors, query_vector), k, exclude)


def query_vector(encoder, text: str | Sequence[str]) -> np.ndarray:
    """``[dim]`` unit vector of a text, or of several texts (their mean direction)."""
    texts = [text] if isinstance(text, str) else list(text)
    texts = [t for t in texts if isinstance(t, str) and t.strip()]
    if not texts:
        raise DataError(TextMsg.EMPTY_QUERY)
    vecs = _unit_rows(np.asarray(encoder.encode(texts), dtype=np.float32))
    return _unit_rows(vecs.mean(axis=0)[None])[0]


def items_like_text(text: str | Sequence[str], vectors: np.ndarray, encoder, k: int = 10,
                    exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """Items whose text is closest to a free text. ``encoder`` must be the one that made
    ``vectors`` (for the TF-IDF fallback: the same fitted object)."""
    return similar_items(vectors, query_vector(encoder, text), k, exclude)


def items_like_item(item_index: int, vectors: np.ndarray, k: int = 10, exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """Items closest to item ``item_index`` (never itself)."""
    vectors = np.asarray(vectors)
    if not 0 <= int(item_index) < len(vectors):
        raise DataError(f"item index {item_index} is out of range 0..{len(vectors) - 1}.")
    skip = {int(item_index)} | ({int(i) for i in exclude} if exclude is not None else set())
    return similar_items(vectors, vectors[int(item_index)], k, sorted(skip))


def text_to_history_scores(text: str | Sequence[str], vectors: np.ndarray, encoder) -> np.ndarray:
    """``[n_items]`` cosine of every item with a description of a user's tastes.

    The cold-start path for a user with no history: ``"I like space adventures and heist
    movies"`` scores the whole catalogue; pass several sentences to describe several tastes.
    """
    return cosine_scores(vectors, query_vector(encoder, text))


def recommend_from_text(text: str | Sequence[str], vectors: np.ndarray, encoder, k: int = 10,
                        exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """Cold start: top-``k`` item indices and cosines for a new user's free-text description
    (``items_like_text``); the Recommend page gives them to the model as the new user's history."""
    return items_like_text(text, vectors, encoder, k, exclude)
