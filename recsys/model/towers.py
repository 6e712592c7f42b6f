"""The model's blocks, wired into a functional graph: item tower, sequence encoder, user tower and
scoring head (``head`` runs the last three).

Every block takes a ``Wiring``: the config and tables, where the named layers come from (created on
first use while ``build_model`` builds, or the trained layer objects of a built model, so every
derived graph shares them) and the suffix that keeps the derived graph's own glue layers distinct.
The named layers stay flat in the model (``model.get_layer(name)`` finds each one, and saved models
load with their weights); the blocks are how the graphs are put together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import keras
from keras import layers

from recsys.model.adaptors import text_term
from recsys.model.config import ModelConfig
from recsys.model.features import FeatureTables
from recsys.model.layers import (
    BroadcastBatch,
    CausalMask,
    LastPosition,
    LookupTable,
    PaddingMask,
    PositionIds,
    RecentWindow,
    RowDot,
    ScoreSum,
    SliceSeq,
    SumFields,
    TakePosition,
    TargetMask,
)

__all__ = ["Wiring", "HeadInputs", "item_tower", "sequence_encoder", "user_tower", "scoring_head", "mlp_term", "head", "has_layer"]


def has_layer(model: keras.Model, name: str) -> bool:
    """Whether ``model`` has a layer called ``name``."""
    return any(layer.name == name for layer in model.layers)


@dataclass(frozen=True)
class Wiring:
    """How a graph is wired: ``model`` None while building (layers are made on first use), else the
    built model whose trained layers the new graph shares; ``tag`` suffixes the glue layer names;
    ``whitening`` (building only): the ``recsys.text.Whitening`` of the text vectors, or None."""

    cfg: ModelConfig
    tables: FeatureTables
    model: keras.Model | None = None
    tag: str = ""
    whitening: Any = None

    def layer(self, name: str, make: Callable[[str], Any]):
        """The layer called ``name``: the model's own, or ``make(name)`` while building."""
        return self.model.get_layer(name) if self.model is not None else make(name)

    def has(self, name: str, when_building: bool) -> bool:
        """Whether the graph has the layer ``name`` (while building: whether it will)."""
        return has_layer(self.model, name) if self.model is not None else when_building

    def named(self, name: str) -> str:
        """A glue layer's name in this graph."""
        return f"{name}{self.tag}"

    def tagged(self, tag: str) -> Wiring:
        return replace(self, tag=tag)

    @property
    def uses_user_graph(self) -> bool:
        return self.cfg.use_graph and self.tables.user_graph is not None


@dataclass(frozen=True)
class HeadInputs:
    """What the interaction and output stages read (symbolic tensors).

    ``history`` ``[B, L]`` ids and ``history_items`` ``[B, L, d]`` their representations;
    ``candidate_items`` ``[B, C, d]`` and ``candidate_ids`` ``[B, C]``, or with ``shared`` ``[1, C, d]``
    and ``[1, C]``: the same candidates for every row (a fixed catalogue), read once by the dot score
    and the item bias and broadcast for target attention; ``user_features`` ``[B, F]`` or None;
    ``head_position`` ``[B, 1]`` (training only): score the history prefix ending there instead of
    the whole history.
    """

    history: Any
    history_items: Any
    candidate_items: Any
    candidate_ids: Any
    user_features: Any = None
    shared: bool = False
    head_position: Any = None


_SIDE_PARTS = (  # (gate key, table layer, projection layer, config flag, FeatureTables attribute, bias)
    ("text", "item_text", "text_projection", "use_text", "item_text", True),
    ("graph", "item_graph", "graph_projection", "use_graph", "item_graph", True),
    ("features", "item_features", "feature_embedding", "use_item_features", "item_features", False),
    ("numeric", "item_numeric", "numeric_projection", "use_item_features", "item_numeric", True),
)


