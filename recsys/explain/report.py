"""An explanation as files a data scientist can keep: JSON (everything, nested) and one long table
for CSV (one row per number, with its section and the item or feature it belongs to).

The table is plain data: write it through a formula-safe CSV writer (item titles are user data;
the Explain page uses one), never with a bare ``DataFrame.to_csv``.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from recsys.explain.explanation import ItemExplanation

__all__ = ["TABLE_COLUMNS", "explanation_json", "explanation_table"]

TABLE_COLUMNS = ["section", "name", "item_id", "title", "value", "shap", "attention"]


def _finite(value):
    """NaN and infinities become ``None`` (JSON has no NaN), recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def explanation_json(e: ItemExplanation) -> str:
    """``e.to_dict()`` as strict JSON text (NaN written as ``null``)."""
    return json.dumps(_finite(e.to_dict()), indent=2, allow_nan=False)


def _row(section: str, name: str, value=None, item: dict | None = None, shap=None, attention=None) -> dict:
    item = item or {}
    return {"section": section, "name": name, "item_id": item.get("item_id"), "title": item.get("title"),
            "value": value, "shap": shap, "attention": attention}


def explanation_table(e: ItemExplanation) -> pd.DataFrame:
    """One long table (``TABLE_COLUMNS``) of the numbers in ``e.to_dict()``: the summary (user,
    item, rank, score, reason), each history item's SHAP value and attention weight, each side
    feature's SHAP value, the counterfactual, rank and gap to the top-K with the history items
    holding the item down, and the faithfulness scores. Self-attention maps and deletion curves
    are in the JSON only. Parts not computed (``explain_item(parts=...)``) have no rows."""
    d = _finite(e.to_dict())
    item = {"item_id": d["item"]["id"], "title": d["item"]["title"]}
    rows = [_row("summary", "user", d["user"]), _row("summary", "item", item=item),
            _row("summary", "rank", d["item"]["rank"], item), _row("summary", "score", d["score"], item),
            _row("summary", "base value (empty history)", d["base_value"]), _row("summary", "reason", d["reason"])]
    rows += [_row("history", "position in history (1 = oldest)", i, h, h["shap"], h["attention"])
             for i, h in enumerate(d["history"], 1)]
    if d["side_features"] is not None:
        rows += [_row("side feature", f["name"], f["value"], shap=f["shap"]) for f in d["side_features"]]
        rows.append(_row("side feature", "base value (no side features)", d["side_base_value"]))
    if (cf := d["counterfactual"]) is not None:
        rows += [_row("counterfactual", key, cf[key]) for key in ("direction", "found", "original_rank", "new_rank")]
        rows += [_row("counterfactual", "removed", j, e.item_ref(i)) for j, i in enumerate(e.counterfactual.removed, 1)]
    if d["why_not"] is not None:
        w = d["why_not"]
        rows += [_row("rank", key, w[key]) for key in ("rank", "k", "score", "gap", "in_history")]
        rows.append(_row("rank", "item at rank k", w["cutoff"]["score"], w["cutoff"]))
        rows += [_row("rank", "holding it down (rank without it)", h["rank_without"], h, h["shap"])
                 for h in w["holding_down"]]
    if (f := d["faithfulness"]) is not None:
        rows += [_row("faithfulness", f"deletion area, {key.removesuffix('_auc')}", f[key])
                 for key in ("shap_auc", "attention_auc", "random_auc")]
        rows += [_row("faithfulness", f"{metric}, {name}", value)
                 for name, scores in (f["eraser"] or {}).items() for metric, value in scores.items()]
    rows += [_row("timing", f"{step} (ms)", ms) for step, ms in d["timings_ms"].items()]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)
