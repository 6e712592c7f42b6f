"""Feature tables the model looks up: item categories and numbers, item text vectors, user
attributes. Built from a ``Dataset``; saved with a run (vocabularies as JSON, tables inside the
``.keras`` model).

Model ids are ``item_idx + 1``: id 0 is the padding item of left-padded histories.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recsys.data.dataset import Dataset

__all__ = ["PAD", "FeatureTables", "build_feature_tables", "to_model_ids", "from_model_ids"]

PAD = 0
_USER_BINS = 4  # numeric user attributes become quartile tokens


def to_model_ids(item_idx) -> np.ndarray:
    return np.asarray(item_idx, dtype=np.int64) + 1


def from_model_ids(ids) -> np.ndarray:
    return np.asarray(ids, dtype=np.int64) - 1


@dataclass
class FeatureTables:
    """Everything the model needs besides ids.

    Attributes:
        n_items: Catalogue size N (model ids ``1..N``).
        item_features: ``[N+1, V]`` float, row-normalised multi-hot of ``column=value`` tokens,
            or ``None``. feature_names: the V tokens.
        item_numeric: ``[N+1, Q]`` float, standardised numeric columns (0 where missing), or
            ``None``. numeric_names: the Q columns.
        item_text: ``[N+1, T]`` float text vectors (row 0 zeros) or ``None``.
        item_graph: ``[N+1, G]`` float LightGCN item vectors (row 0 zeros) or ``None``.
        user_graph: ``[U+1, G]`` float LightGCN user vectors (row ``u + 1`` for user index u, row 0
            zeros for unknown users) or ``None``; when present, ``user_features`` has one more
            column, the row to look up.
        user_tokens: Vocabulary of ``attribute=value`` tokens (index 0 = unknown).
        user_fields: User attribute names, one field each. user_ids: ``[n_users, F]`` int token
            ids per user index (empty when there are no attributes).
    """

    n_items: int
    item_features: np.ndarray | None = None
    feature_names: list[str] = field(default_factory=list)
    item_numeric: np.ndarray | None = None
    numeric_names: list[str] = field(default_factory=list)
    item_text: np.ndarray | None = None
    item_graph: np.ndarray | None = None
    user_graph: np.ndarray | None = None
    user_tokens: list[str] = field(default_factory=lambda: ["<unknown>"])
    user_fields: list[str] = field(default_factory=list)
    user_ids: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))

    @property
    def user_columns(self) -> int:
        """Width of the ``user_features`` input: one per attribute, plus the graph row."""
        return len(self.user_fields) + (self.user_graph is not None)

    @property
    def n_users(self) -> int:
        """Users with a row in these tables."""
        return max(len(self.user_ids), len(self.user_graph) - 1 if self.user_graph is not None else 0)

    def user_features(self, user_idx) -> np.ndarray:
        """``[B, F (+1)]`` int32: attribute token ids for user indices (zeros for unknown users,
        -1), then, with ``user_graph``, the graph row (``u + 1``; 0 for unknown users)."""
        idx = np.asarray(user_idx, dtype=np.int64)
        out = np.zeros((len(idx), self.user_columns), dtype=np.int32)
        known = (idx >= 0) & (idx < len(self.user_ids))
        if self.user_fields:
            out[known, : len(self.user_fields)] = self.user_ids[idx[known]]
        if self.user_graph is not None:
            out[:, -1] = np.where((idx >= 0) & (idx < len(self.user_graph) - 1), idx + 1, 0)
        return out


def _item_tables(dataset: Dataset):
    items = dataset.items
    order = pd.Index(dataset.item_encoder.classes_)
    frame = items.frame.reindex(order)
    tokens: list[str] = []
    rows, cols = [], []
    for column in items.category_columns:
        values = items.categories(column).reindex(order)
        for i, vals in enumerate(values):
            for v in vals if isinstance(vals, list) else []:
                tokens.append(f"{column}={v}")
                rows.append(i + 1)
                cols.append(f"{column}={v}")
    features = names = None
    if tokens:
        names = sorted(set(cols))
        col_index = {t: j for j, t in enumerate(names)}
        features = np.zeros((len(order) + 1, len(names)), dtype=np.float32)
        features[rows, [col_index[c] for c in cols]] = 1.0
        features /= np.maximum(features.sum(1, keepdims=True), 1.0)
    numeric = numeric_names = None
    if items.numeric_columns:
        numeric_names = list(items.numeric_columns)
        values = frame[numeric_names].to_numpy(dtype=np.float64)
        mean, std = np.nanmean(values, 0), np.nanstd(values, 0)
        values = np.nan_to_num((values - mean) / np.where(std > 0, std, 1.0))
        numeric = np.vstack([np.zeros((1, len(numeric_names))), values]).astype(np.float32)
    return features, names or [], numeric, numeric_names or []


def _user_tables(dataset: Dataset):
    users = dataset.users
    order = pd.Index(dataset.user_encoder.classes_)
    frame = users.frame.reindex(order)
    tokens = ["<unknown>"]
    ids = np.zeros((len(order), len(users.attributes)), dtype=np.int32)
    for j, column in enumerate(users.attributes):
        values = frame[column]
        if column in users.schema.numeric:
            ranks = values.rank(pct=True)
            values = ("q" + np.ceil(ranks * _USER_BINS).clip(1, _USER_BINS).astype("Int64").astype(str)).where(ranks.notna())
        values = values.astype(object).where(values.notna(), None)
        for value in pd.unique(values.dropna()):
            tokens.append(f"{column}={value}")
        lookup = {t: k for k, t in enumerate(tokens)}
        ids[:, j] = [lookup.get(f"{column}={v}", 0) if v is not None else 0 for v in values]
    return tokens, list(users.attributes), ids


def build_feature_tables(dataset: Dataset, text_vectors: np.ndarray | None = None,
                         graph_vectors: np.ndarray | None = None,
                         graph_user_vectors: np.ndarray | None = None) -> FeatureTables:
    """Feature tables for a dataset.

    Args:
        dataset: The loaded dataset.
        text_vectors: ``[N, T]`` item text vectors in item-index order, or ``None``.
        graph_vectors: ``[N, G]`` LightGCN item vectors in item-index order, or ``None``.
        graph_user_vectors: ``[U, G]`` LightGCN user vectors in user-index order, or ``None``.
    """
    tables = FeatureTables(n_items=dataset.n_items)
    if dataset.items is not None:
        tables.item_features, tables.feature_names, tables.item_numeric, tables.numeric_names = _item_tables(dataset)
    if text_vectors is not None:
        text = np.asarray(text_vectors, dtype=np.float32)
        tables.item_text = np.vstack([np.zeros((1, text.shape[1]), np.float32), text])
    if graph_vectors is not None:
        graph = np.asarray(graph_vectors, dtype=np.float32)
        tables.item_graph = np.vstack([np.zeros((1, graph.shape[1]), np.float32), graph])
    if graph_user_vectors is not None:
        graph = np.asarray(graph_user_vectors, dtype=np.float32)
        tables.user_graph = np.vstack([np.zeros((1, graph.shape[1]), np.float32), graph])
    if dataset.users is not None and dataset.users.attributes:
        tables.user_tokens, tables.user_fields, tables.user_ids = _user_tables(dataset)
    return tables
