"""The Transformer recommender: a Keras functional model in three named stages.

``scores = model({"history": [B, L], "candidates": [B, C], "user_features": [B, F]})`` is
``[B, C]``: how strongly each candidate is predicted as the user's next item.

Stages and their layers (stable names, reachable with ``model.get_layer(name)``):

- embedding: ``item_embedding`` (ids), ``text_projection`` (pretrained text vectors from the
  frozen ``item_text`` table; with ``ModelConfig.text_whitening="pca"`` first through the frozen
  PCA ``text_whitening``; the other ``ModelConfig.text_adaptor`` choices replace or extend it:
  ``text_adaptor`` (parametric whitening), ``text_experts`` and ``text_expert_gate`` (mixture of
  experts), ``text_delta`` (per-item residual before ``text_projection``), see ``adaptors``),
  ``graph_projection`` (LightGCN item vectors from the frozen ``item_graph`` table, with
  ``use_graph``), ``feature_embedding`` (category multi-hots, ``item_features``),
  ``numeric_projection`` (``item_numeric``), ``position_embedding``, ``user_embedding``,
  ``graph_user_projection`` (LightGCN user vectors from the frozen ``user_graph`` table, row in
  the last ``user_features`` column, with ``use_graph``; added to the user representation);
  outputs ``history_embedding`` ``[B, L, d]`` and ``candidate_embedding`` ``[B, C, d]``.
- interaction: ``self_attention_{i}`` (causal ``MultiHeadAttention``, scores
  ``[B, heads, L, L]`` via ``attention_model``), ``sequence_output`` ``[B, L, d]``,
  ``user_representation`` ``[B, d]``, ``target_attention`` (candidate -> the K =
  ``ModelConfig.target_window_size`` most recent history items, scores ``[B, heads, C, K]``), its
  output ``target_context`` ``[B, C, d]``.
- output: ``dot_score`` (user . candidate), ``item_bias``, ``output_mlp`` (over target context
  and candidate), summed in ``scores``.

Every graph here (and in ``stages`` and ``edits``) is wired from the blocks of ``towers`` (item
tower, sequence encoder, user tower, scoring head), which share the model's layer objects.
"""

from __future__ import annotations

import keras
from keras import layers

from recsys.model.config import ModelConfig
from recsys.model.features import FeatureTables
from recsys.model.layers import (
    Catalogue,
    FirstRow,
    RealPositions,
    SequenceLogits,
    SliceSeq,
    SubtractRow,
    TakeColumns,
)
from recsys.model.towers import HeadInputs, Wiring, has_layer, head, item_tower
from recsys.text.whitening import fit_whitening

__all__ = [
    "build_model",
    "gated_model",
    "catalogue_model",
    "training_model",
    "has_layer",
]


def build_model(cfg: ModelConfig, tables: FeatureTables) -> keras.Model:
    """Build the scoring model and load the frozen feature tables (and the text whitening, fitted
    here on the catalogue's text vectors with ``text_whitening="pca"``) into it."""
    whitening = None
    if cfg.use_text and cfg.text_whitening == "pca" and tables.item_text is not None:
        whitening = fit_whitening(tables.item_text[1:], cfg.text_whiten_dim)  # row 0 is padding
    w = Wiring(cfg, tables, whitening=whitening)
    history = keras.Input((cfg.max_len,), dtype="int32", name="history")
    candidates = keras.Input((None,), dtype="int32", name="candidates")
    inputs = {"history": history, "candidates": candidates}
    user_features = None
    if (cfg.use_user_features and tables.user_fields) or w.uses_user_graph:
        user_features = keras.Input((tables.user_columns,), dtype="int32", name="user_features")
        inputs["user_features"] = user_features
    ids = layers.Concatenate(axis=1, name="all_item_ids")([history, candidates])
    items = item_tower(w, ids)
    hist_items = SliceSeq(0, cfg.max_len, name="history_items")(items)
    cand = SliceSeq(cfg.max_len, None, name="candidate_embedding")(items)
    scores, _ = head(w, HeadInputs(history, hist_items, cand, candidates, user_features))
    model = keras.Model(inputs, scores, name="reclens_transformer")
    for name, values in (("item_text", tables.item_text), ("item_graph", tables.item_graph),
                         ("user_graph", tables.user_graph),
                         ("item_features", tables.item_features),
                         ("item_numeric", tables.item_numeric)):
        if has_layer(model, name):
            model.get_layer(name).set_table(values)
    if whitening is not None:
        model.get_layer("text_whitening").set_whitening(whitening.mean, whitening.matrix, tables.item_text)
    return model


