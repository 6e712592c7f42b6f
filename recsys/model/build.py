"""The Transformer recommender: a Keras functional model in three named stages.

``scores = model({"history": [B, L], "candidates": [B, C], "user_features": [B, F]})`` is
``[B, C]``: how strongly each candidate is predicted as the user's next item.

Stages and their layers (stable names, reachable with ``model.get_layer(name)``):

- embedding: ``item_embedding`` (ids), ``text_projection`` (pretrained text vectors from the
  frozen ``item_text`` table), ``feature_embedding`` (category multi-hots, ``item_features``),
  ``numeric_projection`` (``item_numeric``), ``position_embedding``, ``user_embedding``;
  outputs ``history_embedding`` ``[B, L, d]`` and ``candidate_embedding`` ``[B, C, d]``.
- interaction: ``self_attention_{i}`` (causal ``MultiHeadAttention``, scores
  ``[B, heads, L, L]`` via ``attention_model``), ``sequence_output`` ``[B, L, d]``,
  ``user_representation`` ``[B, d]``, ``target_attention`` (candidate -> history, scores
  ``[B, heads, C, L]``), its output ``target_context`` ``[B, C, d]``.
- output: ``dot_score`` (user . candidate), ``item_bias``, ``output_mlp`` (over target context
  and candidate), summed in ``scores``.
"""

from __future__ import annotations

import keras
from keras import layers

from recsys.model.config import ModelConfig
from recsys.model.features import FeatureTables
from recsys.model.layers import (
    CausalMask,
    LastPosition,
    LookupTable,
    PaddingMask,
    PositionIds,
    RowDot,
    ScoreSum,
    SequenceLogits,
    SliceSeq,
    SumFields,
    TargetMask,
)

__all__ = [
    "build_model",
    "training_model",
    "embedding_model",
    "interaction_model",
    "attention_model",
    "output_model",
    "EMBEDDING_LAYERS",
    "INTERACTION_LAYERS",
    "OUTPUT_LAYERS",
]

EMBEDDING_LAYERS = ("item_embedding", "text_projection", "feature_embedding", "numeric_projection",
                    "position_embedding", "user_embedding", "history_embedding", "candidate_embedding")
INTERACTION_LAYERS = ("self_attention_{i}", "sequence_output", "user_representation", "target_attention",
                      "target_context")
OUTPUT_LAYERS = ("dot_score", "item_bias", "output_mlp", "scores")


def _item_tower(ids, cfg: ModelConfig, tables: FeatureTables):
    """``[B, S]`` model ids -> ``[B, S, d]`` item representations (zero for padding)."""
    n = tables.n_items + 1
    terms = [layers.Embedding(n, cfg.dim, name="item_embedding")(ids)]
    if cfg.use_text and tables.item_text is not None:
        text = LookupTable(n, tables.item_text.shape[1], name="item_text")(ids)
        terms.append(layers.Dense(cfg.dim, name="text_projection")(text))
    if cfg.use_item_features and tables.item_features is not None:
        feats = LookupTable(n, tables.item_features.shape[1], name="item_features")(ids)
        terms.append(layers.Dense(cfg.dim, use_bias=False, name="feature_embedding")(feats))
    if cfg.use_item_features and tables.item_numeric is not None:
        nums = LookupTable(n, tables.item_numeric.shape[1], name="item_numeric")(ids)
        terms.append(layers.Dense(cfg.dim, name="numeric_projection")(nums))
    rep = layers.Add(name="item_sum")(terms) if len(terms) > 1 else terms[0]
    return layers.Multiply(name="item_representation")([rep, PaddingMask(name="item_padding")(ids)])