def item_tower(w: Wiring, ids, gates: dict | None = None):
    """``[B, S]`` model ids -> ``[B, S, d]`` item representations (zero for padding): the id
    embedding plus the adapted text vector (``adaptors.text_term``) and the projected graph,
    category and numeric side features.

    ``gates`` (derived graphs only) multiplies the looked-up ``text`` / ``features`` / ``numeric``
    inputs, so a side feature can be hidden (gate 0) without touching the weights.
    """
    gates = gates or {}
    n, dim = w.tables.n_items + 1, w.cfg.dim
    terms = [w.layer("item_embedding", lambda nm: layers.Embedding(n, dim, name=nm))(ids)]
    for key, table_name, proj_name, flag, attr, bias in _SIDE_PARTS:
        table = getattr(w.tables, attr)
        if not w.has(table_name, getattr(w.cfg, flag) and table is not None):
            continue
        width = table.shape[1] if table is not None else None
        looked_up = w.layer(table_name, lambda nm, wd=width: LookupTable(n, wd, name=nm))(ids)
        if key == "text":  # whitening and the adaptor (``recsys.model.adaptors``)
            terms.append(text_term(w, ids, looked_up, gates.get(key)))
            continue
        if key in gates:
            looked_up = layers.Multiply(name=w.named(f"{key}_gate"))([looked_up, gates[key]])
        terms.append(w.layer(proj_name, lambda nm, b=bias: layers.Dense(dim, use_bias=b, name=nm))(looked_up))
    rep = layers.Add(name=w.named("item_sum"))(terms) if len(terms) > 1 else terms[0]
    return layers.Multiply(name=w.named("item_representation"))([rep, PaddingMask(name=w.named("item_padding"))(ids)])


