"""The steps of one item's explanation: a registry of named, timed functions of a shared context.

``explain_item(parts=...)`` runs the requested parts and the steps they need, in registry order;
each step reads the results of the earlier ones from the context, so a caller that shows only
some parts pays only for those.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from recsys.explain.attention import attention_maps
from recsys.explain.counterfactual import counterfactual
from recsys.explain.faithfulness import Faithfulness, faithfulness
from recsys.explain.reason import plain_reason, reason_context
from recsys.explain.scoring import ItemScorer
from recsys.explain.shapley import history_shap
from recsys.explain.side import side_feature_shap
from recsys.explain.why_not import HOLDING_DOWN, why_not, why_not_reason

__all__ = ["PARTS", "REGISTRY", "STEPS", "Context", "Step", "plan", "run_steps"]

UNKNOWN_PART = "Unknown explanation part(s) {parts}; choose from {choices}."


@dataclass
class Context:
    """What the steps share.

    Attributes:
        scorer: The user and the item (``scorer.n`` history items).
        dataset: The run's dataset (titles, item categories for the reason).
        titles: ``[n]`` titles of the history items, oldest first.
        k: Top-K of the counterfactual and of the rank comparison.
        results: Step name -> its result, filled as the steps run.
    """

    scorer: ItemScorer
    dataset: object
    titles: list[str]
    k: int
    results: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """``run(context)``, after the steps named in ``needs``; ``label`` names it while it runs."""

    name: str
    label: str
    run: Callable[[Context], object]
    needs: tuple[str, ...] = ()


def _counterfactual(c: Context):
    return counterfactual(c.scorer, c.results["shap"].values, k=c.k)


def _why_not(c: Context):
    # Below the top-K, the history items holding the item down are re-scored one by one.
    top = 0 if c.results["counterfactual"].direction == "drop" else HOLDING_DOWN
    return why_not(c.scorer, c.results["shap"].values, k=c.k, top=top)


def _faithfulness(c: Context) -> Faithfulness:
    if not c.scorer.n:
        return Faithfulness()  # no history to remove
    return faithfulness(c.scorer, np.asarray(c.results["shap"].values), c.results["attention"].history_weights)


def _reason(c: Context) -> str:
    hist, cf = c.results["shap"], c.results["counterfactual"]
    if cf.direction == "drop":
        context = reason_context(c.dataset, c.scorer.item, c.scorer.items)
        return plain_reason(hist, c.results["side_shap"], context=context)
    return why_not_reason(hist.values, c.titles, cf.original_rank, c.k)


REGISTRY = {step.name: step for step in (
    Step("attention", "attention maps", lambda c: attention_maps(c.scorer)),
    Step("shap", "SHAP values of the history items", lambda c: history_shap(c.scorer, c.titles)),
    Step("side_shap", "SHAP values of the side features", lambda c: side_feature_shap(c.scorer)),
    Step("counterfactual", "counterfactual", _counterfactual, ("shap",)),
    Step("why_not", "rank and gap to the top-K", _why_not, ("shap", "counterfactual")),
    Step("faithfulness", "faithfulness (deletion curves)", _faithfulness, ("shap", "attention")),
    Step("reason", "plain-language reason", _reason, ("shap", "side_shap", "counterfactual")),
)}
PARTS = tuple(REGISTRY)
STEPS = {name: step.label for name, step in REGISTRY.items()}


def plan(parts: Iterable[str] | None = None) -> list[str]:
    """The steps to run for ``parts`` (default: all of ``PARTS``): the parts and every step they
    need, in registry order.

    Raises:
        ValueError: a part that is not in ``PARTS``.
    """
    wanted = set(PARTS if parts is None else parts)
    if unknown := wanted - set(PARTS):
        raise ValueError(UNKNOWN_PART.format(parts=", ".join(sorted(unknown)), choices=", ".join(PARTS)))
    for name in reversed(PARTS):  # a step needs only earlier ones, so one backward pass closes the set
        if name in wanted:
            wanted.update(REGISTRY[name].needs)
    return [name for name in PARTS if name in wanted]


def run_steps(context: Context, names: list[str],
              progress: Callable[[str, int, int], None] | None = None) -> dict[str, float]:
    """Run the steps ``names`` in order into ``context.results``; returns milliseconds per step.

    ``progress(label, done, total)`` is called before each step and once more with
    ``("done", total, total)`` at the end.
    """
    timings = {}
    for done, name in enumerate(names):
        if progress is not None:
            progress(REGISTRY[name].label, done, len(names))
        t0 = time.perf_counter()
        context.results[name] = REGISTRY[name].run(context)
        timings[name] = 1000 * (time.perf_counter() - t0)
    if progress is not None:
        progress("done", len(names), len(names))
    return timings
