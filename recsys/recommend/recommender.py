"""Recommendations by raw ids: a user's top-K unseen items as a table of item ids, titles and scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.errors import DataError
from recsys.model.scoring import CatalogueScorer

__all__ = ["Recommender"]


class Recommender(CatalogueScorer):
    """A ``recsys.model.scoring.CatalogueScorer`` (same arguments: model, feature tables, history
    length, the users' histories) that also recommends by raw user id."""

    @classmethod
    def from_run(cls, run) -> Recommender:
        """The recommender of a saved run (``recsys.train.Run``), over each user's whole history."""
        return run.recommender(cls)

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
