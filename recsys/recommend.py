"""Score the whole catalogue for users in batched model calls, mask what they have, take top-K."""

from __future__ import annotations

import functools
import threading

import numpy as np
import pandas as pd
import tensorflow as tf

from recsys.errors import DataError
from recsys.model.build import catalogue_model
from recsys.model.features import FeatureTables, from_model_ids, to_model_ids
from recsys.model.sequences import last_items

__all__ = ["Recommender", "input_signature", "top_k", "users_per_batch"]


def users_per_batch(n_items: int, window: int, heads: int = 2, budget: float = 4e7) -> int:
    """Users per model call so the ``[B, heads, N, K]`` target-attention tensor (K = ``window``
    history positions) stays ~160 MB."""
    return int(max(1, min(512, budget // max(n_items * window * heads, 1))))


def input_signature(model) -> dict:
    """``{input name: tf.TensorSpec}`` of a Keras model's inputs, every batch and candidate axis
    left free (``None``), so one ``tf.function`` trace serves every batch size and candidate count:
    a new user, item or number of SHAP coalitions never traces the graph again."""
    return {t.name: tf.TensorSpec(tuple(t.shape), tf.as_dtype(t.dtype), name=t.name) for t in model.inputs}


def _inference(model, x):
    return model(x, training=False)


def _traced(model):
    """``model(x, training=False)`` as a ``tf.function`` with one trace for all input shapes.

    A ``partial`` rather than a lambda: TensorFlow counts traces per code object, and the graphs'
    first traces would otherwise add up to a spurious "frequent retracing" warning."""
    return tf.function(functools.partial(_inference, model), input_signature=[input_signature(model)])


def top_k(scores: np.ndarray, k: int, exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """Best ``k`` columns per row, best first.

    Args:
        scores: ``[U, N]`` scores.
        exclude: ``U`` arrays of column indices never to return (items the user has), or None.

    Returns:
        ``(indices [U, k], values [U, k])``; equal scores rank the lower item index first. A
        user with fewer than ``k`` allowed items gets
        index -1 and value ``-inf`` in the remaining slots: excluded items are never returned.
    """
    scores = np.array(scores, dtype=np.float64, copy=True)
    if exclude is not None:
        rows = np.repeat(np.arange(len(exclude)), [len(e) for e in exclude])
        cols = np.concatenate([np.asarray(e, dtype=np.int64) for e in exclude]) if len(rows) else np.zeros(0, int)
        scores[rows, cols] = -np.inf
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    kth = np.take_along_axis(scores, part, axis=1).min(1)
    tied = np.flatnonzero((scores >= kth[:, None]).sum(1) > k)
    if len(tied):  # ties at the cut-off: take the lowest item indices, deterministically
        part[tied] = np.argsort(-scores[tied], axis=1, kind="stable")[:, :k]
    vals = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -vals), axis=1)  # best score first, then lower item index
    idx, vals = np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)
    return np.where(np.isneginf(vals), -1, idx), vals


class Recommender:
    """Scores items for users with a trained model.

    Args:
        model: The scoring model (``recsys.model.build_model``).
        tables: Its feature tables.
        max_len: History length L of the model.
        sequences: ``user_idx -> model ids`` in time order: the histories to recommend from.
        heads: Attention heads (sizes the batches).
        model_config: The model's ``ModelConfig``; with it, rankings run the shared-candidate graph
            (``recsys.model.catalogue_model``: the item tower once per call, not once per user).
    """

    def __init__(self, model, tables: FeatureTables, max_len: int, sequences: dict[int, np.ndarray], heads: int = 2,
                 model_config=None):
        self.model, self.tables, self.max_len, self.sequences = model, tables, max_len, sequences
        self.n_items = tables.n_items
        # Batches are sized by the largest per-user tensor: target attention's [B, heads, N, K]
        # (K: its RecentWindow; runs saved before it had one attend over all L positions), else,
        # without model_config, the per-row item tower's [B, N, width]; else only [B, N] scores.
        names = {layer.name: layer for layer in model.layers}
        window = (names["target_window"].size if "target_window" in names
                  else max_len if "target_attention" in names or model_config is None else 1)
        self.batch = users_per_batch(self.n_items, window, heads)
        self._uses_user_features = any(t.name == "user_features" for t in model.inputs)
        self._call = _traced(model)
        self._compiled: dict = {}
        self._lock = threading.Lock()  # a warm-up thread and a page may ask for the same sub-model
        if model_config is not None:
            self._call, _ = self.compiled("catalogue", lambda m: catalogue_model(m, model_config, tables))

    def compiled(self, name: str, build) -> tuple:
        """``(call, input names)`` of a sub-model built once from this model (``build(model)``),
        wrapped in a ``tf.function`` traced once for every input shape: attention maps and what-if
        scoring reuse it."""
        with self._lock:
            if name not in self._compiled:
                sub = build(self.model)
                self._compiled[name] = (_traced(sub), {t.name for t in sub.inputs})
        return self._compiled[name]

    def traces(self) -> dict[str, int]:
        """How many times each graph has been traced, by ``compiled`` name (``"scores"``: the model
        itself, without a ``model_config``); each stays at 1 once warmed up, whatever users and
        items are explained."""
        calls = {name: call for name, (call, _) in self._compiled.items()}
        if not any(call is self._call for call in calls.values()):
            calls = {"scores": self._call} | calls
        return {name: call.experimental_get_tracing_count() for name, call in calls.items()}

    def model_inputs(self, histories: np.ndarray, user_idx, candidates: np.ndarray) -> dict:
        x = {"history": tf.constant(histories, tf.int32), "candidates": tf.constant(candidates, tf.int32)}
        if self._uses_user_features:
            x["user_features"] = tf.constant(self.tables.user_features(user_idx), tf.int32)
        return x

    def score_histories(self, histories: np.ndarray, user_idx=None, candidates=None) -> np.ndarray:
        """``[U, L]`` model-id histories -> ``[U, N]`` scores in item-index order (or ``[U, C]``
        for ``candidates``, item indices ``[C]`` shared by all rows: ``self._call`` may read the
        first row only)."""
        histories = np.asarray(histories, dtype=np.int32)
        user_idx = np.full(len(histories), -1) if user_idx is None else np.asarray(user_idx)
        cand = to_model_ids(np.arange(self.n_items) if candidates is None else candidates).astype(np.int32)
        out = np.empty((len(histories), len(cand)), dtype=np.float32)
        for start in range(0, len(histories), self.batch):
            stop = min(start + self.batch, len(histories))
            tiled = np.broadcast_to(cand, (stop - start, len(cand)))
            out[start:stop] = self._call(self.model_inputs(histories[start:stop], user_idx[start:stop], tiled)).numpy()
        return out

    def history_matrix(self, user_idx) -> np.ndarray:
        """``[U, L]`` most recent items of each user (model ids, left-padded)."""
        return last_items(self.sequences, user_idx, self.max_len)

    def seen(self, user_idx) -> list[np.ndarray]:
        """Item indices each user already has (never recommended)."""
        empty = np.zeros(0, np.int64)
        return [from_model_ids(self.sequences[int(u)]) if int(u) in self.sequences else empty for u in user_idx]

    def recommend_indices(self, user_idx, k: int = 10, exclude_seen: bool = True):
        """``(items [U, k], scores [U, k])`` item indices for user indices."""
        user_idx = np.asarray(user_idx)
        scores = self.score_histories(self.history_matrix(user_idx), user_idx)
        return top_k(scores, k, self.seen(user_idx) if exclude_seen else None)

    def recommend(self, dataset, user_id, k: int = 10) -> pd.DataFrame:
        """Top-``k`` for one raw user id: ``rank, item_id, title, score``."""
        if user_id not in dataset.user_encoder:
            raise DataError(f"User '{user_id}' is not in this dataset. Pick a user id from the interactions file.")
        u = dataset.user_encoder.transform([user_id])
        items, scores = self.recommend_indices(u, k)
        keep = items[0] >= 0
        items, scores = items[0][keep], scores[0][keep]
        return pd.DataFrame({
            "rank": np.arange(1, len(items) + 1),
            "item_id": dataset.item_encoder.inverse_transform(items),
            "title": dataset.titles(items),
            "score": scores,
        })
