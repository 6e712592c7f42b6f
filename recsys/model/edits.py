"""What-if graphs over one user's history: the trained model scoring many edited copies of one
history (items hidden as padding), as SHAP coalitions, deletion curves and counterfactuals do.

The item tower of the history (id, text, category lookups and projections) gives every copy the
same item representations, hidden items aside, so it runs once per history (``history_items_model``)
and ``history_edit_model`` reads its output instead of recomputing it for each copy.
"""

from __future__ import annotations

import keras
from keras import layers

from recsys.model.config import ModelConfig
from recsys.model.features import FeatureTables
from recsys.model.layers import FirstRow, PaddingMask
from recsys.model.towers import HeadInputs, Wiring, head, item_tower

__all__ = ["history_edit_model", "history_items_model"]


def history_items_model(model: keras.Model, cfg: ModelConfig, tables: FeatureTables) -> keras.Model:
    """``{"history": [B, L]}`` -> ``[B, L, d]`` item representations of the history (zero for
    padding); same weights as ``model``."""
    history = keras.Input((cfg.max_len,), dtype="int32", name="history")
    items = item_tower(Wiring(cfg, tables, model, tag="_h"), history)
    return keras.Model({"history": history}, items, name="history_items")


def history_edit_model(model: keras.Model, cfg: ModelConfig, tables: FeatureTables) -> keras.Model:
    """``model``'s scores (same weights, same values) for edited copies of one history.

    Inputs are ``model``'s plus ``history_items`` ``[1, L, d]``: ``history_items_model`` of the
    unedited history. Each row of ``history`` ``[B, L]`` is a copy of it with some items replaced
    by padding (0); candidates ``[B, C]`` are shared by every row, as in ``catalogue_model``
    (only the first row is read). Output ``[B, C]``.
    """
    w = Wiring(cfg, tables, model)
    inputs = {t.name: keras.Input(t.shape[1:], dtype=t.dtype, name=t.name) for t in model.inputs}
    history = inputs["history"]
    full = inputs["history_items"] = keras.Input((cfg.max_len, cfg.dim), name="history_items")
    hist_items = layers.Multiply(name="edited_history_items")([full, PaddingMask(name="edited_padding")(history)])
    ids = FirstRow(name="shared_candidates")(inputs["candidates"])  # [1, C]
    items = item_tower(w.tagged("_s"), ids)  # [1, C, d]
    scores, _ = head(w.tagged("_e"), HeadInputs(history, hist_items, items, ids, inputs.get("user_features"), shared=True))
    return keras.Model(inputs, scores, name="history_edit_scores")