def _transformer_block(x, mask, pad, i: int, cfg: ModelConfig):
    h = layers.LayerNormalization(epsilon=1e-6, name=f"attention_norm_{i}")(x)
    att, scores = layers.MultiHeadAttention(
        cfg.heads, max(cfg.dim // cfg.heads, 1), dropout=cfg.dropout, name=f"self_attention_{i}"
    )(h, h, attention_mask=mask, return_attention_scores=True)
    x = layers.Add(name=f"attention_residual_{i}")([x, layers.Dropout(cfg.dropout)(att)])
    h = layers.LayerNormalization(epsilon=1e-6, name=f"ffn_norm_{i}")(x)
    h = layers.Dense(cfg.dim, activation="gelu", name=f"ffn_in_{i}")(h)
    h = layers.Dense(cfg.dim, name=f"ffn_out_{i}")(layers.Dropout(cfg.dropout)(h))
    x = layers.Add(name=f"ffn_residual_{i}")([x, layers.Dropout(cfg.dropout)(h)])
    return layers.Multiply(name=f"block_padding_{i}")([x, pad])


def build_model(cfg: ModelConfig, tables: FeatureTables) -> keras.Model:
    """Build the scoring model and load the frozen feature tables into it."""
    history = keras.Input((cfg.max_len,), dtype="int32", name="history")
    candidates = keras.Input((None,), dtype="int32", name="candidates")
    inputs = {"history": history, "candidates": candidates}
    ids = layers.Concatenate(axis=1, name="all_item_ids")([history, candidates])
    items = _item_tower(ids, cfg, tables)
    hist_items = SliceSeq(0, cfg.max_len, name="history_items")(items)
    cand = SliceSeq(cfg.max_len, None, name="candidate_embedding")(items)
    pos = layers.Embedding(cfg.max_len, cfg.dim, name="position_embedding")(PositionIds(name="positions")(history))
    pad = PaddingMask(name="history_padding")(history)
    x = layers.Multiply(name="history_embedding")([layers.Add(name="add_positions")([hist_items, pos]), pad])
    x = layers.Dropout(cfg.dropout, name="embedding_dropout")(x)
    mask = CausalMask(name="causal_mask")(history)
    for i in range(cfg.blocks):
        x = _transformer_block(x, mask, pad, i, cfg)
    seq = layers.LayerNormalization(epsilon=1e-6, name="sequence_output")(x)
    user = LastPosition(name="last_position")(seq)
    if cfg.use_user_features and tables.user_fields:
        user_features = keras.Input((len(tables.user_fields),), dtype="int32", name="user_features")
        inputs["user_features"] = user_features
        attrs = layers.Embedding(len(tables.user_tokens), cfg.dim, name="user_embedding")(user_features)
        user = layers.Add(name="add_user_attributes")([user, SumFields(name="user_attributes")(attrs)])
    user = layers.Identity(name="user_representation")(user)
    terms = [RowDot(name="dot_score")(user, cand),
             layers.Embedding(tables.n_items + 1, 1, embeddings_initializer="zeros", name="item_bias")(candidates)]
    if cfg.target_attention:
        context, ta = layers.MultiHeadAttention(
            cfg.heads, max(cfg.dim // cfg.heads, 1), dropout=cfg.dropout, name="target_attention"
        )(cand, seq, attention_mask=TargetMask(name="target_mask")(history, candidates), return_attention_scores=True)
        context = layers.Identity(name="target_context")(context)
        # [context * candidate, context]: the candidate's match with the history it attends to
        z = layers.Concatenate(name="output_features")([layers.Multiply(name="context_x_candidate")([context, cand]), context])
        mlp = keras.Sequential(
            [layers.Dense(cfg.mlp_units, activation="gelu"), layers.Dense(1, kernel_initializer="zeros")],
            name="output_mlp",
        )
        terms.append(mlp(z))
    scores = ScoreSum(name="scores")(terms)
    model = keras.Model(inputs, scores, name="reclens_transformer")
    for name, values in (("item_text", tables.item_text), ("item_features", tables.item_features),
                         ("item_numeric", tables.item_numeric)):
        if any(layer.name == name for layer in model.layers):
            model.get_layer(name).set_table(values)
    return model


def _has(model: keras.Model, name: str) -> bool:
    return any(layer.name == name for layer in model.layers)


def training_model(model: keras.Model) -> keras.Model:
    """Same weights, two outputs: ``scores`` ``[B, C]`` (last position, the full score) and
    ``sequence_logits`` ``[B, L, C]`` (dot score at every position, SASRec's dense signal)."""
    seq_logits = SequenceLogits(name="sequence_logits")(
        model.get_layer("sequence_output").output,
        model.get_layer("candidate_embedding").output,
        model.get_layer("item_bias").output,
    )
    return keras.Model(model.inputs, {"scores": model.output, "sequence_logits": seq_logits}, name="trainer")


def embedding_model(model: keras.Model) -> keras.Model:
    """Inputs -> ``{"history_embedding": [B, L, d], "candidate_embedding": [B, C, d]}``."""
    names = ("history_embedding", "candidate_embedding")
    return keras.Model(model.inputs, {n: model.get_layer(n).output for n in names}, name="embedding_stage")


def interaction_model(model: keras.Model) -> keras.Model:
    """Inputs -> ``sequence_output`` ``[B, L, d]``, ``user_representation`` ``[B, d]`` and, with
    target attention, ``target_context`` ``[B, C, d]``."""
    names = ["sequence_output", "user_representation"] + (["target_context"] if _has(model, "target_context") else [])
    return keras.Model(model.inputs, {n: model.get_layer(n).output for n in names}, name="interaction_stage")


def attention_model(model: keras.Model) -> keras.Model:
    """Inputs -> attention probabilities: ``self_attention_{i}`` ``[B, heads, L, L]`` and
    ``target_attention`` ``[B, heads, C, L]``."""
    # MultiHeadAttention called with return_attention_scores=True outputs (values, scores).
    outputs = {
        layer.name: layer.output[1]
        for layer in model.layers
        if layer.name.startswith("self_attention_") or layer.name == "target_attention"
    }
    return keras.Model(model.inputs, outputs, name="attention_maps")


def output_model(model: keras.Model) -> keras.Model:
    """The output stage alone: ``{"user_representation": [B, d], "candidate_embedding": [B, C, d],
    "candidates": [B, C], ("target_context": [B, C, d])}`` -> ``scores`` ``[B, C]``; same weights."""
    d = model.get_layer("user_representation").output.shape[-1]
    user = keras.Input((d,), name="user_representation")
    cand = keras.Input((None, d), name="candidate_embedding")
    ids = keras.Input((None,), dtype="int32", name="candidates")
    inputs = {"user_representation": user, "candidate_embedding": cand, "candidates": ids}
    terms = [model.get_layer("dot_score")(user, cand), model.get_layer("item_bias")(ids)]
    if _has(model, "output_mlp"):
        context = keras.Input((None, d), name="target_context")
        inputs["target_context"] = context
        z = layers.Concatenate()([layers.Multiply()([context, cand]), context])
        terms.append(model.get_layer("output_mlp")(z))
    return keras.Model(inputs, ScoreSum()(terms), name="output_stage")