def gated_model(model: keras.Model, cfg: ModelConfig, tables: FeatureTables) -> keras.Model:
    """The trained model rewired for what-if questions about side features (same weights).

    Extra inputs multiply the *candidate's* looked-up side features: ``text_gate`` ``[B, C, 1]``,
    ``feature_gate`` ``[B, C, V]``, ``numeric_gate`` ``[B, C, Q]`` (those the model has); user
    attributes are hidden by passing token 0 (unknown) in ``user_features``. With all gates 1
    the scores equal ``model``'s.
    """
    w = Wiring(cfg, tables, model)
    inputs = {t.name: keras.Input(t.shape[1:], dtype=t.dtype, name=t.name) for t in model.inputs}
    history, candidates = inputs["history"], inputs["candidates"]
    gates = {}
    for key, table_name in (("text", "item_text"), ("features", "item_features"), ("numeric", "item_numeric")):
        if has_layer(model, table_name):
            width = model.get_layer(table_name).width if key != "text" else 1
            gates[key] = inputs[f"{key}_gate"] = keras.Input((None, width), name=f"{key}_gate")
    hist_items = item_tower(w.tagged("_h"), history)
    cand = item_tower(w.tagged("_c"), candidates, gates=gates)
    scores, _ = head(w.tagged("_g"), HeadInputs(history, hist_items, cand, candidates, inputs.get("user_features")))
    return keras.Model(inputs, scores, name="gated_scores")


def catalogue_model(model: keras.Model, cfg: ModelConfig, tables: FeatureTables) -> keras.Model:
    """The trained model (same weights, same scores) for candidates shared by every row, as when
    a whole catalogue is ranked: ``candidates`` ``[B, C]`` must have identical rows (only the first
    is read). The item tower (id, text, category lookups and projections) then runs once on
    ``[1, C]`` instead of on ``B x C`` ids, and the dot score reads the shared rows, so side
    features (text vectors, categories) barely slow a ranking of the whole catalogue."""
    w = Wiring(cfg, tables, model)
    inputs = {t.name: keras.Input(t.shape[1:], dtype=t.dtype, name=t.name) for t in model.inputs}
    history = inputs["history"]
    ids = FirstRow(name="shared_candidates")(inputs["candidates"])  # [1, C]
    hist_items = item_tower(w.tagged("_h"), history)
    items = item_tower(w.tagged("_s"), ids)  # [1, C, d]
    scores, _ = head(w.tagged("_s"), HeadInputs(history, hist_items, items, ids, inputs.get("user_features"), shared=True))
    return keras.Model(inputs, scores, name="catalogue_scores")


