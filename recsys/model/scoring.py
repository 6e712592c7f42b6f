"""Score users' histories against the whole catalogue in batched, traced model calls; top-K item
indices with the users' own items masked. ``recsys.recommend.Recommender`` adds raw ids on top."""

from __future__ import annotations

import functools
import threading

import numpy as np
import tensorflow as tf

from recsys.model.build import catalogue_model
from recsys.model.features import FeatureTables, from_model_ids, to_model_ids
from recsys.model.sequences import last_items
from recsys.ranking import top_k

__all__ = ["CatalogueScorer", "input_signature", "users_per_batch"]


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


# Tracing runs Python through the Keras layers; two threads tracing graphs over the same layers at
# once (the warm-up and a page) can fail inside TensorFlow, so first calls take turns.
_TRACE_LOCK = threading.RLock()


class _Traced:
    """``model(x, training=False)`` as a ``tf.function`` with one trace for all input shapes; its
    first call (the trace) holds ``_TRACE_LOCK``, later calls run the traced graph without it.

    A ``partial`` rather than a lambda: TensorFlow counts traces per code object, and the graphs'
    first traces would otherwise add up to a spurious "frequent retracing" warning."""

    def __init__(self, model):
        self.fn = tf.function(functools.partial(_inference, model), input_signature=[input_signature(model)])
        self._traced = False

    def __call__(self, x):
        if self._traced:
            return self.fn(x)
        with _TRACE_LOCK:
            out = self.fn(x)
            self._traced = True
        return out

    def experimental_get_tracing_count(self) -> int:
        return self.fn.experimental_get_tracing_count()


class CatalogueScorer:
    """Scores items for users with a trained model, by item index (training validates with it).

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
        self._call = _Traced(model)
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
                self._compiled[name] = (_Traced(sub), {t.name for t in sub.inputs})
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