def _transformer_block(w: Wiring, x, mask, pad, i: int):
    """SASRec's block (Kang & McAuley 2018): the query is normalised, keys and values are not, and
    each residual adds to the *normalised* stream (a standard pre-LN block trained worse here)."""
    cfg = w.cfg
    q = w.layer(f"attention_norm_{i}", lambda nm: layers.LayerNormalization(epsilon=1e-6, name=nm))(x)
    att, _ = w.layer(f"self_attention_{i}", lambda nm: layers.MultiHeadAttention(
        cfg.heads, max(cfg.dim // cfg.heads, 1), dropout=cfg.dropout, name=nm,
    ))(q, x, attention_mask=mask, return_attention_scores=True)
    att = w.layer(f"attention_dropout_{i}", lambda nm: layers.Dropout(cfg.dropout, name=nm))(att)
    x = layers.Add(name=w.named(f"attention_residual_{i}"))([q, att])
    normed = w.layer(f"ffn_norm_{i}", lambda nm: layers.LayerNormalization(epsilon=1e-6, name=nm))(x)
    h = w.layer(f"ffn_in_{i}", lambda nm: layers.Dense(cfg.dim, activation="gelu", name=nm))(normed)
    h = w.layer(f"ffn_hidden_dropout_{i}", lambda nm: layers.Dropout(cfg.dropout, name=nm))(h)
    h = w.layer(f"ffn_out_{i}", lambda nm: layers.Dense(cfg.dim, name=nm))(h)
    f = w.layer(f"ffn_dropout_{i}", lambda nm: layers.Dropout(cfg.dropout, name=nm))(h)
    x = layers.Add(name=w.named(f"ffn_residual_{i}"))([normed, f])
    return layers.Multiply(name=w.named(f"block_padding_{i}"))([x, pad])


def sequence_encoder(w: Wiring, history, history_items):
    """History ids ``[B, L]`` and their item representations ``[B, L, d]`` -> ``sequence_output``
    ``[B, L, d]``: positions added, then the causal self-attention blocks."""
    cfg = w.cfg
    positions = PositionIds(name=w.named("positions"))(history)
    pos = w.layer("position_embedding", lambda nm: layers.Embedding(cfg.max_len, cfg.dim, name=nm))(positions)
    pad = PaddingMask(name=w.named("history_padding"))(history)
    added = layers.Add(name=w.named("add_positions"))([history_items, pos])
    x = layers.Multiply(name=w.named("history_embedding"))([added, pad])
    x = w.layer("embedding_dropout", lambda nm: layers.Dropout(cfg.dropout, name=nm))(x)
    mask = CausalMask(name=w.named("causal_mask"))(history)
    for i in range(cfg.blocks):
        x = _transformer_block(w, x, mask, pad, i)
    return w.layer("sequence_output", lambda nm: layers.LayerNormalization(epsilon=1e-6, name=nm))(x)


def user_tower(w: Wiring, seq, user_features, head_position=None):
    """``sequence_output`` ``[B, L, d]`` -> ``user_representation`` ``[B, d]``: the last (or the
    ``head_position``) position, plus the user's attribute embeddings and projected LightGCN vector
    (its row in the last ``user_features`` column)."""
    cfg, tables = w.cfg, w.tables
    user = (LastPosition(name=w.named("last_position"))(seq) if head_position is None
            else TakePosition(name=w.named("head_position_vector"))(seq, head_position))
    n_fields = len(tables.user_fields)
    graph_user = user_features is not None and w.has("user_graph", w.uses_user_graph)
    if user_features is not None and w.has("user_embedding", cfg.use_user_features and n_fields > 0):
        tokens = SliceSeq(0, n_fields, name=w.named("user_tokens"))(user_features) if graph_user else user_features
        attrs = w.layer("user_embedding", lambda nm: layers.Embedding(len(tables.user_tokens), cfg.dim, name=nm))(tokens)
        user = layers.Add(name=w.named("add_user_attributes"))([user, SumFields(name=w.named("user_attributes"))(attrs)])
    if graph_user:
        row = SliceSeq(n_fields, n_fields + 1, name=w.named("user_graph_row"))(user_features)
        width = tables.user_graph.shape[1] if tables.user_graph is not None else None
        vector = w.layer("user_graph", lambda nm: LookupTable(len(tables.user_graph), width, name=nm))(row)
        projected = w.layer("graph_user_projection", lambda nm: layers.Dense(cfg.dim, use_bias=False, name=nm))(vector)
        user = layers.Add(name=w.named("add_user_graph"))([user, SumFields(name=w.named("user_graph_vector"))(projected)])
    return layers.Identity(name=w.named("user_representation"))(user)


def scoring_head(w: Wiring, user, seq, inp: HeadInputs):
    """``user_representation`` ``[B, d]`` and ``sequence_output`` -> ``scores`` ``[B, C]``: dot score
    plus item bias plus, with target attention, the output MLP over the candidate's attention to
    the K most recent history items."""
    cfg = w.cfg
    cand, ids = inp.candidate_items, inp.candidate_ids
    n = w.tables.n_items + 1
    terms = [
        RowDot(name=w.named("dot_score"))(user, cand),
        w.layer("item_bias", lambda nm: layers.Embedding(n, 1, embeddings_initializer="zeros", name=nm))(ids),
    ]
    if w.has("target_attention", cfg.target_attention):
        if inp.shared:
            cand = BroadcastBatch(name=w.named("candidate_rows"))(cand, inp.history)
            ids = BroadcastBatch(name=w.named("candidate_ids"))(ids, inp.history)
        recent, recent_ids = RecentWindow(cfg.target_window_size, name=w.named("target_window"))(
            seq, inp.history, inp.head_position)
        context, _ = w.layer("target_attention", lambda nm: layers.MultiHeadAttention(
            cfg.heads, max(cfg.dim // cfg.heads, 1), dropout=cfg.dropout, name=nm,
        ))(cand, recent, attention_mask=TargetMask(name=w.named("target_mask"))(recent_ids, ids),
          return_attention_scores=True)
        context = layers.Identity(name=w.named("target_context"))(context)
        mlp = w.layer("output_mlp", lambda nm: keras.Sequential(
            [layers.Dense(cfg.mlp_units, activation="gelu"), layers.Dense(1, kernel_initializer="zeros")], name=nm,
        ))
        terms.append(mlp_term(mlp, context, cand, w.named))
    return ScoreSum(name=w.named("scores"))(terms)


def mlp_term(mlp, context, cand, name: Callable[[str], str | None] = lambda _: None):
    """The trained ``output_mlp`` over ``[context * candidate, context]`` (the candidate's match
    with the history it attends to): ``target_context`` and candidates ``[B, C, d]`` -> ``[B, C, 1]``."""
    z = layers.Concatenate(name=name("output_features"))(
        [layers.Multiply(name=name("context_x_candidate"))([context, cand]), context])
    return mlp(z)


def head(w: Wiring, inp: HeadInputs):
    """Interaction and output stages -> (scores ``[B, C]``, sequence output ``[B, L, d]``)."""
    seq = sequence_encoder(w, inp.history, inp.history_items)
    user = user_tower(w, seq, inp.user_features, inp.head_position)
    return scoring_head(w, user, seq, inp), seq