def training_model(model: keras.Model, cfg: ModelConfig | None = None, tables: FeatureTables | None = None,
                   catalogue=None, sampled_head: bool = False, sampled_sequence: bool = False) -> keras.Model:
    """Same weights, two outputs: ``scores`` ``[B, C]`` (last position, the full score) and
    ``sequence_logits`` ``[B, L, C]`` (dot score at every position, SASRec's dense signal).

    Without ``catalogue`` the candidates are an input (``[B, C]``, as in ``model``). With
    ``catalogue`` (``[N]`` model ids, the full-softmax items; needs ``cfg`` and ``tables``) they
    are fixed inside the graph: the item tower runs once per step on ``[1, N]`` ids instead of
    once per row, and the dot scores read the shared rows (same scores, a fraction of the cost).
    Then ``scores`` is the full score of the history prefix ending at the extra input
    ``head_position`` ``[B, 1]`` (``L - 1``: the whole history, as ``model`` scores it; a random
    position per window lets the head learn from every position instead of memorising the last),
    and ``sequence_logits`` is ``[M, N]``: only the batch's M real (non-padding) history
    positions, row by row (``RealPositions``; ``MaskedSoftmaxCE`` reads this layout).

    ``sampled_head``: ``scores`` covers only the catalogue columns given as the extra input
    ``candidate_columns`` ``[B, C]`` (identical rows: the batch's targets plus random items), so
    target attention and the MLP (``[B, heads, C, K]``, the step's costliest part) run on C columns
    instead of N, minus ``column_log_q`` ``[B, C]``, the log of each column's chance to be in the
    step (logQ correction, Bengio & Senecal 2008; Yi et al. 2019: targets are drawn by
    popularity, and without it the head learns to push popular items down).
    ``sampled_sequence``: likewise for ``sequence_logits``, with ``sequence_columns`` and
    ``sequence_log_q``, so the per-position softmax costs ``[M, C]`` instead of ``[M, N]``.
    """
    if catalogue is None:
        return _per_row_trainer(model)
    w = Wiring(cfg, tables, model)
    inputs = {t.name: keras.Input(t.shape[1:], dtype=t.dtype, name=t.name) for t in model.inputs if t.name != "candidates"}
    history = inputs["history"]
    positions = inputs["head_position"] = keras.Input((1,), dtype="int32", name="head_position")
    ids = Catalogue(catalogue, name="catalogue")(history)  # [1, N]
    hist_items = item_tower(w.tagged("_h"), history)
    items = item_tower(w.tagged("_t"), ids)  # [1, N, d]
    head_items, head_ids = (_take_columns(items, ids, inputs, "candidate_columns", "head_rows", "head_ids")
                            if sampled_head else (items, ids))
    scores, seq = head(w.tagged("_t"), HeadInputs(history, hist_items, head_items, head_ids, inputs.get("user_features"),
                                                  shared=True, head_position=positions))
    if sampled_head:  # logQ correction: the sampled softmax then estimates the full one
        log_q = inputs["column_log_q"] = keras.Input((None,), name="column_log_q")
        scores = layers.Subtract(name="sampling_correction")([scores, log_q])
    real = RealPositions(name="real_positions")(seq, history)  # [M, d]: padding needs no logits
    if not sampled_sequence:
        seq_logits = SequenceLogits(name="sequence_logits")(real, items, model.get_layer("item_bias")(ids))
    else:
        seq_items, seq_ids = _take_columns(items, ids, inputs, "sequence_columns", "sequence_rows", "sequence_ids")
        seq_logits = SequenceLogits(name="sampled_sequence_logits")(real, seq_items, model.get_layer("item_bias")(seq_ids))
        seq_log_q = inputs["sequence_log_q"] = keras.Input((None,), name="sequence_log_q")
        seq_logits = SubtractRow(name="sequence_logits")(seq_logits, seq_log_q)
    return keras.Model(inputs, {"scores": scores, "sequence_logits": seq_logits}, name="trainer")


def _per_row_trainer(model: keras.Model) -> keras.Model:
    """``training_model`` for candidates given per row: ``model``'s scores plus the dot scores at
    every history position (``[B, L, C]``)."""
    seq_logits = SequenceLogits(name="sequence_logits")(
        model.get_layer("sequence_output").output,
        model.get_layer("candidate_embedding").output,
        model.get_layer("item_bias").output,
    )
    return keras.Model(model.inputs, {"scores": model.output, "sequence_logits": seq_logits}, name="trainer")


def _take_columns(items, ids, inputs: dict, columns: str, rows_name: str, ids_name: str):
    """The catalogue's ``items`` ``[1, N, d]`` and ``ids`` ``[1, N]`` narrowed to the columns of the
    new int input ``columns`` ``[B, C]`` (identical rows), added to ``inputs``."""
    taken = inputs[columns] = keras.Input((None,), dtype="int32", name=columns)
    return TakeColumns(name=rows_name)(items, taken), TakeColumns(name=ids_name)(ids, taken)
