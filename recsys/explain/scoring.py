"""What-if scoring of one recommended item: the model score of a candidate under edited
histories or hidden side features, in batched model calls (never one call per coalition)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from recsys.model.build import gated_model
from recsys.model.edits import history_edit_model, history_items_model
from recsys.model.features import from_model_ids, to_model_ids
from recsys.recommend import Recommender

__all__ = ["ItemScorer"]


class ItemScorer:
    """Scores one candidate for one user under edits.

    Args:
        recommender: A ``Recommender`` (model, tables, histories).
        model_config: The model's ``ModelConfig``.
        user_idx: The user.
        item_idx: The recommended item.

    Attributes:
        history: ``[L]`` model ids of the user's history (left-padded).
        positions: ``[n]`` positions of the real history items in ``history`` (the players).
        items: ``[n]`` item indices of the players, oldest first.
    """

    def __init__(self, recommender: Recommender, model_config, user_idx: int, item_idx: int):
        self.rec, self.cfg = recommender, model_config
        self.user, self.item = int(user_idx), int(item_idx)
        self.history = recommender.history_matrix([self.user])[0]
        self.positions = np.flatnonzero(self.history)
        self.items = from_model_ids(self.history[self.positions])
        self.seen = recommender.seen([self.user])[0]  # all the user's items, also those older than L
        self._scores: dict = {}  # packed keep-mask -> score of the item
        self._catalogue: dict = {}  # packed keep-mask -> [N] scores
        self._history_items = None  # [1, L, d] item tower of the unedited history, computed once

    @property
    def n(self) -> int:
        return len(self.positions)

    def histories(self, keep: np.ndarray) -> np.ndarray:
        """``[M, n]`` bool (True = keep the player) -> ``[M, L]`` histories, hidden players = padding."""
        keep = np.atleast_2d(keep).astype(bool)
        out = np.repeat(self.history[None, :], len(keep), axis=0)
        out[:, self.positions] = np.where(keep, out[:, self.positions], 0)
        return out

    def _memoised(self, memo: dict, keep: np.ndarray, compute) -> np.ndarray:
        """Rows of ``compute(new keep-masks)`` for ``keep`` ``[M, n]``, each distinct mask computed
        once per scorer: SHAP's coalitions, the deletion curves, ERASER and the counterfactuals
        share many (the random deletion orders are SHAP's own sampled orders)."""
        keep = np.atleast_2d(keep).astype(bool)
        keys = [row.tobytes() for row in np.packbits(keep, axis=1)]
        new = {key: row for row, key in enumerate(keys) if key not in memo}
        if new:
            memo.update(zip(new, compute(keep[list(new.values())])))
        return np.stack([memo[key] for key in keys])

    def edited_scores(self, keep: np.ndarray, candidates=None) -> np.ndarray:
        """``[M, n]`` keep-masks -> ``[M, C]`` scores of item indices ``candidates`` (default: the
        whole catalogue), through ``recsys.model.history_edit_model`` (the history's item tower
        runs once), in batches of ``Recommender.batch`` rows."""
        rec, cfg = self.rec, self.cfg
        call, _ = rec.compiled("history edits", lambda m: history_edit_model(m, cfg, rec.tables))
        if self._history_items is None:
            tower, _ = rec.compiled("history items", lambda m: history_items_model(m, cfg, rec.tables))
            self._history_items = tower({"history": tf.constant(self.history[None, :], tf.int32)})
        cand = to_model_ids(np.arange(rec.n_items) if candidates is None else candidates).astype(np.int32)
        keep = np.atleast_2d(keep)
        out = np.empty((len(keep), len(cand)), dtype=np.float32)
        for start in range(0, len(keep), rec.batch):
            rows = self.histories(keep[start : start + rec.batch])
            x = rec.model_inputs(rows, np.full(len(rows), self.user), np.broadcast_to(cand, (len(rows), len(cand))))
            out[start : start + len(rows)] = call(x | {"history_items": self._history_items}).numpy()
        return out

    def score(self, keep: np.ndarray) -> np.ndarray:
        """``[M, n]`` keep-masks -> ``[M]`` scores of the item."""
        return self._memoised(self._scores, keep, lambda rows: self.edited_scores(rows, [self.item])[:, 0])

    def full_score(self) -> float:
        return float(self.score(np.ones((1, self.n)))[0])

    def catalogue_scores(self, keep: np.ndarray) -> np.ndarray:
        """``[M, n]`` keep-masks -> ``[M, N]`` scores of every item."""
        return self._memoised(self._catalogue, keep, self.edited_scores)

    def allowed(self, keep: np.ndarray) -> np.ndarray:
        """``[n]`` keep-mask -> ``[N]`` bool: the items that compete with the item in a ranking (not
        in the user's history, where hidden history items count as never chosen; the item itself)."""
        allowed = np.ones(self.rec.n_items, dtype=bool)
        allowed[self.seen] = False
        allowed[self.items[~np.asarray(keep, bool)]] = True
        allowed[self.item] = True
        return allowed

    def rank(self, keep: np.ndarray) -> np.ndarray:
        """``[M]`` 1-based rank of the item among the items the user does not have (hidden
        history items count as never chosen)."""
        keep = np.atleast_2d(keep).astype(bool)
        scores = self.catalogue_scores(keep)
        return np.array([1 + int((row[self.allowed(mask)] > row[self.item]).sum()) for row, mask in zip(scores, keep)],
                        dtype=np.int64)

    # ---- side features (user attributes, the candidate's categories, numbers, text)

    def _gated(self):
        return self.rec.compiled("gated", lambda m: gated_model(m, self.cfg, self.rec.tables))

    def side_score(self, user_features: np.ndarray, gates: dict) -> np.ndarray:
        """Scores with edited user tokens ``[M, F]`` and candidate gates (``[M, 1, width]`` each)."""
        call, names = self._gated()
        m = len(user_features)
        x = {
            "history": tf.constant(np.repeat(self.history[None, :], m, 0), tf.int32),
            "candidates": tf.constant(np.full((m, 1), to_model_ids([self.item])[0]), tf.int32),
        }
        if "user_features" in names:
            x["user_features"] = tf.constant(user_features, tf.int32)
        for key, value in gates.items():
            if f"{key}_gate" in names:
                x[f"{key}_gate"] = tf.constant(value, tf.float32)
        return call(x).numpy()[:, 0]
