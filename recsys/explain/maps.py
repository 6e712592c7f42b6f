"""Items on a 2-D map: the model's item vectors (learned id embedding or the full candidate
vector) or the pretrained item text vectors, projected on their first two principal components,
with each item's id, title and first category."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recsys.errors import DataError
from recsys.model.features import to_model_ids
from recsys.model.stages import embedding_model

__all__ = [
    "CANDIDATE_VECTOR",
    "EmbeddingMap",
    "ID_EMBEDDING",
    "NO_TEXT_VECTORS",
    "TEXT_EMBEDDING",
    "VECTOR_KINDS",
    "embedding_map",
    "item_categories",
    "item_vectors",
    "pca_2d",
]

NO_TEXT_VECTORS = (
    "This run has no item text vectors: train it with an items file and the text encoder (without --no-text)."
)
ID_EMBEDDING = "item"
CANDIDATE_VECTOR = "candidate"
TEXT_EMBEDDING = "text"
VECTOR_KINDS = (ID_EMBEDDING, CANDIDATE_VECTOR, TEXT_EMBEDDING)



@dataclass(frozen=True)
class EmbeddingMap:
    """Items on the first two principal components of their vectors.

    Attributes:
        points: One row per item (item-index order, no padding row): ``item_idx``, ``item_id``,
            ``title``, ``category`` (first value of the first category column, ``""`` if none),
            ``x``, ``y``.
        explained_variance_ratio: ``[2]`` share of the variance along ``x`` and ``y``.
    """

    points: pd.DataFrame
    explained_variance_ratio: np.ndarray


def item_categories(dataset, item_idx) -> list[list[str]]:
    """Values of the first category column (e.g. genres) of each item index (``[]`` if none)."""
    items = dataset.items
    if items is None or not items.category_columns:
        return [[] for _ in item_idx]
    ids = [str(i) for i in dataset.item_encoder.inverse_transform(np.asarray(item_idx, dtype=np.int64))]
    values = items.categories(items.category_columns[0]).reindex(ids)
    return [v if isinstance(v, list) else [] for v in values]


def item_vectors(recommender, kind: str = ID_EMBEDDING) -> np.ndarray:
    """``[N, d]`` item vectors in item-index order (the padding row 0 of the tables left out).

    Args:
        kind: ``ID_EMBEDDING``: the learned ``item_embedding`` weights (model ids are item index
            + 1); ``CANDIDATE_VECTOR``: the embedding stage's ``candidate_embedding`` (id plus
            categories, numbers and text), one batched call; ``TEXT_EMBEDDING``: the pretrained
            item text vectors the model reads (``item_text``).

    Raises:
        DataError: ``NO_TEXT_VECTORS`` for ``TEXT_EMBEDDING`` when the run has none.
    """
    model, n = recommender.model, recommender.n_items
    if kind == ID_EMBEDDING:
        return np.asarray(model.get_layer("item_embedding").get_weights()[0][1 : n + 1], dtype=np.float64)
    if kind == TEXT_EMBEDDING:
        if recommender.tables.item_text is None:
            raise DataError(NO_TEXT_VECTORS)
        return np.asarray(recommender.tables.item_text[1 : n + 1], dtype=np.float64)
    if kind != CANDIDATE_VECTOR:
        raise ValueError(f"kind must be one of {VECTOR_KINDS}, got {kind!r}")
    call, _ = recommender.compiled("embedding", embedding_model)
    history = np.zeros((1, recommender.max_len), np.int32)
    candidates = to_model_ids(np.arange(n))[None].astype(np.int32)
    out = call(recommender.model_inputs(history, np.array([-1]), candidates))
    return np.asarray(out["candidate_embedding"].numpy()[0], dtype=np.float64)


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``[M, d]`` vectors -> (``[M, 2]`` coordinates on the first two principal components,
    ``[2]`` explained-variance ratios); zeros where there is no variance (PCA by scikit-learn,
    eigendecomposition of the ``[d, d]`` covariance: deterministic, and much faster than a full SVD
    of ``[M, d]`` for thousands of rows)."""
    from sklearn.decomposition import PCA

    vectors = np.asarray(vectors, dtype=np.float64)
    n = len(vectors)
    components = min(2, n, vectors.shape[1])
    coords, ratio = np.zeros((n, 2)), np.zeros(2)
    if components == 0:
        return coords, ratio
    solver = "covariance_eigh" if vectors.shape[1] <= 4096 else "full"
    pca = PCA(n_components=components, svd_solver=solver).fit(vectors)
    if np.isfinite(pca.explained_variance_ratio_).all():  # all-equal vectors have no variance to explain
        coords[:, :components] = pca.transform(vectors)
        ratio[:components] = pca.explained_variance_ratio_
    return coords, ratio


def embedding_map(vectors: np.ndarray, dataset) -> EmbeddingMap:
    """Item vectors on their first two principal components (``pca_2d``), with ids, titles and
    first categories.

    Args:
        vectors: One row per item index, without the padding row (``item_vectors``).
        dataset: The run's dataset (ids, titles, categories).
    """
    n = len(vectors)
    if n != dataset.n_items:
        raise ValueError(f"expected {dataset.n_items} item vectors (no padding row), got {n}")
    coords, ratio = pca_2d(vectors)
    idx = np.arange(n)
    points = pd.DataFrame({
        "item_idx": idx,
        "item_id": [str(i) for i in dataset.item_encoder.inverse_transform(idx)],
        "title": dataset.titles(idx),
        "category": [c[0] if c else "" for c in item_categories(dataset, idx)],
        "x": coords[:, 0],
        "y": coords[:, 1],
    })
    return EmbeddingMap(points, ratio)
