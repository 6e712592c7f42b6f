"""One call explains one item for one user (a recommended one, or any item: "why not X?"):
attention, SHAP (history and side features), counterfactual, rank and gap to the top-K,
faithfulness, a plain-language reason, and how long each part took. The parts are the steps of
``recsys.explain.steps``; a caller can ask for only the ones it shows."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import shap

from recsys.explain.attention import AttentionMaps
from recsys.explain.counterfactual import Counterfactual
from recsys.explain.faithfulness import Faithfulness
from recsys.explain.scoring import ItemScorer
from recsys.explain.steps import PARTS, STEPS, Context, plan, run_steps
from recsys.explain.why_not import WhyNot

__all__ = ["PARTS", "STEPS", "ItemExplanation", "explain_item"]

UNKNOWN_USER = "User '{user}' is not in this dataset. Pick a user id from the interactions file."
UNKNOWN_ITEM = "Item '{item}' is not in this dataset. Pick an item id from the interactions or items file."
NO_RANK = "User '{user}' has no recommendation at rank {rank}."


def _float(value) -> float | None:
    return None if value is None else float(value)


def _base(explanation: shap.Explanation | None) -> float | None:
    return None if explanation is None else float(np.ravel(explanation.base_values)[0])


@dataclass
class ItemExplanation:
    """Everything shown for one item (see ``to_dict`` for the JSON shape).

    A part that was not asked for (``explain_item(parts=...)``) is ``None``; ``rank`` comes with
    the counterfactual or the why-not part. ``why_not`` holds its rank and gap to the top-K (and,
    below the top-K, the history items holding it down); ``titles`` maps every item index the
    explanation names to ``(id, title)``; ``timings_ms`` the milliseconds of each step run and
    their ``total``.
    """

    user_id: str
    item_id: str
    item_title: str
    rank: int | None
    score: float
    history_titles: list[str]
    history_ids: list[str]
    attention: AttentionMaps | None = None
    history_shap: shap.Explanation | None = None
    side_shap: shap.Explanation | None = None
    counterfactual: Counterfactual | None = None
    counterfactual_ids: list[str] | None = None
    faithfulness: Faithfulness | None = None
    reason: str | None = None
    why_not: WhyNot | None = None
    titles: dict = field(default_factory=dict)
    timings_ms: dict = field(default_factory=dict)

    def item_ref(self, item: int) -> dict:
        """``{"item_id", "title"}`` of an item index named by this explanation."""
        return {"item_id": self.titles[item][0], "title": self.titles[item][1]} if item in self.titles else {
            "item_id": None, "title": None}

    def to_dict(self) -> dict:
        """JSON-ready: user, item, score, base_value, history, side_features, counterfactual,
        why_not, attention, faithfulness, reason, timings_ms (``recsys.explain.report`` writes it);
        a part not computed is ``None`` (in ``history``, its ``shap`` or ``attention`` values)."""
        return {
            "user": self.user_id,
            "item": {"id": self.item_id, "title": self.item_title, "rank": self.rank},
            "score": self.score,
            "base_value": _base(self.history_shap),
            "history": self._history_list(),
            "side_features": self._side_list(),
            "side_base_value": _base(self.side_shap),
            "counterfactual": self._counterfactual_dict(),
            "why_not": self._why_not_dict(),
            "attention": None if self.attention is None else {
                "target": self.attention.target.tolist(),
                "target_window": self.attention.target_window,
                "self_attention": {name: m.tolist() for name, m in self.attention.self_attention.items()},
            },
            "faithfulness": None if self.faithfulness is None else self.faithfulness.to_dict(),
            "reason": self.reason,
            "timings_ms": self.timings_ms,
        }

    def _history_list(self) -> list[dict]:
        missing = [None] * len(self.history_ids)
        values = missing if self.history_shap is None else self.history_shap.values
        weights = missing if self.attention is None else self.attention.history_weights
        return [{"item_id": i, "title": t, "shap": _float(v), "attention": _float(a)}
                for i, t, v, a in zip(self.history_ids, self.history_titles, values, weights)]

    def _side_list(self) -> list[dict] | None:
        side = self.side_shap
        if side is None:
            return None
        data = side.data if side.data is not None else []
        return [{"name": n, "value": str(d), "shap": float(v)} for n, d, v in zip(side.feature_names or [], data, side.values)]

    def _counterfactual_dict(self) -> dict | None:
        cf = self.counterfactual
        if cf is None:
            return None
        return {"removed": self.counterfactual_ids, "new_rank": cf.new_rank, "original_rank": cf.original_rank,
                "found": cf.found, "direction": cf.direction}

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


def _ids(dataset, items) -> list[str]:
    return [str(x) for x in dataset.item_encoder.inverse_transform(np.asarray(items, dtype=np.int64))]


def _named(dataset, scorer: ItemScorer, results: dict) -> dict:
    """``{item index: (id, title)}`` of every item the explanation names."""
    cf, wn = results.get("counterfactual"), results.get("why_not")
    named = [scorer.items, [scorer.item]]
    if cf is not None:
        named.append(cf.removed)
    if wn is not None:
        named += [wn.holding_down["history_item"], [wn.cutoff_item] if wn.cutoff_item >= 0 else []]
    named = np.unique(np.concatenate(named).astype(np.int64))
    return dict(zip(named.tolist(), zip(_ids(dataset, named), dataset.titles(named))))


def _assemble(user_id, c: Context, timings: dict) -> ItemExplanation:
    r, scorer, dataset = c.results, c.scorer, c.dataset
    cf, wn = r.get("counterfactual"), r.get("why_not")
    return ItemExplanation(
        user_id=str(user_id), item_id=_ids(dataset, [scorer.item])[0], item_title=dataset.titles([scorer.item])[0],
        rank=cf.original_rank if cf is not None else (wn.rank if wn is not None else None),
        score=scorer.full_score(), history_titles=c.titles, history_ids=_ids(dataset, scorer.items),
        attention=r.get("attention"), history_shap=r.get("shap"), side_shap=r.get("side_shap"),
        counterfactual=cf, counterfactual_ids=None if cf is None else _ids(dataset, cf.removed),
        faithfulness=r.get("faithfulness"), reason=r.get("reason"), why_not=wn,
        titles=_named(dataset, scorer, r), timings_ms={name: round(ms, 1) for name, ms in timings.items()},
    )


def explain_item(recommender, dataset, model_config, user_id, item_id=None, rank: int | None = None, k: int = 10,
                 progress: Callable[[str, int, int], None] | None = None,
                 parts: Iterable[str] | None = None) -> ItemExplanation:
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
        parts: The parts to compute (names in ``PARTS``; default all), with the steps they need;
            the others are ``None`` in the result.

    Raises:
        DataError: unknown user or item, or no recommendation at ``rank``.
        ValueError: a part not in ``PARTS``.
    """
    t_start = time.perf_counter()
    names = plan(parts)  # unknown parts fail before any scoring
    user, item = _resolve(recommender, dataset, user_id, item_id, rank, k)
    scorer = ItemScorer(recommender, model_config, user, item)
    context = Context(scorer, dataset, dataset.titles(scorer.items) if scorer.n else [], k)
    timings = run_steps(context, names, progress)
    timings["total"] = 1000 * (time.perf_counter() - t_start)
    return _assemble(user_id, context, timings)
