"""A plain-language reason built only from what the numbers support."""

from __future__ import annotations

import numpy as np
import shap

__all__ = ["plain_reason"]


def _quote(titles: list[str]) -> str:
    quoted = [f"'{t}'" for t in titles]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _side_clause(feature: str, value: str) -> str:
    if feature == "text match":
        return "its description matches what you have chosen"
    if feature.startswith("your "):
        return f"{feature} ({value}) fits it"
    name = feature.removeprefix("item ")
    return f"it matches your taste in {name}" + ("" if value.endswith(" sd") else f" ({value})")


def plain_reason(history: shap.Explanation, side: shap.Explanation | None = None, max_items: int = 2) -> str:
    """E.g. "Because you chose 'A' and 'B', and it matches your taste in genres (Sci-Fi).".

    History items are named only if their SHAP value is positive and at least 10% of the total
    positive contribution; the top side feature only if its SHAP value is positive and at least
    a quarter of the largest history value. Without such evidence the reason says so instead of
    inventing one.
    """
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
            parts.append(_side_clause(side.feature_names[j], str(side.data[j])))
    if not parts:
        return "No single part of your history stands out: the model recommends this item mostly for its overall fit and popularity."
    text = parts[0] if len(parts) == 1 else f"{parts[0]}, and {parts[1]}"
    if not picked:
        text = text[0].upper() + text[1:]
    return text + "."
