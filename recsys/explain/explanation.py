"""One call explains one recommended item: attention, SHAP (history and side features),
counterfactual, faithfulness, a plain-language reason, and how long each part took."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import shap

from recsys.explain.attention import AttentionMaps, attention_maps
from recsys.explain.counterfactual import Counterfactual, counterfactual
from recsys.explain.faithfulness import faithfulness
from recsys.explain.reason import plain_reason, reason_context
from recsys.explain.scoring import ItemScorer
from recsys.explain.shapley import history_shap
from recsys.explain.side import side_feature_shap

__all__ = ["ItemExplanation", "explain_item"]


@dataclass
class ItemExplanation:
    """Everything shown for one recommended item (see ``to_dict`` for the JSON shape)."""

    user_id: str
    item_id: str
    item_title: str
    rank: int
    score: float
    history_titles: list[str]
    history_ids: list[str]
    attention: AttentionMaps
    history_shap: shap.Explanation
    side_shap: shap.Explanation
    counterfactual: Counterfactual
    counterfactual_ids: list[str]
    faithfulness: dict
    reason: str
    timings_ms: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready: user, item, score, base_value, history, side_features, counterfactual,
        faithfulness, reason, timings_ms."""
        target = self.attention.history_weights
        side_data = self.side_shap.data if self.side_shap.data is not None else []
        return {
            "user": self.user_id,
            "item": {"id": self.item_id, "title": self.item_title, "rank": self.rank},
            "score": self.score,
            "base_value": float(np.ravel(self.history_shap.base_values)[0]),
            "history": [
                {"item_id": i, "title": t, "shap": float(v), "attention": float(a)}
                for i, t, v, a in zip(self.history_ids, self.history_titles, self.history_shap.values, target)
            ],
            "side_features": [
                {"name": n, "value": str(d), "shap": float(v)}
                for n, d, v in zip(self.side_shap.feature_names or [], side_data, self.side_shap.values)
            ],
            "side_base_value": float(np.ravel(self.side_shap.base_values)[0]),
            "counterfactual": {
                "removed": self.counterfactual_ids,
                "new_rank": self.counterfactual.new_rank,
                "original_rank": self.counterfactual.original_rank,
                "found": self.counterfactual.found,
            },
            "faithfulness": {k: self.faithfulness[k] for k in ("shap_auc", "attention_auc", "random_auc")}
            | {"eraser": self.faithfulness["eraser"]},
            "reason": self.reason,
            "timings_ms": self.timings_ms,
        }


def explain_item(recommender, dataset, model_config, user_id, item_id=None, rank: int | None = None,
                 k: int = 10, parts=("attention", "shap", "side", "counterfactual", "faithfulness")) -> ItemExplanation:
    """Explain why ``item_id`` (or the item at ``rank``, default 1) is recommended to ``user_id``.

    Args:
        recommender: ``Recommender`` over the users' histories (``Run.recommender()``).
        dataset: The run's dataset (ids, titles).
        model_config: The model's ``ModelConfig``.
        k: Top-K used by the counterfactual ("drops out of the top-K").
    """
    from recsys.errors import DataError

    t_start = time.perf_counter()
    timings = {}
    if user_id not in dataset.user_encoder:
        raise DataError(f"User '{user_id}' is not in this dataset. Pick a user id from the interactions file.")
    user = int(dataset.user_encoder.transform([user_id])[0])
    if item_id is None:
        top, _ = recommender.recommend_indices([user], k=max(rank or 1, k))
        if top[0, (rank or 1) - 1] < 0:
            raise DataError(f"User '{user_id}' has no recommendation at rank {rank}.")
        item = int(top[0, (rank or 1) - 1])
    else:
        if item_id not in dataset.item_encoder:
            raise DataError(f"Item '{item_id}' is not in this dataset.")
        item = int(dataset.item_encoder.transform([item_id])[0])
    scorer = ItemScorer(recommender, model_config, user, item)
    titles = dataset.titles(scorer.items) if scorer.n else []

    t0 = time.perf_counter()
    att = attention_maps(scorer)
    timings["attention"] = 1000 * (time.perf_counter() - t0)
    t0 = time.perf_counter()
    hist = history_shap(scorer, titles)
    timings["shap"] = 1000 * (time.perf_counter() - t0)
    t0 = time.perf_counter()
    side = side_feature_shap(scorer)
    timings["side_shap"] = 1000 * (time.perf_counter() - t0)
    t0 = time.perf_counter()
    cf = counterfactual(scorer, hist.values, k=k)
    timings["counterfactual"] = 1000 * (time.perf_counter() - t0)
    t0 = time.perf_counter()
    faith = faithfulness(scorer, np.asarray(hist.values), att.history_weights) if scorer.n else {
        "curves": {}, "shap_auc": float("nan"), "attention_auc": float("nan"), "random_auc": float("nan"), "eraser": {}}
    timings["faithfulness"] = 1000 * (time.perf_counter() - t0)
    reason = plain_reason(hist, side, context=reason_context(dataset, item, scorer.items))
    timings["total"] = 1000 * (time.perf_counter() - t_start)
    return ItemExplanation(
        user_id=str(user_id),
        item_id=str(dataset.item_encoder.inverse_transform([item])[0]),
        item_title=dataset.titles([item])[0],
        rank=cf.original_rank,
        score=scorer.full_score(),
        history_titles=titles,
        history_ids=[str(x) for x in dataset.item_encoder.inverse_transform(scorer.items)],
        attention=att,
        history_shap=hist,
        side_shap=side,
        counterfactual=cf,
        counterfactual_ids=[str(x) for x in dataset.item_encoder.inverse_transform(np.array(cf.removed, dtype=np.int64))],
        faithfulness=faith,
        reason=reason,
        timings_ms={k2: round(v, 1) for k2, v in timings.items()},
    )
