"""One call explains one item for one user (a recommended one, or any item: "why not X?"):
attention, SHAP (history and side features), counterfactual, rank and gap to the top-K,
faithfulness, a plain-language reason, and how long each part took."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shap

from recsys.explain.attention import AttentionMaps, attention_maps
from recsys.explain.counterfactual import Counterfactual, counterfactual
from recsys.explain.faithfulness import Faithfulness, faithfulness
from recsys.explain.reason import plain_reason, reason_context
from recsys.explain.scoring import ItemScorer
from recsys.explain.shapley import history_shap
from recsys.explain.side import side_feature_shap
from recsys.explain.why_not import HOLDING_DOWN, WhyNot, why_not, why_not_reason

__all__ = ["STEPS", "ItemExplanation", "explain_item"]

STEPS = {
    "attention": "attention maps",
    "shap": "SHAP values of the history items",
    "side_shap": "SHAP values of the side features",
    "counterfactual": "counterfactual",
    "why_not": "rank and gap to the top-K",
    "faithfulness": "faithfulness (deletion curves)",
}
UNKNOWN_USER = "User '{user}' is not in this dataset. Pick a user id from the interactions file."
UNKNOWN_ITEM = "Item '{item}' is not in this dataset. Pick an item id from the interactions or items file."
NO_RANK = "User '{user}' has no recommendation at rank {rank}."


@dataclass
class ItemExplanation:
    """Everything shown for one item (see ``to_dict`` for the JSON shape).

    ``why_not`` holds its rank and gap to the top-K (and, below the top-K, the history items
    holding it down); ``titles`` maps every item index the explanation names to ``(id, title)``.
    """

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
    faithfulness: Faithfulness
    reason: str
    why_not: WhyNot | None = None
    titles: dict = field(default_factory=dict)
    timings_ms: dict = field(default_factory=dict)

    def item_ref(self, item: int) -> dict:
        """``{"item_id", "title"}`` of an item index named by this explanation."""
        return {"item_id": self.titles[item][0], "title": self.titles[item][1]} if item in self.titles else {
            "item_id": None, "title": None}

    def to_dict(self) -> dict:
        """JSON-ready: user, item, score, base_value, history, side_features, counterfactual,
        why_not, attention, faithfulness, reason, timings_ms (``recsys.explain.report`` writes it)."""
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
                "direction": self.counterfactual.direction,
            },
            "why_not": self._why_not_dict(),
            "attention": {
                "target": self.attention.target.tolist(),
                "target_window": self.attention.target_window,
                "self_attention": {name: m.tolist() for name, m in self.attention.self_attention.items()},
            },
            "faithfulness": self.faithfulness.to_dict(),
            "reason": self.reason,
            "timings_ms": self.timings_ms,
        }

    def _why_not_dict(self) -> dict | None:
        w = self.why_not
        if w is None:
            return None
        return {
            "rank": w.rank, "k": w.k, "score": w.score, "in_history": w.in_history,
            "cutoff": self.item_ref(w.cutoff_item) | {"score": w.cutoff_score}, "gap": w.gap,
            "holding_down": [self.item_ref(int(r.history_item)) | {"shap": float(r.shap), "rank_without": int(r.rank_without)}
                             for r in w.holding_down.itertuples()],
        }


def _resolve(recommender, dataset, user_id, item_id, rank: int | None, k: int) -> tuple[int, int]:
    """``(user index, item index)`` of the pair to explain."""
    from recsys.errors import DataError

    if user_id not in dataset.user_encoder:
        raise DataError(UNKNOWN_USER.format(user=user_id))
    user = int(dataset.user_encoder.transform([user_id])[0])
    if item_id is None:
        top, _ = recommender.recommend_indices([user], k=max(rank or 1, k))
        if top[0, (rank or 1) - 1] < 0:
            raise DataError(NO_RANK.format(user=user_id, rank=rank))
        return user, int(top[0, (rank or 1) - 1])
    if item_id not in dataset.item_encoder:
        raise DataError(UNKNOWN_ITEM.format(item=item_id))
    return user, int(dataset.item_encoder.transform([item_id])[0])


def explain_item(recommender, dataset, model_config, user_id, item_id=None, rank: int | None = None, k: int = 10,
                 progress: Callable[[str, int, int], None] | None = None) -> ItemExplanation:
    """Explain why ``item_id`` (any catalogue item) or the item at ``rank`` (default 1) is, or is
    not, in ``user_id``'s top-``k``.

    Args:
        recommender: ``Recommender`` over the users' histories (``Run.recommender()``).
        dataset: The run's dataset (ids, titles).
        model_config: The model's ``ModelConfig``.
        k: Top-K of the counterfactual ("drops out of the top-K" / "enters the top-K") and of the
            rank comparison.
        progress: Called as ``progress(step, done, total)`` before each step (``step`` is a value
            of ``STEPS``), and once more with ``done == total`` at the end.
    """
    t_start = time.perf_counter()
    user, item = _resolve(recommender, dataset, user_id, item_id, rank, k)
    scorer = ItemScorer(recommender, model_config, user, item)
    titles = dataset.titles(scorer.items) if scorer.n else []
    timings, results = {}, {}
    steps = {
        "attention": lambda: attention_maps(scorer),
        "shap": lambda: history_shap(scorer, titles),
        "side_shap": lambda: side_feature_shap(scorer),
        "counterfactual": lambda: counterfactual(scorer, results["shap"].values, k=k),
        "why_not": lambda: why_not(scorer, results["shap"].values, k=k,
                                   top=0 if results["counterfactual"].direction == "drop" else HOLDING_DOWN),
        "faithfulness": lambda: faithfulness(scorer, np.asarray(results["shap"].values),
                                             results["attention"].history_weights) if scorer.n else Faithfulness(),
    }
    for done, (name, step) in enumerate(steps.items()):
        if progress is not None:
            progress(STEPS[name], done, len(steps))
        t0 = time.perf_counter()
        results[name] = step()
        timings[name] = 1000 * (time.perf_counter() - t0)
    if progress is not None:
        progress("done", len(steps), len(steps))
    hist, cf, wn = results["shap"], results["counterfactual"], results["why_not"]
    named = np.unique(np.concatenate([scorer.items, cf.removed, wn.holding_down["history_item"],
                                      [item] + ([wn.cutoff_item] if wn.cutoff_item >= 0 else [])]).astype(np.int64))
    timings["total"] = 1000 * (time.perf_counter() - t_start)
    return ItemExplanation(
        user_id=str(user_id),
        item_id=str(dataset.item_encoder.inverse_transform([item])[0]),
        item_title=dataset.titles([item])[0],
        rank=cf.original_rank,
        score=scorer.full_score(),
        history_titles=titles,
        history_ids=[str(x) for x in dataset.item_encoder.inverse_transform(scorer.items)],
        attention=results["attention"],
        history_shap=hist,
        side_shap=results["side_shap"],
        counterfactual=cf,
        counterfactual_ids=[str(x) for x in dataset.item_encoder.inverse_transform(np.array(cf.removed, dtype=np.int64))],
        faithfulness=results["faithfulness"],
        reason=plain_reason(hist, results["side_shap"], context=reason_context(dataset, item, scorer.items))
        if cf.direction == "drop" else why_not_reason(
            hist.values, titles, cf.original_rank, k),
        why_not=wn,
        titles=dict(zip(named.tolist(), zip(map(str, dataset.item_encoder.inverse_transform(named)),
                                             dataset.titles(named)))),
        timings_ms={k2: round(v, 1) for k2, v in timings.items()},
    )
