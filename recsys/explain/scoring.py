"""What-if scoring of one recommended item: the model score of a candidate under edited
histories or hidden side features, in batched model calls (never one call per coalition)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from recsys.model.build import gated_model
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

    @property
    def n(self) -> int:
        return len(self.positions)

    def histories(self, keep: np.ndarray) -> np.ndarray:
        """``[M, n]`` bool (True = keep the player) -> ``[M, L]`` histories, hidden players = padding."""
        keep = np.atleast_2d(keep).astype(bool)
        out = np.repeat(self.history[None, :], len(keep), axis=0)
        out[:, self.positions] = np.where(keep, out[:, self.positions], 0)
        return out

    def score(self, keep: np.ndarray) -> np.ndarray:
        """``[M, n]`` keep-masks -> ``[M]`` scores of the item."""
        keep = np.atleast_2d(keep)
        users = np.full(len(keep), self.user)
        return self.rec.score_histories(self.histories(keep), users, candidates=[self.item])[:, 0]

    def full_score(self) -> float:
        return float(self.score(np.ones((1, self.n)))[0])

    def catalogue_scores(self, keep: np.ndarray) -> np.ndarray:
        """``[M, n]`` keep-masks -> ``[M, N]`` scores of every item."""
        keep = np.atleast_2d(keep)
        return self.rec.score_histories(self.histories(keep), np.full(len(keep), self.user))

    def rank(self, keep: np.ndarray) -> np.ndarray:
        """``[M]`` 1-based rank of the item among the items the user does not have (hidden
        history items count as never chosen)."""
        keep = np.atleast_2d(keep).astype(bool)
        scores = self.catalogue_scores(keep)
        ranks = np.empty(len(keep), dtype=np.int64)
        for row, mask in enumerate(keep):
            allowed = np.ones(scores.shape[1], dtype=bool)
            allowed[self.seen] = False
            allowed[self.items[~mask]] = True
            allowed[self.item] = True
            ranks[row] = 1 + int((scores[row][allowed] > scores[row, self.item]).sum())
        return ranks

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
