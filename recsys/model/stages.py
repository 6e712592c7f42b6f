"""Per-stage views of a built model (same weights): the embedding, interaction, attention and
output stages that the Model and Explain pages read, and the layer names of each stage."""

from __future__ import annotations

import keras

from recsys.model.layers import ScoreSum
from recsys.model.towers import has_layer, mlp_term

__all__ = ["embedding_model", "interaction_model", "attention_model", "output_model", "EMBEDDING_LAYERS",
           "INTERACTION_LAYERS", "OUTPUT_LAYERS"]

EMBEDDING_LAYERS = ("item_embedding", "text_projection", "text_whitening", "text_adaptor", "text_experts",
                    "text_expert_gate", "text_delta", "graph_projection", "feature_embedding", "numeric_projection",
                    "position_embedding", "user_embedding", "graph_user_projection", "history_embedding",
                    "candidate_embedding")
INTERACTION_LAYERS = ("self_attention_{i}", "sequence_output", "user_representation", "target_attention",
                      "target_context")
OUTPUT_LAYERS = ("dot_score", "item_bias", "output_mlp", "scores")


def embedding_model(model: keras.Model) -> keras.Model:
    """Inputs -> ``{"history_embedding": [B, L, d], "candidate_embedding": [B, C, d]}``."""
    names = ("history_embedding", "candidate_embedding")
    return keras.Model(model.inputs, {n: model.get_layer(n).output for n in names}, name="embedding_stage")


def interaction_model(model: keras.Model) -> keras.Model:
    """Inputs -> ``sequence_output`` ``[B, L, d]``, ``user_representation`` ``[B, d]`` and, with
    target attention, ``target_context`` ``[B, C, d]``."""
    names = ["sequence_output", "user_representation"] + (["target_context"] if has_layer(model, "target_context") else [])
    return keras.Model(model.inputs, {n: model.get_layer(n).output for n in names}, name="interaction_stage")


def attention_model(model: keras.Model) -> keras.Model:
    """Inputs -> attention probabilities: ``self_attention_{i}`` ``[B, heads, L, L]`` and
    ``target_attention`` ``[B, heads, C, K]`` over the K most recent history positions
    (``ModelConfig.target_window_size``: positions ``L - K .. L - 1``)."""
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
    if has_layer(model, "output_mlp"):
        context = keras.Input((None, d), name="target_context")
        inputs["target_context"] = context
        terms.append(mlp_term(model.get_layer("output_mlp"), context, cand))
    return keras.Model(inputs, ScoreSum()(terms), name="output_stage")
