"""A plain-language reason built only from what the numbers support.

It names what drives the score: the history items by title; a category column by the values the
item shares with the history ("Sci-Fi and Thriller, like 12 of your last 50 items"); the text
vector by what the text was made of (its description only when the items have descriptions,
otherwise its title and categories). Generated column names (``column_7``, from a headerless
file nobody named) are never quoted as if they meant something.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shap

from recsys.data.spec import GENERATED, is_placeholder

__all__ = ["ReasonContext", "plain_reason", "reason_context"]

_QUARTERS = {"q1": "the lowest quarter", "q2": "the second quarter", "q3": "the third quarter",
             "q4": "the highest quarter"}


@dataclass(frozen=True)
class ReasonContext:
    """What the reason may say about side features.

    Attributes:
        shared: Per side feature (``"item genres"``): the candidate's values also found in the
            history, most frequent first, and how many of the history items have one of them.
        history_size: Items in the history the model read.
        text_parts: What the item text was made of, e.g. ``"description"`` or ``"title and genres"``.
    """

    shared: dict = field(default_factory=dict)
    history_size: int = 0
    text_parts: str = "description"


def _quote(titles: list[str]) -> str:
    quoted = [f"'{t}'" for t in titles]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _and(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def _meaningful(value: str) -> list[str]:
    return [v for v in value.split(", ") if v and not GENERATED.match(v) and not is_placeholder(v)]


def _side_clause(feature: str, value: str, context: ReasonContext) -> str:
    if feature == "text match":
        if context.text_parts == "description":
            return "its description matches what you have chosen"
        verb = "reads" if " and " not in context.text_parts else "read"
        return f"its {context.text_parts} {verb} like those of items you have chosen"
    if feature.startswith("your "):
        return f"{feature} ({_QUARTERS.get(value, value)}) fits it"
    name = feature.removeprefix("item ")
    if value.endswith(" sd"):  # a numeric column: its value in standard deviations says little in words
        return f"its {name} fits your taste"
    shared, n_sharing = context.shared.get(feature, ([], 0))
    shared = [v for v in shared if not GENERATED.match(v) and not is_placeholder(v)]
    if shared and context.history_size:
        return f"it is {_and(shared[:3])}, like {n_sharing} of your last {context.history_size} items"
    values = _meaningful(value)
    return f"it gains from its {name}" + (f" ({_and(values[:3])})" if values else "")


def plain_reason(history: shap.Explanation, side: shap.Explanation | None = None, max_items: int = 2,
                 context: ReasonContext | None = None) -> str:
    """E.g. "Because you chose 'A' and 'B', and it is Sci-Fi, like 12 of your last 50 items.".

    History items are named only if their SHAP value is positive and at least 10% of the total
    positive contribution; the top side feature only if its SHAP value is positive and at least
    a quarter of the largest history value. Without such evidence the reason says so instead of
    inventing one.
    """
    context = context or ReasonContext()
    values = np.asarray(history.values, float)
    names = list(history.feature_names or [])
    positive = values[values > 0].sum()
    picked = [i for i in np.argsort(-values) if values[i] > 0 and values[i] >= 0.1 * positive][:max_items]
    parts = []
    if picked:
        parts.append(f"Because you chose {_quote([names[i] for i in picked])}")
    if side is not None and len(side.values):
        s_values = np.asarray(side.values, float)
        j = int(np.argmax(s_values))
        if s_values[j] > 0 and s_values[j] >= 0.25 * max(values.max(initial=0.0), 0.0):
            parts.append(_side_clause(side.feature_names[j], str(side.data[j]), context))
    if not parts:
        return "No single part of your history stands out: the model recommends this item mostly for its overall fit and popularity."
    text = parts[0] if len(parts) == 1 else f"{parts[0]}, and {parts[1]}"
    if not picked:
        text = text[0].upper() + text[1:]
    return text + "."


def _text_parts(items) -> str:
    """What ``recsys.text.item_text`` composed each item's text from, in words."""
    frame = items.frame
    if "text" in frame and frame["text"].astype(str).str.strip().ne("").any():
        return "description"
    named = [c for c in items.category_columns
             if any(_meaningful(", ".join(v)) for v in items.categories(c) if isinstance(v, list))]
    return "title" + (f" and {_and(named)}" if named else "")


def reason_context(dataset, item: int, history: np.ndarray) -> ReasonContext:
    """The shared category values and the text's parts for one item and the history the model read.

    Args:
        dataset: The run's ``Dataset``. item: The candidate's item index.
        history: ``[n]`` item indices of the history.
    """
    items = dataset.items
    if items is None:
        return ReasonContext(history_size=len(history))
    ids = [str(i) for i in dataset.item_encoder.inverse_transform(np.asarray([item, *history], dtype=np.int64))]
    shared = {}
    for column in items.category_columns:
        values = items.categories(column).reindex(ids)
        lists = [v if isinstance(v, list) else [] for v in values]
        own, past = set(lists[0]), lists[1:]
        counts = {v: sum(v in h for h in past) for v in own}
        common = sorted((v for v in own if counts[v]), key=lambda v: (-counts[v], v))
        shared[f"item {column}"] = (common, sum(bool(own & set(h)) for h in past))
    return ReasonContext(shared=shared, history_size=len(history), text_parts=_text_parts(items))
